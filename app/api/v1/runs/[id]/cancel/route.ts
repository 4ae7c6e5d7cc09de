import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { cancelRun } from "@/lib/ops/service";

/** Body (optional): {"mode": "after-step"} (default: the steps in progress finish) or {"mode": "now"} (they are killed). */
const Body = z.strictObject({ mode: z.enum(["after-step", "now"]).default("after-step") });

export const POST = apiRoute("operator", async (r, { id }, who) => {
  const { mode } = Body.parse(await readJson(r));
  await cancelRun(id, who, mode);
  return json({ runId: id, cancelling: true, mode }, 202);
});
