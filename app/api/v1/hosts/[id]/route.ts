import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { deleteHost, getHost, updateHost } from "@/lib/inventory/hosts";
import { HostUpdate } from "@/lib/inventory/schemas";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const h = await getHost(id);
  return h ? json({ host: h }) : notFound("host");
});

/** Change a host's connection settings (operator); credentials only when given. */
export const PATCH = apiRoute("operator", async (req, { id }, who) => {
  const h = await updateHost(id, HostUpdate.parse(await readJson(req)), who);
  return h ? json({ host: h }) : notFound("host");
});

export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const h = await deleteHost(id, who);
  return h ? json({ deleted: h.id }) : notFound("host");
});
