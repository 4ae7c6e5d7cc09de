import "server-only";
// Executes persisted runs inside the Warren server process: one run at a time
// per cluster, hosts in parallel within a phase. Every step's state and every
// output line is written to the database as it happens, so a restart of Warren
// loses nothing: runs that were running are marked interrupted, and resuming
// re-checks each unfinished step before acting.
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { sshPool, sshTarget } from "@/lib/inventory/hosts";
import { SshError, isSshError, type SshTarget } from "@/lib/ssh";
import { compareWithPlan, parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { logError } from "@/lib/log";
import type { Plan, SecretRef, Step } from "./plan";

export const ACTIVE = ["queued", "running"];
export type CancelMode = "after-step" | "now";

class RunLogWriter {
  private seq = 0;
  private partial = new Map<string, string>();
  private chain: Promise<unknown> = Promise.resolve();
  private pending: { runId: string; seq: number; hostName: string | null; stream: string; text: string }[] = [];
  private timer?: NodeJS.Timeout;
  constructor(private readonly runId: string) {}

  async init() {
    const last = await db().runLog.findFirst({ where: { runId: this.runId }, orderBy: { seq: "desc" }, select: { seq: true } });
    this.seq = last?.seq ?? 0;
  }

  /** Appends complete lines; a trailing partial line waits for its end (or flush). */
  write(hostName: string | null, stream: string, text: string) {
    const k = `${hostName}|${stream}`;
    const lines = ((this.partial.get(k) ?? "") + text).split("\n");
    this.partial.set(k, lines.pop()!);
    for (const l of lines) this.row(hostName, stream, l);
  }

  flush(hostName: string | null) {
    for (const [k, rest] of this.partial) {
      if (!k.startsWith(`${hostName}|`) || !rest) continue;
      this.partial.set(k, "");
      this.row(hostName, k.split("|")[1], rest);
    }
  }

  private row(hostName: string | null, stream: string, text: string) {
    this.pending.push({ runId: this.runId, seq: ++this.seq, hostName, stream, text: text.slice(0, 4000) });
    // Lines are written in batches: an apt install prints hundreds, and one
    // insert each cost the CPU the hosts' work needs (Warren often shares a
    // small machine with what it drives).
    this.timer ??= setTimeout(() => this.writePending(), 100);
  }

  private writePending() {
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending.splice(0);
    if (!rows.length) return;
    // Serialised so rows land in seq order.
    this.chain = this.chain.then(() => db().runLog.createMany({ data: rows })).catch((e) => logError("run log write failed", e));
  }

  done() {
    this.writePending();
    return this.chain;
  }
}

class Runner {
  // runId → abort (kills the running commands) and a gentler request: stop at the next step boundary.
  private active = new Map<string, { abort: AbortController; stopAfterStep: boolean }>();
  private busyClusters = new Set<string>();
  private timer?: NodeJS.Timeout;
  private ticking = false;

  async start() {
    if (this.timer) return;
    // Runs that were running when Warren stopped: interrupted, at the exact step.
    const stale = await db().run.findMany({ where: { status: "running" }, select: { id: true } });
    for (const r of stale) {
      await db().runStep.updateMany({ where: { runId: r.id, status: "running" }, data: { status: "interrupted", note: "Warren stopped during this step", finishedAt: new Date() } });
      await db().run.update({ where: { id: r.id }, data: { status: "interrupted", error: "Warren stopped while this run was in progress; resume to continue", finishedAt: new Date() } });
      const w = new RunLogWriter(r.id);
      await w.init();
      w.write(null, "info", "interrupted: Warren stopped while this run was in progress\n");
      await w.done();
    }
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
    void this.tick();
  }

  kick() {
    void this.tick();
  }

  /**
   * "after-step" lets the commands in progress finish (a node's join unit
   * included) and starts nothing new; "now" kills them.
   */
  cancel(runId: string, mode: CancelMode) {
    const a = this.active.get(runId);
    if (!a) return;
    if (mode === "now") a.abort.abort();
    else a.stopAfterStep = true;
  }

  private async tick() {
    if (this.ticking) return;
    this.ticking = true;
    try {
      const queued = await db().run.findMany({ where: { status: "queued" }, orderBy: { createdAt: "asc" } });
      for (const r of queued) {
        if (this.busyClusters.has(r.clusterId)) continue;
        this.busyClusters.add(r.clusterId);
        void this.execute(r.id).finally(() => {
          this.busyClusters.delete(r.clusterId);
          void this.tick();
        });
      }
    } catch (e) {
      logError("runner tick failed", e);
    } finally {
      this.ticking = false;
    }
  }

  private async execute(runId: string) {
    const abort = new AbortController();
    const control = { abort, stopAfterStep: false };
    this.active.set(runId, control);
    const stopping = () => abort.signal.aborted || control.stopAfterStep;
    const out = new RunLogWriter(runId);
    await out.init();
    try {
      // Claimed only if still queued: a cancel may have landed since the tick read it.
      const claimed = await db().run.updateMany({ where: { id: runId, status: "queued" }, data: { status: "running", startedAt: new Date(), finishedAt: null, error: null } });
      if (claimed.count === 0) return;
      const run = await db().run.findUniqueOrThrow({ where: { id: runId }, include: { cluster: true } });
      // Asked before this process registered the run (see cancelRun: database first, then runner).
      if (run.cancelAsked) control.stopAfterStep = true;
      const plan = JSON.parse(run.plan) as Plan;
      const box = secretBox();
      const secrets: Record<SecretRef, string | undefined> = {
        cookie: run.cluster.cookieEnc ? box.open(run.cluster.cookieEnc, "cluster:cookie") : undefined,
        adminPassword: run.cluster.adminPassEnc ? box.open(run.cluster.adminPassEnc, "cluster:admin-password") : undefined,
      };
      const mask = Object.values(secrets).filter(Boolean) as string[];
      const rows = await db().runStep.findMany({ where: { runId }, orderBy: { idx: "asc" } });
      const targets = new Map<string, SshTarget>();
      const target = async (name: string) => {
        if (!targets.has(name)) {
          const h = await db().host.findUnique({ where: { name }, select: { id: true } });
          if (!h) throw new Error(`host ${name} is no longer in the inventory`);
          targets.set(name, await sshTarget(h.id));
        }
        return targets.get(name)!;
      };
      out.write(null, "info", `${run.type} started${rows.some((r) => r.status === "done" || r.status === "skipped") ? " (resuming: finished steps are kept)" : ""}\n`);

      const finished = (x: { row: { status: string } }) => x.row.status === "done" || x.row.status === "skipped";
      let idx = 0;
      let failed: string | null = null;
      for (const phase of plan.phases) {
        const steps = phase.steps.map((s) => ({ s, row: rows[idx++] }));
        if (failed || stopping()) break;
        if (steps.every(finished)) continue;
        out.write(null, "info", `phase: ${phase.title}\n`);
        const byHost = new Map<string, typeof steps>();
        for (const x of steps) byHost.set(x.s.host, [...(byHost.get(x.s.host) ?? []), x]);
        const runHost = async (list: typeof steps) => {
          for (let i = 0; i < list.length; i++) {
            const { s, row } = list[i];
            if (failed || stopping()) return;
            const t = await target(s.host);
            if (!s.group) {
              if (finished(list[i])) continue;
              const r = await this.step(runId, s, row.id, t, secrets, mask, out, abort.signal, true);
              if ("error" in r) { failed ??= r.error; return; }
              continue;
            }
            // A unit (see Step.group): one check, then all of it from its first step.
            const unit = list.filter((x) => x.s.group === s.group);
            i = list.indexOf(unit[unit.length - 1]);
            if (unit.every(finished)) continue;
            const first = await this.step(runId, unit[0].s, unit[0].row.id, t, secrets, mask, out, abort.signal, true);
            if ("error" in first) { failed ??= first.error; return; }
            // A gentle stop lets the unit finish: a node left between stop_app and start_app is a node down.
            for (const x of unit.slice(1)) {
              if (abort.signal.aborted) return;
              if (first.status === "skipped") {
                await db().runStep.update({ where: { id: x.row.id }, data: { status: "skipped", note: "already done", finishedAt: new Date() } });
                continue;
              }
              const r = await this.step(runId, x.s, x.row.id, t, secrets, mask, out, abort.signal, false);
              if ("error" in r) { failed ??= r.error; return; }
            }
          }
        };
        if (phase.oneHostAtATime) { for (const list of byHost.values()) await runHost(list); }
        else await Promise.all([...byHost.values()].map(runHost));
      }
      // A stop asked for after the last step began changes nothing: the run did finish.
      const stoppedEarly = stopping() && (await db().runStep.count({ where: { runId, status: { in: ["pending", "cancelled"] } } })) > 0;
      const status = failed && !abort.signal.aborted ? "failed" : stoppedEarly ? "cancelled" : "succeeded";
      const why = abort.signal.aborted ? "aborted by an operator: the commands in progress were killed" : "stopped by an operator after the steps in progress finished";
      out.write(null, "info", `${run.type} ${status}${status === "failed" ? `: ${failed}` : status === "cancelled" ? ` (${why})` : ""}\n`);
      await out.done();
      await db().run.update({ where: { id: runId }, data: { status, finishedAt: new Date(), error: status === "cancelled" ? why : failed } });
    } catch (e) {
      await out.done();
      const ref = logError("run failed", e);
      await db().run.update({ where: { id: runId }, data: { status: "failed", finishedAt: new Date(), error: e instanceof Error && !(isSshError(e)) ? `${e.message} (ref ${ref})` : `internal error (ref ${ref})` } });
    } finally {
      this.active.delete(runId);
    }
  }

  /** Runs one step: its check first (when asked to), then the command. */
  private async step(runId: string, s: Step, rowId: string, t: SshTarget, secrets: Record<SecretRef, string | undefined>, mask: string[], out: RunLogWriter, signal: AbortSignal, askCheck: boolean): Promise<{ status: "done" | "skipped" } | { error: string }> {
    const pool = sshPool();
    await db().runStep.update({ where: { id: rowId }, data: { status: "running", startedAt: new Date(), finishedAt: null, exitCode: null, stderrTail: null, note: null } });
    try {
      const checkDone = async () => {
        if (!s.check) return false;
        // A check only reads: when the session drops without an exit status, asking again is safe.
        for (let attempt = 0; ; attempt++) {
          try {
            return (await pool.run(t, s.check, { allowFailure: true, timeoutMs: 60_000, signal, secrets: mask })).exitCode === 0;
          } catch (e) {
            if (!(isSshError(e) && e.kind === "protocol") || attempt >= 2) throw e;
            out.write(s.host, "info", `check interrupted (${e.message}); asking again\n`);
          }
        }
      };
      if (askCheck && s.check && (await checkDone())) {
        out.write(s.host, "info", `${s.title}${s.group ? " (and the rest of its unit)" : ""}: already done\n`);
        await db().runStep.update({ where: { id: rowId }, data: { status: "skipped", note: "already done", finishedAt: new Date() } });
        return { status: "skipped" };
      }
      out.write(s.host, "info", `${s.title}\n`);
      let stdin: string | undefined;
      if (s.stdin) {
        stdin = "secret" in s.stdin ? secrets[s.stdin.secret] : s.stdin.text;
        if (stdin === undefined) throw new Error(`the cluster has no ${"secret" in s.stdin ? s.stdin.secret : "input"} yet`);
      }
      let r;
      try {
        r = await pool.run(t, s.argv, {
          stdin, signal, secrets: mask, timeoutMs: s.timeoutMs ?? 5 * 60_000,
          onOutput: (stream, text) => out.write(s.host, stream, text),
        });
      } catch (e) {
        // The session ended without telling how the command ended: ask the host whether its effect is there.
        if (isSshError(e) && e.kind === "protocol" && s.check && (await checkDone())) {
          out.write(s.host, "info", `${s.title}: the session dropped, but the check confirms it is done\n`);
          r = { exitCode: 0, stdout: "", stderr: "", durationMs: 0 };
        } else throw e;
      }
      out.flush(s.host);
      if (s.verify?.kind === "cluster-status") {
        const diff = compareWithPlan(parseClusterStatus(r.stdout), s.verify.expect);
        if (diff.length) {
          await db().runStep.update({ where: { id: rowId }, data: { status: "failed", exitCode: 0, note: diff.join("; "), finishedAt: new Date() } });
          return { error: `${s.host}: the cluster differs from the plan: ${diff.join("; ")}` };
        }
      }
      await db().runStep.update({ where: { id: rowId }, data: { status: "done", exitCode: r.exitCode, finishedAt: new Date() } });
      return { status: "done" };
    } catch (e) {
      out.flush(s.host);
      const ssh = isSshError(e) ? e : null;
      const msg = ssh ? ssh.message : e instanceof Error ? e.message : String(e);
      const status = ssh?.kind === "aborted" ? "cancelled" : "failed";
      await db().runStep.update({ where: { id: rowId }, data: { status, exitCode: ssh?.exitCode ?? null, stderrTail: ssh?.stderrTail ?? null, note: msg, finishedAt: new Date() } });
      out.write(s.host, "info", `${status}: ${msg}\n`);
      return { error: `${s.host}: ${msg}` };
    }
  }
}

const g = globalThis as unknown as { warrenRunner?: Runner };
export function runner(): Runner {
  g.warrenRunner ??= new Runner();
  return g.warrenRunner;
}
