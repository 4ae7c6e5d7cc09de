import "server-only";
// Operations as a service for pages, server actions and the API: compile a
// plan from the registry, observe the hosts, start, retry, continue, stop.
// Each change writes its audit row here, once.
import { z } from "zod";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { roleAllows } from "@/lib/auth/roles";
import { applyMembership, clusterInventory, sudoHostNames } from "@/lib/inventory/clusters";
import { beginRotation, ensureClusterSecrets, openClusterSecrets } from "@/lib/inventory/secrets";
import { commandLine } from "@/lib/ssh/quote";
import { fileArgv } from "./file-deploy";
import { forecastPlan, planToken, summarize, summaryLine, type ForecastSummary, type StepForecast } from "./forecast";
import { PlanError, type GatherContext, type Reader } from "./operation";
import { allSteps, assertWellFormed, changesHost, secretsRotated, secretsUsed, type Plan, type Step } from "./plan";
import { findOperation, OPERATIONS, runTitle } from "./registry";
import { definitionsCommand, planScript } from "./script";
import { drillResult } from "./operations/failover-drill";
import { gatherClusterFacts } from "./cluster-facts";
import { gatherDefinitions } from "@/lib/backups/service";
import { MigrationError, migrationFacts } from "@/lib/migration/service";
import { runner, type CancelMode } from "./runner";
import { sshExecutor } from "./engine/ssh-executor";
import { ACTIVE_RUN, RETRYABLE_RUN, UNFINISHED_STEP } from "./engine/types";

/** What a gather may read besides host commands (GatherContext): a migration's unreadable side is a refusal to plan, with the reason. */
const gatherContext: GatherContext = {
  ...gatherDefinitions,
  migration: (blue, green) => migrationFacts(blue, green).catch((e: unknown) => {
    throw e instanceof MigrationError ? new PlanError(e.message) : e;
  }),
};

export class OperationError extends Error {
  constructor(readonly code: "not-found" | "busy" | "confirm" | "invalid" | "state" | "stale" | "forbidden", message: string, readonly details?: unknown) {
    super(message);
  }
}

export interface DestructiveStep { key: string; host: string; title: string; why: string; impact?: string }

export interface PlanPreview {
  type: string;
  title: string;
  plan: Plan;
  forecast: Record<string, StepForecast>;
  summary: ForecastSummary & { line: string };
  /** Only the destructive steps that will really run (or whose host could not be asked). */
  destructive: DestructiveStep[];
  script: string;
  /** Pass it back to start: a start whose hosts changed since refuses. */
  token: string;
  /** Run variables as the hosts answer now (e.g. owner: the load balancer holding the VIP); the run records its own. */
  vars: Record<string, string>;
}

/** The operations a role may run, with their parameter schemas (for the UI and the API). */
export function operationCatalog(role?: Principal["role"]) {
  return OPERATIONS.filter((o) => !role || roleAllows(role, o.role)).map((o) => ({
    type: o.type, title: o.title, description: o.description, role: o.role, ui: o.ui,
    params: z.toJSONSchema(o.params, { io: "input", unrepresentable: "any" }),
  }));
}

/** How a step is shown to people: its command line (secrets never included). */
export function displayCommand(s: Step): string {
  switch (s.kind) {
    case "command": return `${commandLine(s.argv)}${s.stdin && "definitions" in s.stdin ? ` < backup ${s.stdin.definitions.backup}${s.stdin.definitions.prepare.target ? ` as prepared for RabbitMQ ${s.stdin.definitions.prepare.target}` : ""}` : ""}`;
    case "file": return `install ${s.path} (mode ${s.mode}${s.owner ? `, owner ${s.owner}` : ""})${s.validate ? `; validate: ${commandLine(fileArgv.validate(s)!)}` : ""}${s.then ? `; then: ${commandLine(s.then)}` : ""}`;
    case "gate": return `until ${commandLine(s.argv)}${s.across ? ` on exactly one of ${s.across.hosts.join(", ")}` : ""}; wait (up to ${Math.round(s.timeoutMs / 1000)} s)`;
    case "local": return `on Warren's machine: ${commandLine(s.argv)}`;
    case "pause": return "wait for an operator's Continue";
    case "definitions": return definitionsCommand(s);
  }
}

