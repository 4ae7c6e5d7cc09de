import { apiRoute, json, notFound } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { clusterSecretNames } from "@/lib/inventory/secrets";
import { SECRETS } from "@/lib/ops/secrets";

/** Which secrets the cluster holds (names and when they changed; never values). */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  return json({ secrets: (await clusterSecretNames(id)).map((s) => ({ ...s, label: SECRETS[s.name].label })) });
});
