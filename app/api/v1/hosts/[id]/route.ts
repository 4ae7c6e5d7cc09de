import { apiRoute, json, notFound } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { deleteHost, getHost } from "@/lib/inventory/hosts";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const h = await getHost(id);
  return h ? json({ host: h }) : notFound("host");
});

export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const h = await deleteHost(id);
  if (!h) return notFound("host");
  await audit(who, "host.delete", { type: "host", id: h.id, name: h.name }, "api");
  return json({ deleted: h.id });
});
