// One step of each kind, run against a host through the executor, with its
// state written to the store as it changes.
import { isLeaseLost } from "@/lib/instances/lease";
import { briefMessage, isSshError } from "@/lib/ssh/errors";
import { candidatePath, fileArgv } from "../file-deploy";
import { bindVars, fillSecrets, type CommandStep, type DefinitionsStep, type FileStep, type GateStep, type LocalStep, type Step, type StepInput } from "../plan";
import type { SecretName } from "../secrets";
import { verifyOutput } from "../verifiers";
import { shovelDefinitions, shovelsFor } from "@/lib/migration/shovels";
import type { RunLog } from "./log";
import type { DefinitionsWork, ExecOptions, ExecResult, Executor, RunStore, StepStatus } from "./types";

export interface StepContext {
  runId: string;
  clusterId: string;
  store: RunStore;
  executor: Executor;
  local?: Executor;
  definitions?: DefinitionsWork;
  log: RunLog;
  vars: Record<string, string>;
  secrets: Partial<Record<SecretName, string>>;
  /** New values of the secrets the run rotates. */
  nextSecrets: Partial<Record<SecretName, string>>;
  mask: string[];
  signal: AbortSignal;
  stopAsked: () => boolean;
  startedBefore: (key: string) => boolean;
}

/** Undoes a step's change (a swapped file); resolves to a line saying what it did. */
type Rollback = () => Promise<string>;

export type StepResult =
  | { status: Extract<StepStatus, "done" | "skipped" | "cancelled">; rollback?: Rollback }
  | { status: Extract<StepStatus, "failed" | "cancelled">; error: string; rollback?: Rollback };

const CHECK_TIMEOUT_MS = 60_000;
const DEFAULT_TIMEOUT_MS = 5 * 60_000;

class StepFailure extends Error {
  constructor(message: string, readonly exitCode: number | null = null, readonly stderrTail: string | null = null) {
    super(message);
  }
}

/** A step's standard input, and what to mask in its output besides the run's secrets. */
async function input(ctx: StepContext, i: StepInput | undefined): Promise<{ stdin?: string; mask?: string[] }> {
  if (!i) return {};
  if ("text" in i) return { stdin: i.text };
  if ("definitions" in i) {
    if (!ctx.definitions) throw new StepFailure("this Warren keeps no definitions backups");
    const d = await ctx.definitions.document(i.definitions);
    return { stdin: d.text, mask: d.mask };
  }
  if ("shovels" in i) {
    const r = i.shovels, password = ctx.nextSecrets[r.secret];
    if (password === undefined) throw new StepFailure(`no ${r.secret} was prepared for this run`);
    // The URIs hold the password percent-encoded: mask that spelling too.
    return { stdin: shovelDefinitions(shovelsFor(r.queues, { hosts: r.remote, user: r.user, password, direction: r.direction })), mask: [encodeURIComponent(password)] };
  }
  const v = i.next ? ctx.nextSecrets[i.secret] : ctx.secrets[i.secret];
  if (v === undefined) throw new StepFailure(i.next ? `no new ${i.secret} was prepared for this run` : `the cluster has no ${i.secret} yet`);
  return { stdin: v };
}

function exec(ctx: StepContext, host: string, argv: string[], o: Partial<ExecOptions> = {}): Promise<ExecResult> {
  return ctx.executor.run(host, argv, { timeoutMs: DEFAULT_TIMEOUT_MS, signal: ctx.signal, ...o, secrets: [...ctx.mask, ...(o.secrets ?? [])] });
}

/** A check only reads: when the session drops without an exit status, asking again is safe. */
async function ask(ctx: StepContext, host: string, argv: string[], stdin?: string): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await exec(ctx, host, argv, { stdin, allowFailure: true, timeoutMs: CHECK_TIMEOUT_MS })).exitCode === 0;
    } catch (e) {
      if (!(isSshError(e) && e.kind === "protocol") || attempt >= 2) throw e;
      ctx.log.info(host, `check interrupted (${e.message}); asking again`);
    }
  }
}

const streamTo = (ctx: StepContext, host: string) => (stream: "stdout" | "stderr", text: string) => ctx.log.write(host, stream, text);

async function skipped(ctx: StepContext, s: Step, unitHead: boolean): Promise<StepResult> {
  ctx.log.info(s.host, `${s.title}${unitHead ? " (and the rest of its unit)" : ""}: already done`);
  await ctx.store.stepFinished(ctx.runId, s.key, { status: "skipped", note: "already done" });
  return { status: "skipped" };
}

