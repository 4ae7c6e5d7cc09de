import { apiRoute, json } from "@/lib/api/http";
import { continueRun } from "@/lib/ops/service";

/** A paused run goes on past its pause. */
export const POST = apiRoute("operator", async (_r, { id }, who) => {
  await continueRun(id, who);
  return json({ runId: id, status: "queued" }, 202);
});
