"use server";
import { requireActionRole } from "@/lib/auth/guard";
import { cancelRun, clusterVersions, continueRun, previewOperation, retryRun, startOperation, VERSIONS_ROLE, type HostVersions, type PlanPreview } from "@/lib/ops/service";
import { runLbPreflight, runPreflight, type LbPreflight, type PreflightReport } from "@/lib/ops/preflight";
import { toActionError, type ActionResult } from "./result";
import { CancelModeArg, IdArg, NameArg, PlanTokenArg } from "./args";

export async function previewPlan(clusterId: string, type: string, params: unknown): Promise<ActionResult<{ preview: PlanPreview }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, preview: await previewOperation(IdArg.parse(clusterId), NameArg.parse(type), params, who) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function startPlan(clusterId: string, type: string, params: unknown, confirmDestructive: boolean, planToken: string): Promise<ActionResult<{ runId: string }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, runId: await startOperation(IdArg.parse(clusterId), NameArg.parse(type), params, { confirmDestructive: confirmDestructive === true, planToken: PlanTokenArg.parse(planToken) }, who) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function preflight(clusterId: string, params: unknown): Promise<ActionResult<{ report: PreflightReport }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, report: await runPreflight(IdArg.parse(clusterId), params, who) };
  } catch (e) {
    return toActionError(e);
  }
}

export async function retry(runId: string): Promise<ActionResult> {
  try {
    await retryRun(IdArg.parse(runId), await requireActionRole("operator"));
    return { ok: true, message: "Resuming from the first unfinished step" };
  } catch (e) {
    return toActionError(e);
  }
}

export async function resume(runId: string): Promise<ActionResult> {
  try {
    await continueRun(IdArg.parse(runId), await requireActionRole("operator"));
    return { ok: true, message: "Continuing past the pause" };
  } catch (e) {
    return toActionError(e);
  }
}

export async function cancel(runId: string, mode: "after-step" | "now"): Promise<ActionResult> {
  try {
    await cancelRun(IdArg.parse(runId), await requireActionRole("operator"), CancelModeArg.parse(mode));
    return { ok: true, message: mode === "now" ? "Aborting: the commands in progress are being killed" : "Stopping after the steps in progress" };
  } catch (e) {
    return toActionError(e);
  }
}

export async function lbPreflight(clusterId: string, params: unknown): Promise<ActionResult<{ report: LbPreflight }>> {
  try {
    const who = await requireActionRole("operator");
    return { ok: true, report: await runLbPreflight(IdArg.parse(clusterId), params, who) };
  } catch (e) {
    return toActionError(e);
  }
}

/** Each host's installed and offered versions (read over SSH), for the upgrade forms. */
export async function versionsOf(clusterId: string): Promise<ActionResult<{ hosts: HostVersions[] }>> {
  try {
    const who = await requireActionRole(VERSIONS_ROLE);
    return { ok: true, hosts: await clusterVersions(IdArg.parse(clusterId), who) };
  } catch (e) {
    return toActionError(e);
  }
}
