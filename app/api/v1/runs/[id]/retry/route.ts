import { apiRoute, json } from "@/lib/api/http";
import { retryRun } from "@/lib/ops/service";

export const POST = apiRoute("operator", async (_r, { id }, who) => {
  await retryRun(id, who);
  return json({ runId: id, status: "queued" }, 202);
});
