// Executes one claimed run: phases in order; within a phase, hosts in
// parallel or one at a time; per host, steps and units in order. Every step's
// state is written as it changes, so a crash at any point loses nothing and
// a resumed run re-checks before acting.
import { isLeaseLost } from "@/lib/instances/lease";
import { isSshError } from "@/lib/ssh/errors";
import { hostOrder, secretsRotated, secretsUsed, workOfPhase, type Step, type Work } from "../plan";
import { RunLog } from "./log";
import { runStep, type StepContext, type StepResult } from "./steps";
import { FINISHED_STEP, type ClaimedRun, type DefinitionsWork, type Executor, type RunStatus, type RunStore, type StepStatus } from "./types";

export interface RunControl {
  /** Kills the commands in progress. */
  abort: AbortController;
  /** Let the steps in progress finish (a unit as a whole), start nothing new. */
  stopAfterStep: boolean;
}

export interface EngineDeps {
  store: RunStore;
  executor: Executor;
  /** Runs local steps on Warren's own machine (the host argument is ignored). */
  local?: Executor;
  /** Backs up, sends, deletes and verifies definitions (definitions steps, and stdin read from a backup). */
  definitions?: DefinitionsWork;
  /** Records an unexpected error; returns a reference to show instead of its message. */
  report?: (what: string, e: unknown) => string;
}

/** The status a run ends with, from what happened in it. */
export function outcome(o: { paused: boolean; failed: boolean; aborted: boolean; stopAsked: boolean; unfinished: boolean }): RunStatus {
  if (o.paused) return "paused";
  if (o.failed && !o.aborted) return "failed";
  // A stop asked for after the last step began changes nothing: the run did finish.
  if ((o.aborted || o.stopAsked) && o.unfinished) return "cancelled";
  return o.failed ? "cancelled" : "succeeded";
}

export async function executeRun(deps: EngineDeps, runId: string, control: RunControl): Promise<RunStatus | null> {
  const { store, executor } = deps;
  const report = deps.report ?? (() => "-");
  const run = await store.claim(runId);
  if (!run) return null;
  // Asked before this process registered the run.
  if (run.cancelAsked) control.stopAfterStep = true;
  const log = await RunLog.open(store, runId, (e) => report("run log write failed", e));
  try {
    const secrets = await store.secrets(run.clusterId, secretsUsed(run.plan));
    const rotated = secretsRotated(run.plan);
    const nextSecrets = rotated.length ? await store.nextSecrets(run.clusterId, runId, rotated) : {};
    const ctx: StepContext = {
      runId, clusterId: run.clusterId, store, executor, local: deps.local, definitions: deps.definitions, log, secrets, nextSecrets, signal: control.abort.signal, vars: run.vars,
      mask: [...Object.values(secrets), ...Object.values(nextSecrets)].filter((v): v is string => !!v),
      stopAsked: () => control.stopAfterStep,
      startedBefore: (key) => run.startedBefore.has(key),
    };
    const finished = (s: Step) => FINISHED_STEP.includes(run.steps.get(s.key) ?? "pending");
    const record = (key: string, st: StepStatus) => run.steps.set(key, st);
    const resuming = [...run.steps.values()].some((st) => FINISHED_STEP.includes(st));
    log.info(null, `${run.type} started${resuming ? " (resuming: finished steps are kept)" : ""}`);

    let failed: string | null = null;
    let paused = false;
    const stopping = () => control.abort.signal.aborted || control.stopAfterStep;

    const runWork = async (w: Work): Promise<void> => {
      if (!w.unit) {
        if (finished(w.step)) return;
        const r = await runStep(ctx, w.step, { askCheck: true });
        note(w.step, r);
        return;
      }
      const unit = w.steps;
      if (unit.every(finished)) return;
      const head = unit[0];
      // A unit check (its head is a command with a check) decides for the whole unit.
      const unitChecked = head.kind === "command" && !!head.check;
      const rollbacks: { step: Step; undo: () => Promise<string> }[] = [];
      for (const [i, s] of unit.entries()) {
        // A gentle stop lets the unit finish: a node left between stop_app and start_app is a node down.
        if (control.abort.signal.aborted) return;
        if (i > 0 && unitChecked && run.steps.get(head.key) === "skipped") {
          await store.stepFinished(runId, s.key, { status: "skipped", note: "already done (checked for its unit)" });
          record(s.key, "skipped");
          continue;
        }
        const r = await runStep(ctx, s, { askCheck: !unitChecked || i === 0, unitHead: unitChecked && i === 0, inUnit: true });
        if (r.rollback) rollbacks.push({ step: s, undo: r.rollback });
        if ("error" in r && rollbacks.length) {
          // Undo the unit's files, newest first, so the host is left as it was before the unit.
          const notes: string[] = [];
          for (const rb of rollbacks.reverse()) {
            if (rb.step === s) continue; // a failed file step has rolled itself back
            try { notes.push(await rb.undo()); } catch (e) { notes.push(`could not roll back ${rb.step.title}: ${isSshError(e) ? e.message : String(e)}`); }
          }
          if (notes.length) {
            for (const n of notes) log.info(s.host, n);
            r.error = `${r.error}; ${notes.join("; ")}`;
          }
        }
        note(s, r);
        if ("error" in r) return;
      }
    };

    const note = (s: Step, r: StepResult) => {
      record(s.key, r.status);
      if ("error" in r) failed ??= r.error;
    };

    for (const phase of run.plan.phases) {
      if (failed || stopping()) break;
      if (phase.steps.every(finished)) continue;
      const pause = phase.steps[0];
      if (pause.kind === "pause") {
        await store.stepFinished(runId, pause.key, { status: "waiting", note: pause.message });
        record(pause.key, "waiting");
        log.info(null, `paused: ${pause.message} (press Continue to go on)`);
        paused = true;
        break;
      }
      log.info(null, `phase: ${phase.title}`);
      const hosts = hostOrder(phase);
      const runHost = async (host: string) => {
        for (const w of workOfPhase(phase, host)) {
          if (failed || stopping()) return;
          await runWork(w);
        }
      };
      if (phase.inOrder) {
        for (const w of workOfPhase(phase)) {
          if (failed || stopping()) break;
          await runWork(w);
        }
      } else if (phase.oneHostAtATime) {
        for (const h of hosts) {
          if (failed || stopping()) break;
          await runHost(h);
        }
      } else {
        await Promise.all(hosts.map(runHost));
      }
    }

    const unfinished = [...run.steps.values()].some((st) => !FINISHED_STEP.includes(st));
    const status = outcome({ paused, failed: !!failed, aborted: control.abort.signal.aborted, stopAsked: control.stopAfterStep, unfinished });
    const why = control.abort.signal.aborted ? "aborted by an operator: the commands in progress were killed" : "stopped by an operator after the steps in progress finished";
    const error = status === "failed" ? failed : status === "cancelled" ? why : null;
    log.info(null, `${run.type} ${status}${error ? `: ${error}` : ""}`);
    await log.close();
    await store.finish(runId, status, error);
    return status;
  } catch (e) {
    // Fenced: another instance holds the cluster now and carries the run on; not one more write here.
    if (isLeaseLost(e)) {
      control.abort.abort(); // the other hosts' steps of a parallel phase stop too: the new holder may start them again
      report("run stopped on this instance", e);
      return null;
    }
    await log.close();
    const ref = report("run failed", e);
    const error = e instanceof Error && !isSshError(e) ? `${e.message} (ref ${ref})` : `internal error (ref ${ref})`;
    await store.finish(runId, "failed", error);
    return "failed";
  }
}

export type { ClaimedRun };
