import { recordRunHandover } from "@/lib/inventory/handover";
import "server-only";
// Runs, steps and logs in SQLite. Each method is one small write, so a crash
// between two loses nothing already written.
import { db } from "@/lib/db";
import { finishRotations, openClusterSecrets, openNextSecrets } from "@/lib/inventory/secrets";
import { readPlan } from "../plan-json";
import { recordRunSpec } from "@/lib/inventory/specs";
import type { SecretName } from "../secrets";
import { takeoverDecision } from "./takeover";
import type { Adopted, ClaimedRun, LogRow, RunStatus, RunStore, StepOutcome, StepStatus } from "./types";

export const prismaRunStore: RunStore = {
  async adopt(clusterId, resume) {
    const stale = await db().run.findMany({ where: { status: "running", ...(clusterId ? { clusterId } : {}) }, select: { id: true, plan: true, steps: { where: { status: "running" }, select: { key: true } } } });
    const out: Adopted[] = [];
    for (const r of stale) {
      const d = resume ? takeoverDecision(readPlan(r.plan), r.steps.map((s) => s.key)) : null;
      if (d?.resume) {
        // The steps in progress start again; startedAt stays, so they count as begun before (a check decides).
        // Only if still running: a late end written by the process before stands.
        const moved = await db().$transaction(async (tx) => {
          const q = await tx.run.updateMany({ where: { id: r.id, status: "running" }, data: { status: "queued" } });
          if (q.count) await tx.runStep.updateMany({ where: { runId: r.id, status: "running" }, data: { status: "pending", note: "started again by the instance that took the cluster over" } });
          return q.count > 0;
        });
        if (!moved) continue;
        out.push({ id: r.id, resumed: true, why: "the instance running it stopped renewing its lease" });
        continue;
      }
      const why = d && !d.resume ? `step "${d.step.title}" on ${d.step.host} has no check to tell whether it is done, so it is not started again without you` : "Warren stopped while this run was in progress";
      const stopped = await db().run.updateMany({ where: { id: r.id, status: "running" }, data: { status: "interrupted", error: `${why}; resume to continue`, finishedAt: new Date() } });
      if (!stopped.count) continue;
      await db().runStep.updateMany({ where: { runId: r.id, status: "running" }, data: { status: "interrupted", note: "Warren stopped during this step", finishedAt: new Date() } });
      out.push({ id: r.id, resumed: false, why });
    }
    return out;
  },

  async cancelAsked(runIds) {
    if (!runIds.length) return [];
    return (await db().run.findMany({ where: { id: { in: runIds }, cancelAsked: true }, select: { id: true } })).map((r) => r.id);
  },

  running() {
    return db().run.findMany({ where: { status: "running" }, select: { id: true, clusterId: true } });
  },

  queued() {
    return db().run.findMany({ where: { status: "queued" }, orderBy: { createdAt: "asc" }, select: { id: true, clusterId: true } });
  },

  async claim(runId): Promise<ClaimedRun | null> {
    const claimed = await db().run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "running", startedAt: new Date(), finishedAt: null, error: null } });
    if (claimed.count === 0) return null;
    const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { steps: { select: { key: true, status: true, startedAt: true } } } });
    return {
      id: run.id, type: run.type, clusterId: run.clusterId, plan: readPlan(run.plan), cancelAsked: run.cancelAsked,
      steps: new Map(run.steps.map((s) => [s.key, s.status as StepStatus])),
      startedBefore: new Set(run.steps.filter((s) => s.status === "pending" && s.startedAt).map((s) => s.key)),
      vars: run.vars ? (JSON.parse(run.vars) as Record<string, string>) : {},
    };
  },

  async stepStarted(runId, key) {
    await db().runStep.update({ where: { runId_key: { runId, key } }, data: { status: "running", startedAt: new Date(), finishedAt: null, exitCode: null, stderrTail: null, note: null } });
  },

  async stepFinished(runId, key, o: StepOutcome) {
    await db().runStep.update({
      where: { runId_key: { runId, key } },
      data: { status: o.status, exitCode: o.exitCode ?? null, stderrTail: o.stderrTail ?? null, note: o.note ?? null, finishedAt: o.status === "waiting" ? null : new Date() },
    });
  },

  async stepNote(runId, key, note) {
    await db().runStep.update({ where: { runId_key: { runId, key } }, data: { note } });
  },

  async setVar(runId, name, value) {
    const r = await db().run.findUniqueOrThrow({ where: { id: runId }, select: { vars: true } });
    await db().run.update({ where: { id: runId }, data: { vars: JSON.stringify({ ...(r.vars ? JSON.parse(r.vars) : {}), [name]: value }) } });
  },

  async finish(runId, status: RunStatus, error) {
    // Secrets a succeeded run rotated are in use on the hosts from now on; the spec it applied is the cluster's.
    if (status === "succeeded") {
      await finishRotations(runId);
      await recordRunSpec(runId);
      await recordRunHandover(runId);
    }
    await db().run.update({ where: { id: runId }, data: { status, finishedAt: status === "paused" ? null : new Date(), error } });
  },

  secrets(clusterId: string, names: SecretName[]) {
    return openClusterSecrets(clusterId, names);
  },

  nextSecrets(clusterId: string, runId: string, names: SecretName[]) {
    return openNextSecrets(clusterId, runId, names);
  },

  async lastLogSeq(runId) {
    const last = await db().runLog.findFirst({ where: { runId }, orderBy: { seq: "desc" }, select: { seq: true } });
    return last?.seq ?? 0;
  },

  async appendLogs(runId, rows: LogRow[]) {
    await db().runLog.createMany({ data: rows.map((r) => ({ runId, ...r })) });
  },
};
