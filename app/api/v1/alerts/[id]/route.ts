import { apiRoute, json, notFound } from "@/lib/api/http";
import { getIncident } from "@/lib/alerts/service";

/** One incident: its members, every transition and the notifications they sent, with each delivery attempt. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  const i = await getIncident(id);
  return i ? json({ incident: i }) : notFound("incident");
});
