import { apiRoute, json, notFound } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { liveHealth } from "@/lib/health/live";

/** The cluster's live health: nodes, load balancers, the VIP, alarms; every datum with when it was last seen. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  const h = await liveHealth(id);
  return json(h ?? { clusterId: id, observedAt: new Date().toISOString(), status: "unknown", nodes: [], loadBalancers: [], vip: null, totals: { messages: null, queues: null, connections: null }, alarms: [] });
});
