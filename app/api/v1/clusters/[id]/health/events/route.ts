import { apiRoute, json, notFound } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { alarmTimeline } from "@/lib/health/store";

/** The alarm timeline: each alarm with when it was raised and cleared, newest first. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  return json({ events: await alarmTimeline(id) });
});
