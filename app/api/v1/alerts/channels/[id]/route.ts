import { apiRoute, json, notFound } from "@/lib/api/http";
import { deleteChannel, getChannel } from "@/lib/alerts/service";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const c = await getChannel(id);
  return c ? json({ channel: c }) : notFound("channel");
});

/** Deletes the channel, its routes and its delivery log (admin; audited). */
export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const c = await deleteChannel(id, who);
  return c ? json({ deleted: c.id }) : notFound("channel");
});
