import { apiRoute, json, readJson } from "@/lib/api/http";
import { HostInput } from "@/lib/inventory/schemas";
import { createHost, listHosts } from "@/lib/inventory/hosts";

export const GET = apiRoute("viewer", async () => json({ hosts: await listHosts() }));

export const POST = apiRoute("operator", async (req, _p, who) => json({ host: await createHost(HostInput.parse(await readJson(req)), who) }, 201));
