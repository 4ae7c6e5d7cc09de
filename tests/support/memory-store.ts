// An in-memory RunStore and an in-process Executor, for unit tests of the
// engine's state machine. Hosts are maps of handlers keyed by the command's
// first arguments; every call is recorded.
import { takeoverDecision } from "@/lib/ops/engine/takeover";
import { SshError } from "@/lib/ssh/errors";
import { commandLine, maskSecrets } from "@/lib/ssh/quote";
import { allSteps, type Plan } from "@/lib/ops/plan";
import type { SecretName } from "@/lib/ops/secrets";
import type { ClaimedRun, ExecOptions, ExecResult, Executor, LogRow, RunStatus, RunStore, StepOutcome, StepStatus } from "@/lib/ops/engine/types";

export interface MemStep { key: string; status: StepStatus; startedAt?: number; note?: string | null; exitCode?: number | null; stderrTail?: string | null }
export interface MemRun { id: string; clusterId: string; type: string; status: RunStatus; plan: Plan; cancelAsked: boolean; error: string | null; steps: MemStep[]; log: LogRow[]; vars: Record<string, string> }

export class MemoryStore implements RunStore {
  runs = new Map<string, MemRun>();
  secretValues: Partial<Record<SecretName, string>> = {};
  nextValues: Partial<Record<SecretName, string>> = {};
  private n = 0;

  add(plan: Plan, clusterId = "c1"): MemRun {
    const id = `run${++this.n}`;
    const run: MemRun = { id, clusterId, type: plan.type, status: "queued", plan, cancelAsked: false, error: null, steps: allSteps(plan).map((s) => ({ key: s.key, status: "pending" })), log: [], vars: {} };
    this.runs.set(id, run);
    return run;
  }
  step(runId: string, key: string): MemStep { return this.runs.get(runId)!.steps.find((s) => s.key === key)!; }
  statuses(runId: string): Record<string, StepStatus> { return Object.fromEntries(this.runs.get(runId)!.steps.map((s) => [s.key, s.status])); }
  text(runId: string): string { return this.runs.get(runId)!.log.map((l) => `${l.hostName ? `[${l.hostName}] ` : ""}${l.text}`).join("\n"); }

  /** As the service does: unfinished steps back to pending, the run queued. */
  retry(runId: string) {
    const r = this.runs.get(runId)!;
    for (const s of r.steps) if (!["done", "skipped"].includes(s.status)) s.status = "pending";
    r.status = "queued"; r.cancelAsked = false; r.error = null;
  }
  continue(runId: string) {
    const r = this.runs.get(runId)!;
    for (const s of r.steps) if (s.status === "waiting") s.status = "done";
    r.status = "queued";
  }

