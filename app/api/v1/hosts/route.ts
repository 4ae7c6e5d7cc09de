import { apiRoute, json, readJson } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { HostInput } from "@/lib/inventory/schemas";
import { createHost, listHosts } from "@/lib/inventory/hosts";

export const GET = apiRoute("viewer", async () => json({ hosts: await listHosts() }));

export const POST = apiRoute("operator", async (req, _p, who) => {
  const h = await createHost(HostInput.parse(await readJson(req)));
  await audit(who, "host.create", { type: "host", id: h.id, name: h.name }, `${h.username}@${h.address}:${h.port} (api)`);
  return json({ host: h }, 201);
});
