import { apiRoute, json, notFound } from "@/lib/api/http";
import { testChannel } from "@/lib/alerts/service";

/** Sends a test notification through the outbox like a real one; answers with its first attempt (or still pending after 20 s) (admin; audited). */
export const POST = apiRoute("admin", async (_r, { id }, who) => {
  const d = await testChannel(id, who);
  return d ? json({ delivery: d }) : notFound("channel");
});
