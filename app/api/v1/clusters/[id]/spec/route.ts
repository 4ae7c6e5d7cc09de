import { apiRoute, json, notFound } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { specDrift, specHistory } from "@/lib/inventory/specs";

/** The cluster's spec (viewer): the current version, every version with what it changed, and a change the hosts do not reflect yet. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  const [history, drift] = await Promise.all([specHistory(id), specDrift(id)]);
  return json({ current: history[0] ?? null, history, drift });
});
