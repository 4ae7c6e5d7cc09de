// Warren's own work does not page: which alerts a run holds now, from its
// plan's declarations (Phase.expectedOutage) and its steps' recorded states.
// Pure: the alert engine gives it the cluster's recent runs as stored,
// latest first (recentRuns in engine.ts). A phase holds from its first
// step's start until its last step finished plus a grace (HAProxy needs a
// few checks to mark a node UP again) — also once the next run has begun: an
// operator restarting node2 right after node1 must not be paged for node1
// coming back into rotation. (A VIP moved while held stays held for the
// minute its alert lasts: evaluate.ts.) A stopped cluster's nodes stay held
// after its run until a later run begins a
// phase that takes them over (starting them, or anything else that declares
// them), whatever ran in between (a drill, a deploy). A queued run (just
// created, retried or continued) holds as its steps say. A run that failed,
// was stopped or interrupted holds nothing — what it left down pages at
// once, and so does its failure.
import type { Plan } from "@/lib/ops/plan";
import { markedUpWithinMs } from "@/lib/haproxy/checks";
import type { AlertKind, ExpectedOutage } from "./kinds";

/** After a phase's last step: HAProxy's rise (3 checks at 700 ms) and a node's first answers. */
export const HOLD_GRACE_MS = 10_000;

/** The grace for a cluster whose HAProxy checks are slower than the defaults: their rise, plus what Warren needs to see it (a stats read, a derive). */
export function holdGraceMs(checks: { checkInterMs: number; checkFall: number; checkRise: number } | null): number {
  return checks ? Math.max(HOLD_GRACE_MS, markedUpWithinMs(checks) + 5000) : HOLD_GRACE_MS;
}

export interface Hold {
  host: string;
  kinds: AlertKind[];
  runId: string;
  /** For people: "restart-node: Restart rabbit@node2". */
  label: string;
}

export interface RunView {
  id: string;
  type: string;
  /** The operation's title, for the label. */
  title: string;
  status: string;
  plan: Plan;
  vars: Record<string, string>;
  steps: { key: string; status: string; startedAt: number | null; finishedAt: number | null }[];
}

const FINISHED = new Set(["done", "skipped"]);
const VAR = /^\{var:([a-z][a-zA-Z0-9]*)\}$/;

/** The holds at `now` of the cluster's recent runs, latest first (engine.ts recentRuns: active, just finished, and the last few). */
export function activeHolds(runs: readonly RunView[], now: number, graceMs = HOLD_GRACE_MS): Hold[] {
  // Hosts a later run has taken over: a phase of it that declares them has begun.
  const takenOver = new Set<string>();
  const all: { current: Hold[]; lingering: Hold[] }[] = [];
  for (const r of runs) {
    all.push(holdsOf(r, takenOver, now, graceMs));
    for (const h of declaredByBegunPhases(r)) takenOver.add(h);
  }
  // The phases in progress first, of whichever run: their labels are the ones people should read.
  return [...all.flatMap((h) => h.current), ...all.flatMap((h) => h.lingering)];
}

const LIVE = new Set(["running", "paused", "queued", "succeeded"]);

function phaseState(run: RunView, phase: Plan["phases"][number]) {
  const byKey = new Map(run.steps.map((s) => [s.key, s]));
  const steps = phase.steps.map((s) => byKey.get(s.key));
  return {
    begun: steps.some((s) => s && s.status !== "pending"),
    ended: steps.length > 0 && steps.every((s) => s && FINISHED.has(s.status)),
    lastFinish: Math.max(0, ...steps.map((s) => s?.finishedAt ?? 0)),
  };
}

function declaredByBegunPhases(run: RunView): string[] {
  return run.plan.phases.filter((ph) => ph.expectedOutage?.length && phaseState(run, ph).begun)
    .flatMap((ph) => ph.expectedOutage!.map((d) => bind(d.host, run.vars)).filter((h): h is string => h !== null));
}

function holdsOf(run: RunView, takenOver: ReadonlySet<string>, now: number, graceMs: number): { current: Hold[]; lingering: Hold[] } {
  const current: Hold[] = [];
  const lingering: Hold[] = [];
  if (!LIVE.has(run.status)) return { current, lingering };
  for (const phase of run.plan.phases) {
    const decl = phase.expectedOutage;
    if (!decl?.length) continue;
    const phaseNow = phaseState(run, phase);
    const byKey = new Map(run.steps.map((s) => [s.key, s]));
    for (const d of decl as ExpectedOutage[]) {
      const host = bind(d.host, run.vars);
      if (host === null) continue;
      // A declaration narrowed to some steps of the phase: begun with its first, ended with its last.
      const from = d.fromStep ? byKey.get(d.fromStep) : undefined;
      const until = d.untilStep ? byKey.get(d.untilStep) : undefined;
      const begun = d.fromStep ? !!from && from.status !== "pending" : phaseNow.begun;
      const ended = d.untilStep ? !!until && FINISHED.has(until.status) : phaseNow.ended;
      const lastFinish = d.untilStep ? until?.finishedAt ?? 0 : phaseNow.lastFinish;
      const inPhase = begun && !ended && run.status !== "succeeded";
      const since = now - lastFinish;
      const label = `${run.title}: ${phase.title}`;
      const untilNext = run.status === "succeeded" && ended && !!d.untilNextRun && !takenOver.has(host);
      if (inPhase) current.push({ host, kinds: d.kinds, runId: run.id, label });
      else if (ended && (since < graceMs || untilNext)) lingering.push({ host, kinds: d.kinds, runId: run.id, label });
    }
  }
  return { current, lingering };
}

/** A declared host with its run variable filled in; null while the run has not recorded it yet. */
function bind(host: string, vars: Record<string, string>): string | null {
  const m = VAR.exec(host);
  if (!m) return host;
  return vars[m[1]] ?? null;
}
