import "server-only";
import { randomBytes } from "node:crypto";
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { commandLine } from "@/lib/ssh/quote";
import type { Principal } from "@/lib/auth/principal";
import { audit } from "@/lib/audit";
import { destructiveSteps, planAsShell, type Plan } from "./plan";
import { cookieHash, newErlangCookie, planSetup, SetupOptions, validateTopology, type NodeSpec } from "./setup-plan";
import { ACTIVE, runner, type CancelMode } from "./runner";

export class OperationError extends Error {
  constructor(readonly code: "not-found" | "busy" | "confirm" | "invalid" | "state", message: string, readonly details?: unknown) {
    super(message);
  }
}

async function clusterNodes(clusterId: string): Promise<{ cluster: { id: string; name: string; cookieEnc: string | null; adminPassEnc: string | null }; nodes: NodeSpec[] }> {
  const c = await db().cluster.findUnique({ where: { id: clusterId }, include: { members: { include: { host: true } } } });
  if (!c) throw new OperationError("not-found", "no such cluster");
  const nodes = c.members
    .filter((m) => m.role === "rabbitmq")
    .map((m) => ({ name: m.host.name, address: m.host.address, type: (m.nodeType === "ram" ? "ram" : "disc") as "disc" | "ram", seed: m.isSeed }))
    .sort((a, b) => Number(b.seed) - Number(a.seed) || a.name.localeCompare(b.name));
  const problems = validateTopology(nodes);
  if (problems.length) throw new OperationError("invalid", problems.join("; "));
  return { cluster: c, nodes };
}

async function ensureClusterSecrets(clusterId: string) {
  const c = await db().cluster.findUniqueOrThrow({ where: { id: clusterId } });
  const box = secretBox();
  const data: { cookieEnc?: string; adminPassEnc?: string } = {};
  if (!c.cookieEnc) data.cookieEnc = box.seal(newErlangCookie(), "cluster:cookie");
  if (!c.adminPassEnc) data.adminPassEnc = box.seal(randomBytes(18).toString("base64url"), "cluster:admin-password");
  const updated = Object.keys(data).length ? await db().cluster.update({ where: { id: clusterId }, data }) : c;
  return { cookie: box.open(updated.cookieEnc!, "cluster:cookie") };
}

export interface PlanPreview {
  plan: Plan;
  shell: string;
  destructive: { host: string; title: string; why: string }[];
}

async function compile(clusterId: string, type: string, params: unknown): Promise<PlanPreview & { options: SetupOptions }> {
  if (type !== "setup") throw new OperationError("invalid", `unknown operation ${type}`);
  const options = SetupOptions.parse(params);
  const { nodes } = await clusterNodes(clusterId);
  const { cookie } = await ensureClusterSecrets(clusterId);
  const sha = cookieHash(cookie);
  const plan = planSetup(nodes, options, sha);
  return {
    options,
    plan,
    shell: planAsShell(plan).replaceAll(sha, "<sha256 of the cookie>"),
    destructive: destructiveSteps(plan).map((s) => ({ host: s.host, title: s.title, why: s.destructive! })),
  };
}

export async function previewOperation(clusterId: string, type: string, params: unknown): Promise<PlanPreview> {
  const { options: _options, ...preview } = await compile(clusterId, type, params);
  return preview;
}

export async function startOperation(clusterId: string, type: string, params: unknown, confirmDestructive: boolean, who: Principal): Promise<string> {
  const { options, ...preview } = await compile(clusterId, type, params);
  if (preview.destructive.length && !confirmDestructive)
    throw new OperationError("confirm", "this operation has destructive steps: review and confirm them", preview.destructive);
  const active = await db().run.findFirst({ where: { clusterId, status: { in: ACTIVE } } });
  if (active) throw new OperationError("busy", `another operation (${active.type}) is ${active.status} on this cluster`, { runId: active.id });
  const run = await db().run.create({
    data: {
      clusterId, type, status: "queued", params: JSON.stringify(options), plan: JSON.stringify(preview.plan), createdBy: who.username,
      steps: {
        create: preview.plan.phases.flatMap((ph, phase) => ph.steps.map((s) => ({ phase, key: s.key, title: s.title, hostName: s.host, command: commandLine(s.argv), destructive: !!s.destructive, status: "pending" })))
          .map((s, idx) => ({ ...s, idx })),
      },
    },
  });
  await db().cluster.update({ where: { id: clusterId }, data: { settings: JSON.stringify(options) } });
  await audit(who, `operation.${type}`, { type: "cluster", id: clusterId }, `run ${run.id}${preview.destructive.length ? `, confirmed ${preview.destructive.length} destructive step(s)` : ""}`);
  runner().kick();
  return run.id;
}

/** Resume a failed, interrupted or cancelled run from its first unfinished step. */
export async function retryRun(runId: string, who: Principal): Promise<void> {
  const run = await db().run.findUnique({ where: { id: runId } });
  if (!run) throw new OperationError("not-found", "no such run");
  if (!["failed", "interrupted", "cancelled"].includes(run.status)) throw new OperationError("state", `a ${run.status} run cannot be retried`);
  const active = await db().run.findFirst({ where: { clusterId: run.clusterId, status: { in: ACTIVE }, id: { not: runId } } });
  if (active) throw new OperationError("busy", "another operation is active on this cluster", { runId: active.id });
  await db().runStep.updateMany({ where: { runId, status: { in: ["failed", "interrupted", "cancelled", "running"] } }, data: { status: "pending" } });
  await db().run.update({ where: { id: runId }, data: { status: "queued", cancelAsked: false, error: null } });
  await audit(who, "operation.retry", { type: "run", id: runId });
  runner().kick();
}

/** Stop a run: after the steps in progress ("after-step", the default) or at once, killing them ("now"). */
export async function cancelRun(runId: string, who: Principal, mode: CancelMode = "after-step"): Promise<void> {
  if (mode !== "after-step" && mode !== "now") throw new OperationError("invalid", "mode must be 'after-step' or 'now'");
  const run = await db().run.findUnique({ where: { id: runId } });
  if (!run) throw new OperationError("not-found", "no such run");
  if (!ACTIVE.includes(run.status)) throw new OperationError("state", `the run is already ${run.status}`);
  if (run.status === "queued") await db().run.update({ where: { id: runId }, data: { status: "cancelled", finishedAt: new Date(), error: "cancelled before it started" } });
  else await db().run.update({ where: { id: runId }, data: { cancelAsked: true } });
  runner().cancel(runId, mode);
  await audit(who, "operation.cancel", { type: "run", id: runId }, mode === "now" ? "abort now" : "stop after the current step");
}

export async function getRun(runId: string) {
  return db().run.findUnique({
    where: { id: runId },
    select: {
      id: true, clusterId: true, type: true, status: true, params: true, createdBy: true, createdAt: true, startedAt: true, finishedAt: true, error: true,
      cluster: { select: { name: true } },
      steps: { orderBy: { idx: "asc" }, select: { idx: true, phase: true, key: true, title: true, hostName: true, command: true, destructive: true, status: true, exitCode: true, stderrTail: true, note: true, startedAt: true, finishedAt: true } },
    },
  });
}

export async function getRunLog(runId: string, after: number, limit = 2000) {
  return db().runLog.findMany({ where: { runId, seq: { gt: after } }, orderBy: { seq: "asc" }, take: limit, select: { seq: true, hostName: true, stream: true, text: true, at: true } });
}
