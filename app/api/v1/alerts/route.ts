import { z } from "zod";
import { apiRoute, json } from "@/lib/api/http";
import { listIncidents } from "@/lib/alerts/service";

const Query = z.object({
  state: z.enum(["open", "resolved", "all"]).default("open"),
  cluster: z.string().max(64).optional(),
  take: z.coerce.number().int().min(1).max(1000).default(200),
});

/** Incidents, newest first: open ones by default (?state=resolved|all, ?cluster=<id>). */
export const GET = apiRoute("viewer", async (req) => {
  const q = Query.parse(Object.fromEntries(new URL(req.url).searchParams));
  return json({ incidents: await listIncidents({ state: q.state, clusterId: q.cluster, take: q.take }) });
});
