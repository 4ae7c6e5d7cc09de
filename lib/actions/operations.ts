"use server";
import { requireActionRole } from "@/lib/auth/guard";
import { cancelRun, previewOperation, retryRun, startOperation, type PlanPreview } from "@/lib/ops/operations";
import { runPreflight, type PreflightReport } from "@/lib/ops/preflight";
import { toActionError, type ActionResult } from "./result";

export async function previewSetup(clusterId: string, params: unknown): Promise<ActionResult<{ preview: PlanPreview }>> {
  try {
    await requireActionRole("operator");
    return { ok: true, preview: await previewOperation(String(clusterId), "setup", params) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function startSetup(clusterId: string, params: unknown, confirmDestructive: boolean): Promise<ActionResult<{ runId: string }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, runId: await startOperation(String(clusterId), "setup", params, confirmDestructive === true, who) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function preflight(clusterId: string, params: unknown): Promise<ActionResult<{ report: PreflightReport }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, report: await runPreflight(String(clusterId), params, who) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function retry(runId: string): Promise<ActionResult> {
  try {
    await retryRun(String(runId), await requireActionRole("operator"));
    return { ok: true, message: "Resuming from the first unfinished step" };
  } catch (e) {
    return toActionError(e);
  }
}

export async function cancel(runId: string, mode: "after-step" | "now"): Promise<ActionResult> {
  try {
    await cancelRun(String(runId), await requireActionRole("operator"), mode);
    return { ok: true, message: mode === "now" ? "Aborting: the commands in progress are being killed" : "Stopping after the steps in progress" };
  } catch (e) {
    return toActionError(e);
  }
}
