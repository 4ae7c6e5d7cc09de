import { apiRoute, json, readJson } from "@/lib/api/http";
import { audit } from "@/lib/audit";
import { ClusterInput } from "@/lib/inventory/schemas";
import { createCluster, listClusters } from "@/lib/inventory/clusters";

export const GET = apiRoute("viewer", async () => json({ clusters: await listClusters() }));

export const POST = apiRoute("operator", async (req, _p, who) => {
  const c = await createCluster(ClusterInput.parse(await readJson(req)));
  await audit(who, "cluster.create", { type: "cluster", id: c.id, name: c.name }, `${c.members.length} members (api)`);
  return json({ cluster: c }, 201);
});