async function runCommand(ctx: StepContext, s: CommandStep, askCheck: boolean, unitHead: boolean): Promise<StepResult> {
  const { stdin, mask } = await input(ctx, s.stdin);
  const useCheck = !!s.check && askCheck && s.checkAtRun !== false;
  if (useCheck && (await ask(ctx, s.host, s.check!, stdin))) return skipped(ctx, s, unitHead);
  ctx.log.info(s.host, s.title);
  let r: ExecResult;
  try {
    r = await exec(ctx, s.host, s.argv, { stdin, secrets: mask, timeoutMs: s.timeoutMs ?? DEFAULT_TIMEOUT_MS, onOutput: streamTo(ctx, s.host) });
  } catch (e) {
    // The session ended without telling how the command ended: ask the host whether its effect is there.
    if (isSshError(e) && e.kind === "protocol" && s.check && (await ask(ctx, s.host, s.check, stdin))) {
      ctx.log.info(s.host, `${s.title}: the session dropped, but the check confirms it is done`);
      r = { exitCode: 0, stdout: "", stderr: "" };
    } else throw e;
  }
  ctx.log.flush(s.host);
  if (s.verify) {
    const diff = verifyOutput(s.verify, r.stdout);
    if (diff.length) throw new StepFailure(`differs from the plan: ${diff.join("; ")}`, 0);
  }
  await ctx.store.stepFinished(ctx.runId, s.key, { status: "done", exitCode: r.exitCode });
  return { status: "done" };
}

async function runFile(ctx: StepContext, s: FileStep, askCheck: boolean): Promise<StepResult> {
  const content = fillSecrets(s.content, (n) => ctx.secrets[n]);
  // A file step begun before (Warren stopped mid-deploy) runs in full: its
  // content may be in place while the reload after it never happened.
  if (askCheck && !ctx.startedBefore(s.key) && (await ask(ctx, s.host, fileArgv.inPlace(s), content))) return skipped(ctx, s, false);
  ctx.log.info(s.host, `${s.title}: ${s.path}`);
  const out = { onOutput: streamTo(ctx, s.host) };
  await exec(ctx, s.host, fileArgv.upload(s), { stdin: content, timeoutMs: 60_000 });
  const validate = fileArgv.validate(s);
  if (validate) {
    const v = await exec(ctx, s.host, validate, { allowFailure: true, timeoutMs: s.timeoutMs ?? 60_000, ...out });
    if (v.exitCode !== 0) {
      await exec(ctx, s.host, fileArgv.discard(s), { timeoutMs: 30_000 }).catch(() => {});
      const why = (v.stderr || v.stdout).trim().split("\n").slice(-12).join("\n");
      throw new StepFailure(`the new ${s.path} failed validation on the host (${validate[0]} exited ${v.exitCode}); it was not installed and the current file stays in place`, v.exitCode, why);
    }
    ctx.log.info(s.host, `validated ${candidatePath(s.path)}`);
  }
  await exec(ctx, s.host, fileArgv.swap(s), { timeoutMs: 30_000 });
  ctx.log.info(s.host, `installed ${s.path} (the previous version is kept as ${s.path}.warren-prev)`);
  const rollback: Rollback = async () => {
    await exec(ctx, s.host, fileArgv.rollback(s), { timeoutMs: 30_000, signal: undefined });
    if (s.then) await exec(ctx, s.host, s.then, { timeoutMs: 120_000, signal: undefined, ...out });
    return `rolled back ${s.path} to its previous version${s.then ? " and ran its follow-up again" : ""}`;
  };
  let stage = "the follow-up";
  try {
    if (s.then) await exec(ctx, s.host, s.then, { timeoutMs: s.timeoutMs ?? 120_000, ...out });
    stage = "the verification";
    if (s.verify) await exec(ctx, s.host, s.verify, { timeoutMs: 60_000, ...out });
  } catch (e) {
    let undone: string;
    try { undone = await rollback(); } catch (r) { undone = `could not roll back ${s.path}: ${isSshError(r) ? briefMessage(r) : String(r)}`; }
    ctx.log.info(s.host, undone);
    const base = isSshError(e) ? e : null;
    throw new StepFailure(`after installing ${s.path}, ${stage} failed (${base ? briefMessage(base) : String(e)}); ${undone}`, base?.exitCode ?? null, base?.stderrTail ?? null);
  }
  ctx.log.flush(s.host);
  await ctx.store.stepFinished(ctx.runId, s.key, { status: "done", exitCode: 0 });
  return { status: "done", rollback };
}

