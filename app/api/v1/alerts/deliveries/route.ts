import { z } from "zod";
import { apiRoute, json } from "@/lib/api/http";
import { listDeliveries } from "@/lib/alerts/service";

const Query = z.object({ channel: z.string().max(64).optional(), incident: z.string().max(64).optional(), take: z.coerce.number().int().min(1).max(500).default(100) });

/** The delivery log, newest first (?channel=<id>, ?incident=<id>): each notification with every attempt and the receiver's answer (viewer). */
export const GET = apiRoute("viewer", async (req) => {
  const q = Query.parse(Object.fromEntries(new URL(req.url).searchParams));
  return json({ deliveries: await listDeliveries({ channelId: q.channel, incidentId: q.incident, take: q.take }) });
});
