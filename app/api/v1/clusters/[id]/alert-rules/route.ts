import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { clusterRules, saveRules } from "@/lib/alerts/service";

/** The cluster's alert rules: each kind's defaults with this cluster's overrides (viewer). */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  return json({ rules: await clusterRules(id) });
});

/** Overrides for some kinds: {"rules": [{"kind", "enabled"?, "severity"?, "forSeconds"?, "threshold"?}]}; null resets a part to its default (operator; audited). */
export const PUT = apiRoute("operator", async (req, { id }, who) => {
  const r = await saveRules(id, await readJson(req), who);
  return r ? json(r) : notFound("cluster");
});