  async adopt(clusterId: string | null, resume: boolean) {
    const out: { id: string; resumed: boolean; why: string }[] = [];
    for (const r of this.runs.values()) if (r.status === "running" && (clusterId === null || r.clusterId === clusterId)) {
      const d = resume ? takeoverDecision(r.plan, r.steps.filter((s) => s.status === "running").map((s) => s.key)) : null;
      if (d?.resume) {
        for (const s of r.steps) if (s.status === "running") s.status = "pending";
        r.status = "queued"; out.push({ id: r.id, resumed: true, why: "taken over" });
        continue;
      }
      for (const s of r.steps) if (s.status === "running") s.status = "interrupted";
      r.status = "interrupted"; out.push({ id: r.id, resumed: false, why: d && !d.resume ? `step "${d.step.title}" has no check` : "Warren stopped while this run was in progress" });
    }
    return out;
  }
  async cancelAsked(runIds: string[]) { return runIds.filter((id) => this.runs.get(id)?.cancelAsked); }
  async running() { return [...this.runs.values()].filter((r) => r.status === "running").map((r) => ({ id: r.id, clusterId: r.clusterId })); }
  async queued() { return [...this.runs.values()].filter((r) => r.status === "queued").map((r) => ({ id: r.id, clusterId: r.clusterId })); }
  async claim(runId: string): Promise<ClaimedRun | null> {
    const r = this.runs.get(runId);
    if (!r || r.status !== "queued") return null;
    r.status = "running";
    return {
      id: r.id, type: r.type, clusterId: r.clusterId, plan: structuredClone(r.plan), cancelAsked: r.cancelAsked,
      steps: new Map(r.steps.map((s) => [s.key, s.status])),
      startedBefore: new Set(r.steps.filter((s) => s.status === "pending" && s.startedAt).map((s) => s.key)),
      vars: { ...r.vars },
    };
  }
  async stepStarted(runId: string, key: string) { Object.assign(this.step(runId, key), { status: "running", startedAt: Date.now(), note: null }); }
  async stepFinished(runId: string, key: string, o: StepOutcome) { Object.assign(this.step(runId, key), o); }
  async stepNote(runId: string, key: string, note: string) { this.step(runId, key).note = note; }
  async setVar(runId: string, name: string, value: string) { this.runs.get(runId)!.vars[name] = value; }
  async finish(runId: string, status: RunStatus, error: string | null) { Object.assign(this.runs.get(runId)!, { status, error }); }
  async secrets(_c: string, names: SecretName[]) { return Object.fromEntries(names.filter((n) => this.secretValues[n]).map((n) => [n, this.secretValues[n]])); }
  async nextSecrets(_c: string, _r: string, names: SecretName[]) { return Object.fromEntries(names.filter((n) => this.nextValues[n]).map((n) => [n, this.nextValues[n]])); }
  async lastLogSeq(runId: string) { return this.runs.get(runId)!.log.at(-1)?.seq ?? 0; }
  async appendLogs(runId: string, rows: LogRow[]) { this.runs.get(runId)!.log.push(...rows); }
}

export interface Call { host: string; argv: string[]; stdin?: string }
type Handler = (c: Call, o: ExecOptions) => Promise<Partial<ExecResult> | void> | Partial<ExecResult> | void;

/**
 * Hosts in this process. A handler is found by the longest registered prefix
 * of the command line; unmatched commands exit 0. A handler may throw an
 * SshError (e.g. unreachable) or return a non-zero exit code.
 */
export class FakeHosts implements Executor {
  calls: Call[] = [];
  private handlers: { host: string; match: (line: string, argv: string[]) => number; f: Handler }[] = [];

  /** Handles commands on a host ("*": any) whose line starts with prefix, or that a predicate picks. */
  on(host: string, what: string | ((argv: string[]) => boolean), f: Handler): this {
    const match = typeof what === "string" ? (line: string) => (line.startsWith(what) ? what.length : -1) : (_: string, argv: string[]) => (what(argv) ? 1000 : -1);
    this.handlers.push({ host, match, f });
    return this;
  }

  async run(host: string, argv: string[], o: ExecOptions): Promise<ExecResult> {
    if (o.signal?.aborted) throw new SshError("aborted", "cancelled before running", { host });
    const c: Call = { host, argv, stdin: o.stdin };
    this.calls.push(c);
    const line = commandLine(argv);
    const h = this.handlers.map((x) => ({ x, score: x.host === host || x.host === "*" ? x.match(line, argv) : -1 })).filter((m) => m.score >= 0).sort((a, b) => b.score - a.score)[0]?.x;
    const raw = { exitCode: 0, stdout: "", stderr: "", ...((await h?.f(c, o)) ?? {}) };
    // As the SSH layer does: secrets are masked in everything reported.
    const r = { ...raw, stdout: maskSecrets(raw.stdout, o.secrets), stderr: maskSecrets(raw.stderr, o.secrets) };
    if (r.stdout) o.onOutput?.("stdout", r.stdout);
    if (r.stderr) o.onOutput?.("stderr", r.stderr);
    if (r.exitCode !== 0 && !o.allowFailure) throw new SshError("exit", `exited with ${r.exitCode}: ${line}`, { host, command: line, exitCode: r.exitCode, stderrTail: r.stderr });
    return r;
  }

  ran(host: string, what: string | ((argv: string[]) => boolean)): Call[] {
    return this.calls.filter((c) => c.host === host && (typeof what === "string" ? commandLine(c.argv).startsWith(what) : what(c.argv)));
  }
}