/** Facts for planners: read-only commands, each with its own deadline; a host that fails says why instead of failing the preview. */
const readOnly: Reader = async (host, argv) => {
  try {
    return await sshExecutor.run(host, argv, { allowFailure: true, timeoutMs: 30_000 });
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
};

async function compile(clusterId: string, type: string, raw: unknown, who: Principal) {
  const def = findOperation(type);
  if (!def) throw new OperationError("invalid", `unknown operation '${type}'; known: ${OPERATIONS.map((o) => o.type).join(", ")}`);
  if (!roleAllows(who.role, def.role)) throw new OperationError("forbidden", `${def.title} needs the ${def.role} role; you have ${who.role}`);
  const params = def.params.parse(raw);
  const cluster = await clusterInventory(clusterId);
  if (!cluster) throw new OperationError("not-found", "no such cluster");
  let plan: Plan;
  try {
    const facts = def.gather ? await def.gather(cluster, params, readOnly, gatherContext) : undefined;
    plan = def.plan(cluster, params, facts);
    if (def.nextSpec) plan = { ...plan, spec: def.nextSpec(cluster, params, facts) };
  } catch (e) {
    if (e instanceof PlanError) throw new OperationError("invalid", e.message);
    throw e;
  }
  // A phase with nothing to do (no node to join in a one-node cluster) is neither shown nor run.
  plan = { ...plan, phases: plan.phases.filter((ph) => ph.steps.length > 0) };
  assertWellFormed(plan);
  const names = secretsUsed(plan);
  await ensureClusterSecrets(clusterId, [...new Set([...def.secrets, ...names])]);
  const secrets = await openClusterSecrets(clusterId, names);
  const forecast = await forecastPlan(plan, sshExecutor, secrets);
  const summary = summarize(plan, forecast);
  const destructive = allSteps(plan)
    .filter((s) => s.destructive && ["run", "unknown"].includes(forecast[s.key].state))
    .map((s) => ({ key: s.key, host: s.host, title: s.title, why: s.destructive!, impact: forecast[s.key].impact ?? forecast[s.key].error }));
  return { def, params, cluster, plan, forecast, summary, destructive, token: planToken(plan, forecast) };
}

export async function previewOperation(clusterId: string, type: string, params: unknown, who: Principal): Promise<PlanPreview> {
  const c = await compile(clusterId, type, params, who);
  return {
    type: c.def.type, title: c.def.title, plan: c.plan, forecast: c.forecast, summary: { ...c.summary, line: summaryLine(c.summary) },
    destructive: c.destructive, token: c.token, vars: observedVars(c.plan, c.forecast),
    script: planScript(c.plan, { title: `cluster ${c.cluster.name}`, sudoHosts: await sudoHostNames(clusterId) }),
  };
}

/** What the recording gates would record now (a preview's best knowledge of {var:…} hosts). */
function observedVars(plan: Plan, forecast: Record<string, StepForecast>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of allSteps(plan)) if (s.kind === "gate" && s.across?.record && forecast[s.key]?.found) out[s.across.record] = forecast[s.key].found!;
  return out;
}

export interface StartOptions { confirmDestructive?: boolean; planToken?: string }

export async function startOperation(clusterId: string, type: string, params: unknown, o: StartOptions, who: Principal): Promise<string> {
  const c = await compile(clusterId, type, params, who);
  if (o.planToken && o.planToken !== c.token)
    throw new OperationError("stale", "The hosts changed since this plan was shown: review the new plan before starting", { token: c.token, summary: summaryLine(c.summary) });
  if (c.destructive.length && !o.confirmDestructive)
    throw new OperationError("confirm", "This plan has destructive steps that will run: review and confirm them", c.destructive);
  const steps = c.plan.phases.flatMap((ph, phase) => ph.steps.map((s) => ({ s, phase }))).map(({ s, phase }, idx) => ({
    phase, idx, key: s.key, kind: s.kind, title: s.title, hostName: s.host, command: displayCommand(s), destructive: !!s.destructive,
    forecast: c.forecast[s.key].state, impact: c.forecast[s.key].impact ?? null, diff: c.forecast[s.key].diff || null, status: "pending" as const,
  }));
  const run = await db().$transaction(async (tx) => {
    const active = await tx.run.findFirst({ where: { clusterId, status: { in: [...ACTIVE_RUN] } } });
    if (active) throw new OperationError("busy", `another operation (${active.type}) is ${active.status} on this cluster`, { runId: active.id });
    const created = await tx.run.create({
      data: { clusterId, type, status: "queued", params: JSON.stringify(c.params), plan: JSON.stringify(c.plan), createdBy: who.username, steps: { create: steps } },
    });
    // In the same transaction: the runner must never claim a rotating run before its new values exist,
    // and the inventory changes with the run that changes the hosts.
    const rotated = secretsRotated(c.plan);
    if (rotated.length) await beginRotation(clusterId, rotated, created.id, tx);
    const changes = c.def.membership?.(c.cluster, c.params) ?? [];
    if (changes.length) await applyMembership(tx, clusterId, changes);
    return created;
  });
  await audit(who, `operation.${type}`, { type: "cluster", id: clusterId, name: c.cluster.name },
    `run ${run.id}: ${summaryLine(c.summary)}${c.destructive.length ? `; confirmed ${c.destructive.length} destructive step(s)` : ""}`);
  runner().kick();
  return run.id;
}

