import { apiRoute, json, notFound } from "@/lib/api/http";
import { deleteHost, getHost } from "@/lib/inventory/hosts";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const h = await getHost(id);
  return h ? json({ host: h }) : notFound("host");
});

export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const h = await deleteHost(id, who);
  return h ? json({ deleted: h.id }) : notFound("host");
});
