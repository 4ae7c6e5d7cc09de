import { apiRoute, json, readJson } from "@/lib/api/http";
import { cancelRun } from "@/lib/ops/service";

/** Body (optional): {"mode": "after-step"} (default: the steps in progress finish) or {"mode": "now"} (they are killed). */
export const POST = apiRoute("operator", async (r, { id }, who) => {
  const body = (await readJson(r)) as { mode?: unknown } | null;
  const mode = (body?.mode ?? "after-step") as "after-step" | "now";
  await cancelRun(id, who, mode);
  return json({ runId: id, cancelling: true, mode }, 202);
});