async function findRun(runId: string) {
  const run = await db().run.findUnique({ where: { id: runId }, include: { cluster: { select: { name: true } } } });
  if (!run) throw new OperationError("not-found", "no such run");
  const def = findOperation(run.type);
  return { run, def };
}

function mayOperate(who: Principal, def: ReturnType<typeof findOperation>) {
  const need = def?.role ?? "operator";
  if (!roleAllows(who.role, need)) throw new OperationError("forbidden", `this run needs the ${need} role; you have ${who.role}`);
}

/** Resume a failed, interrupted or cancelled run from its first unfinished step. */
export async function retryRun(runId: string, who: Principal): Promise<void> {
  const { run, def } = await findRun(runId);
  mayOperate(who, def);
  if (!RETRYABLE_RUN.includes(run.status)) throw new OperationError("state", `a ${run.status} run cannot be retried`);
  await db().$transaction(async (tx) => {
    const active = await tx.run.findFirst({ where: { clusterId: run.clusterId, status: { in: [...ACTIVE_RUN] }, id: { not: runId } } });
    if (active) throw new OperationError("busy", "another operation is active on this cluster", { runId: active.id });
    await tx.runStep.updateMany({ where: { runId, status: { in: [...UNFINISHED_STEP, "waiting"] } }, data: { status: "pending" } });
    await tx.run.update({ where: { id: runId }, data: { status: "queued", cancelAsked: false, error: null } });
  });
  await audit(who, "operation.retry", { type: "run", id: runId, name: `${run.type} of ${run.cluster.name}` });
  runner().kick();
}

/** A paused run goes on past its pause. */
export async function continueRun(runId: string, who: Principal): Promise<void> {
  const { run, def } = await findRun(runId);
  mayOperate(who, def);
  if (run.status !== "paused") throw new OperationError("state", `the run is ${run.status}, not paused`);
  await db().$transaction(async (tx) => {
    await tx.runStep.updateMany({ where: { runId, status: "waiting" }, data: { status: "done", finishedAt: new Date(), note: `continued by ${who.username}` } });
    await tx.run.update({ where: { id: runId }, data: { status: "queued" } });
  });
  await audit(who, "operation.continue", { type: "run", id: runId, name: `${run.type} of ${run.cluster.name}` });
  runner().kick();
}

/** Stop a run: after the steps in progress ("after-step", the default) or at once, killing them ("now"). */
export async function cancelRun(runId: string, who: Principal, mode: CancelMode = "after-step"): Promise<void> {
  if (mode !== "after-step" && mode !== "now") throw new OperationError("invalid", "mode must be 'after-step' or 'now'");
  const { run, def } = await findRun(runId);
  mayOperate(who, def);
  if (!ACTIVE_RUN.includes(run.status)) throw new OperationError("state", `the run is already ${run.status}`);
  if (run.status === "queued" || run.status === "paused") {
    const stopped = await db().run.updateMany({ where: { id: runId, status: run.status }, data: { status: "cancelled", finishedAt: new Date(), error: run.status === "queued" ? "cancelled before it started" : "stopped at a pause by an operator" } });
    if (stopped.count === 0) return cancelRun(runId, who, mode); // it moved on meanwhile
  } else {
    await db().run.update({ where: { id: runId }, data: { cancelAsked: true } });
    runner().cancel(runId, mode);
  }
  await audit(who, "operation.cancel", { type: "run", id: runId, name: `${run.type} of ${run.cluster.name}` }, mode === "now" ? "abort now" : "stop after the current step");
}

const runSelect = {
  id: true, clusterId: true, type: true, status: true, params: true, createdBy: true, createdAt: true, startedAt: true, finishedAt: true, error: true,
  cluster: { select: { name: true } },
  steps: {
    orderBy: { idx: "asc" },
    select: { idx: true, phase: true, key: true, kind: true, title: true, hostName: true, command: true, destructive: true, forecast: true, impact: true, diff: true, status: true, exitCode: true, stderrTail: true, note: true, startedAt: true, finishedAt: true },
  },
} as const;