const sleep = (ms: number, signal: AbortSignal) => new Promise<void>((resolve) => {
  const t = setTimeout(done, ms);
  function done() { clearTimeout(t); signal.removeEventListener("abort", done); resolve(); }
  signal.addEventListener("abort", done, { once: true });
});

const lastLines = (t: string, n = 3) => t.trim().split("\n").filter(Boolean).slice(-n).join(" | ").slice(0, 500);

const POLL_TIMEOUT_MS = (s: GateStep) => Math.min(CHECK_TIMEOUT_MS, Math.max(10_000, s.intervalMs * 5));

async function pollOne(ctx: StepContext, s: GateStep): Promise<{ passed: boolean; seen: string }> {
  try {
    const r = await exec(ctx, s.host, s.argv, { allowFailure: true, timeoutMs: POLL_TIMEOUT_MS(s) });
    return { passed: r.exitCode === 0, seen: lastLines(`${r.stdout}\n${r.stderr}`) || `exit ${r.exitCode}` };
  } catch (e) {
    if (isSshError(e) && e.kind === "aborted") throw e;
    // A host restarting is what a gate waits through: count it as "not yet".
    return { passed: false, seen: isSshError(e) ? briefMessage(e) : String(e) };
  }
}

/** The command on every host of `across`: passes when exactly one of them says yes. */
async function pollAcross(ctx: StepContext, s: GateStep): Promise<{ passed: boolean; seen: string }> {
  const a = s.across!;
  // A host that does not answer within a second counts as "not it" for this
  // poll: a powered-off load balancer must not hold the measurement up for
  // the SSH connect timeout.
  const deadline = Math.max(1000, Math.min(s.intervalMs * 5, 5000));
  const results = await Promise.all(a.hosts.map(async (h) => {
    const late = new Promise<{ h: string; yes: boolean; down: boolean }>((r) => setTimeout(() => r({ h, yes: false, down: true }), deadline).unref());
    const asked = (async () => {
      try {
        return { h, yes: (await exec(ctx, h, s.argv, { allowFailure: true, timeoutMs: POLL_TIMEOUT_MS(s) })).exitCode === 0, down: false };
      } catch (e) {
        if (isSshError(e) && e.kind === "aborted") throw e;
        return { h, yes: false, down: true };
      }
    })();
    return Promise.race([asked, late]);
  }));
  const yes = results.filter((r) => r.yes).map((r) => r.h);
  const down = results.filter((r) => r.down).map((r) => r.h);
  const where = yes.length === 0 ? "on no host" : `on ${yes.join(" and ")}`;
  const passed = yes.length === 1 && yes[0] !== a.not;
  if (passed && a.record) {
    ctx.vars[a.record] = yes[0];
    await ctx.store.setVar(ctx.runId, a.record, yes[0]);
  }
  return { passed, seen: `${a.what} is ${where}${passed || yes[0] !== a.not ? "" : " (still)"}${down.length ? ` (${down.join(", ")} unreachable)` : ""}` };
}

async function runGate(ctx: StepContext, s: GateStep, inUnit: boolean): Promise<StepResult> {
  ctx.log.info(s.host, `${s.title}: waiting for ${s.waitingFor} (up to ${Math.round(s.timeoutMs / 1000)} s)`);
  const deadline = Date.now() + s.timeoutMs;
  let last: string | null = null;
  for (let polls = 1; ; polls++) {
    if (ctx.signal.aborted) throw new StepFailure("aborted while waiting");
    const { passed, seen } = s.across ? await pollAcross(ctx, s) : await pollOne(ctx, s);
    if (passed) {
      ctx.log.info(s.host, `${s.waitingFor}: passed after ${polls} check(s)${seen ? ` (${seen})` : ""}`);
      await ctx.store.stepFinished(ctx.runId, s.key, { status: "done", exitCode: 0, note: seen || null });
      return { status: "done" };
    }
    if (seen !== last) {
      last = seen;
      ctx.log.info(s.host, `waiting for ${s.waitingFor}: ${seen}`);
      await ctx.store.stepNote(ctx.runId, s.key, `waiting for ${s.waitingFor}: ${seen}`);
    }
    if (Date.now() >= deadline)
      throw new StepFailure(`gave up waiting for ${s.waitingFor} after ${Math.round(s.timeoutMs / 1000)} s; last output: ${seen}`, null, seen);
    // A gentle stop ends a wait between units; inside a unit, the unit finishes.
    if (ctx.stopAsked() && !inUnit) {
      await ctx.store.stepFinished(ctx.runId, s.key, { status: "cancelled", note: `stopped while waiting for ${s.waitingFor}; last output: ${seen}` });
      return { status: "cancelled" };
    }
    await sleep(s.intervalMs, ctx.signal);
  }
}

