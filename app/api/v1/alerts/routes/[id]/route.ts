import { apiRoute, json, notFound } from "@/lib/api/http";
import { deleteRoute } from "@/lib/alerts/service";

export const DELETE = apiRoute("admin", async (_r, { id }, who) => {
  const r = await deleteRoute(id, who);
  return r ? json({ deleted: r.id }) : notFound("route");
});