export async function getRun(runId: string) {
  const run = await db().run.findUnique({ where: { id: runId }, select: { ...runSelect, plan: true, vars: true } });
  if (!run) return null;
  const { plan: planJson, vars: varsJson, steps, ...rest } = run;
  const plan = JSON.parse(planJson) as Plan;
  const phases = plan.phases.map((p) => ({ title: p.title, oneHostAtATime: !!p.oneHostAtATime, inOrder: !!p.inOrder, subject: p.subject ?? null }));
  const byKey = new Map(allSteps(plan).map((s) => [s.key, s]));
  return {
    ...rest, phases, title: runTitle(run.type, run.params),
    /** Run variables recorded so far (which load balancer held the VIP), and what each stands for until then. */
    vars: (varsJson ? JSON.parse(varsJson) : {}) as Record<string, string>, varLabels: plan.vars ?? {},
    // A step "changes" its host when it is not a check, gate or pause: the summary counts only those as changes.
    steps: steps.map((s) => ({ ...s, changes: byKey.has(s.key) ? changesHost(byKey.get(s.key)!) : s.kind !== "gate" && s.kind !== "pause" })),
  };
}
export type RunDetail = NonNullable<Awaited<ReturnType<typeof getRun>>>;

export async function runExists(runId: string): Promise<boolean> {
  return !!(await db().run.findUnique({ where: { id: runId }, select: { id: true } }));
}

export async function getRunLog(runId: string, after: number, limit = 2000) {
  return db().runLog.findMany({ where: { runId, seq: { gt: after } }, orderBy: { seq: "asc" }, take: limit, select: { seq: true, hostName: true, stream: true, text: true, at: true } });
}

export async function listRuns(filter: { clusterId?: string; status?: string[]; type?: string } = {}, take = 50) {
  return db().run.findMany({
    where: { clusterId: filter.clusterId, type: filter.type, ...(filter.status ? { status: { in: filter.status as never } } : {}) },
    orderBy: { createdAt: "desc" }, take,
    select: { id: true, clusterId: true, type: true, params: true, status: true, createdBy: true, createdAt: true, startedAt: true, finishedAt: true, error: true, cluster: { select: { name: true } } },
  });
}

/** The cluster's failover drills with their measurements, newest first. */
export async function listDrills(clusterId: string, take = 20) {
  const runs = await db().run.findMany({
    where: { clusterId, type: "failover-drill" }, orderBy: { createdAt: "desc" }, take,
    select: { id: true, status: true, params: true, vars: true, createdAt: true, createdBy: true, steps: { select: { key: true, startedAt: true, finishedAt: true, status: true, note: true } } },
  });
  return runs.map((r) => ({
    id: r.id, status: r.status, createdAt: r.createdAt, createdBy: r.createdBy,
    ...drillResult(JSON.parse(r.params), r.steps, r.vars ? JSON.parse(r.vars) : {}),
  }));
}

export interface HostVersions { host: string; role: "node" | "loadbalancer" | "both"; error?: string; active: string | null; installed: Record<string, string>; offered: Record<string, string[]> }

/**
 * What each host runs and what its package source offers (read-only), for
 * choosing an upgrade. Operator: it opens SSH connections to every host, which
 * a viewer must not be able to make Warren do (the API route and the upgrade
 * form's action both come here).
 */
export const VERSIONS_ROLE = "operator" as const;
export async function clusterVersions(clusterId: string, who: Principal): Promise<HostVersions[]> {
  if (!roleAllows(who.role, VERSIONS_ROLE)) throw new OperationError("forbidden", `this needs the ${VERSIONS_ROLE} role`);
  const c = await clusterInventory(clusterId);
  if (!c) throw new OperationError("not-found", "no such cluster");
  const hosts = [...new Set([...c.nodes.map((n) => n.name), ...c.loadBalancers.map((l) => l.name)])];
  const f = await gatherClusterFacts(c, readOnly, { hosts });
  return hosts.map((h) => {
    const s = f.nodes[h];
    const isNode = c.nodes.some((n) => n.name === h), isLb = c.loadBalancers.some((l) => l.name === h);
    const role = isNode && isLb ? "both" : isNode ? "node" : "loadbalancer";
    if (!s || "error" in s) return { host: h, role, error: s && "error" in s ? s.error : "no answer", active: null, installed: {}, offered: {} };
    return { host: h, role, active: s.active, installed: s.installed, offered: s.offered };
  });
}