async function runLocal(ctx: StepContext, s: LocalStep): Promise<StepResult> {
  if (!ctx.local) throw new StepFailure("this Warren has no local command runner");
  ctx.log.info(null, `${s.title}: ${s.argv.join(" ")}`);
  const r = await ctx.local.run("", s.argv, { timeoutMs: s.timeoutMs ?? 120_000, signal: ctx.signal, onOutput: (stream, text) => ctx.log.write(null, stream, text) });
  ctx.log.flush(null);
  await ctx.store.stepFinished(ctx.runId, s.key, { status: "done", exitCode: r.exitCode });
  return { status: "done" };
}

async function runDefinitions(ctx: StepContext, s: DefinitionsStep): Promise<StepResult> {
  const work = ctx.definitions;
  if (!work) throw new StepFailure("this Warren keeps no definitions backups");
  const a = s.action;
  // A migration works on its target's definitions too: that cluster's backups and connections.
  const clusterId = s.cluster?.id ?? ctx.clusterId;
  ctx.log.info(s.host, s.title);
  let note: string;
  switch (a.do) {
    case "backup": {
      try {
        const r = await work.backup({ clusterId, runId: ctx.runId, hosts: s.hosts, reason: a.reason, signal: ctx.signal });
        if (a.record) {
          ctx.vars[a.record] = r.id;
          await ctx.store.setVar(ctx.runId, a.record, r.id);
        }
        note = r.line;
      } catch (e) {
        if (ctx.signal.aborted) throw e;
        const why = isSshError(e) ? briefMessage(e) : e instanceof Error ? e.message : String(e);
        // A cluster that is down (force-boot finds it so) has nothing to read: the run goes on, naming what there is.
        if (!a.ifRunning) throw new StepFailure(`could not back up the definitions, so nothing was changed: ${why}. Retry once a node answers`);
        note = `nothing to back up now (${why}); ${(await work.latest(clusterId)) ?? "no backup of this cluster is stored yet"}`;
      }
      break;
    }
    case "delete":
      await work.remove({ clusterId, hosts: s.hosts, objects: a.objects, signal: ctx.signal, say: (line) => ctx.log.info(s.host, line) });
      note = `${a.objects.length} deleted (or already gone)`;
      break;
    case "verify": {
      const r = await work.verify({ clusterId, hosts: s.hosts, action: a, signal: ctx.signal });
      if (r.problems) throw new StepFailure(`the live definitions differ from the backup after the restore: ${r.problems}`);
      note = r.line;
      break;
    }
  }
  ctx.log.info(s.host, note);
  await ctx.store.stepFinished(ctx.runId, s.key, { status: "done", note: note.slice(0, 2000) });
  return { status: "done" };
}

/** Runs one step: its check first (when asked to), then its work. */
export async function runStep(ctx: StepContext, step: Step, o: { askCheck: boolean; unitHead?: boolean; inUnit?: boolean }): Promise<StepResult> {
  await ctx.store.stepStarted(ctx.runId, step.key);
  let s = step;
  try {
    s = bindVars(step, ctx.vars);
    switch (s.kind) {
      case "command": return await runCommand(ctx, s, o.askCheck, !!o.unitHead);
      case "file": return await runFile(ctx, s, o.askCheck);
      case "gate": return await runGate(ctx, s, !!o.inUnit);
      case "local": return await runLocal(ctx, s);
      case "definitions": return await runDefinitions(ctx, s);
      case "pause": throw new StepFailure("a pause runs as a phase of its own");
    }
  } catch (e) {
    if (isLeaseLost(e)) throw e; // another instance has the cluster: write nothing, the run stops here
    ctx.log.flush(s.host);
    const ssh = isSshError(e) ? e : null;
    const fail = e instanceof StepFailure ? e : null;
    const msg = ssh ? briefMessage(ssh) : e instanceof Error ? e.message : String(e);
    const status = ssh?.kind === "aborted" ? "cancelled" : "failed";
    await ctx.store.stepFinished(ctx.runId, s.key, {
      status, note: msg,
      exitCode: ssh?.exitCode ?? fail?.exitCode ?? null,
      stderrTail: ssh?.stderrTail ?? fail?.stderrTail ?? null,
    });
    ctx.log.info(s.host, `${status}: ${msg}`);
    return { status, error: `${s.host}: ${msg}` };
  }
}
