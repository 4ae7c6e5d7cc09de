import { apiRoute, json, notFound } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { history } from "@/lib/health/store";

/** History samples for ?hours=N (default 1; 10-s resolution up to an hour, 1-min beyond). */
export const GET = apiRoute("viewer", async (req, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  const hours = Math.min(24 * 7, Math.max(0.1, Number(new URL(req.url).searchParams.get("hours") ?? 1) || 1));
  return json(await history(id, hours * 3600_000));
});
