import { apiRoute, json, readJson } from "@/lib/api/http";
import { ClusterInput } from "@/lib/inventory/schemas";
import { createCluster, listClusters } from "@/lib/inventory/clusters";

export const GET = apiRoute("viewer", async () => json({ clusters: await listClusters() }));

export const POST = apiRoute("operator", async (req, _p, who) => json({ cluster: await createCluster(ClusterInput.parse(await readJson(req)), who) }, 201));
