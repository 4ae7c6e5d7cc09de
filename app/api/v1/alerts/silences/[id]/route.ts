import { apiRoute, json, notFound } from "@/lib/api/http";
import { expireSilence } from "@/lib/alerts/service";

/** Ends a silence now (operator; audited). It stays in the list as expired. */
export const DELETE = apiRoute("operator", async (_r, { id }, who) => {
  const s = await expireSilence(id, who);
  return s ? json({ silence: s }) : notFound("silence");
});
