import { apiRoute, json } from "@/lib/api/http";
import { cancelRun } from "@/lib/ops/operations";

export const POST = apiRoute("operator", async (_r, { id }, who) => {
  await cancelRun(id, who);
  return json({ runId: id, cancelling: true }, 202);
});
