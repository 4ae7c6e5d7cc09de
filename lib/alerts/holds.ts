// Warren's own work does not page: which alerts a run holds now, from its
// plan's declarations (Phase.expectedOutage) and its steps' recorded states.
// Pure: the alert engine gives it the cluster's recent runs as stored,
// newest first. A phase holds from its first step's start until its last
// step finished plus a grace (HAProxy needs a few checks to mark a node UP
// again) — also once the next run has begun: an operator restarting node2
// right after node1 must not be paged for node1 coming back into rotation.
// Only the newest run holds "until the next run" (a stopped cluster). A run
// that failed, was stopped or interrupted holds nothing — what it left down
// pages at once, and so does its failure.
import type { Plan } from "@/lib/ops/plan";
import type { AlertKind, ExpectedOutage } from "./kinds";

/** After a phase's last step: HAProxy's rise (3 checks at 700 ms) and a node's first answers. */
export const HOLD_GRACE_MS = 10_000;

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

/** The holds at `now` of the cluster's recent runs, newest first (its runs finished within the grace, and the newest whatever its age). */
export function activeHolds(runs: readonly RunView[], now: number, graceMs = HOLD_GRACE_MS): Hold[] {
  const all = runs.map((r, i) => holdsOf(r, i === 0, now, graceMs));
  // The phases in progress first, of whichever run: their labels are the ones people should read.
  return [...all.flatMap((h) => h.current), ...all.flatMap((h) => h.lingering)];
}

function holdsOf(run: RunView, newest: boolean, now: number, graceMs: number): { current: Hold[]; lingering: Hold[] } {
  const none = { current: [], lingering: [] };
  const live = run.status === "running" || run.status === "paused" || run.status === "succeeded";
  if (!live) return none;
  const byKey = new Map(run.steps.map((s) => [s.key, s]));
  const current: Hold[] = [];
  const lingering: Hold[] = [];
  for (const phase of run.plan.phases) {
    const decl = phase.expectedOutage;
    if (!decl?.length) continue;
    const steps = phase.steps.map((s) => byKey.get(s.key));
    const begun = steps.some((s) => s && s.status !== "pending");
    const ended = steps.every((s) => s && FINISHED.has(s.status));
    const lastFinish = Math.max(0, ...steps.map((s) => s?.finishedAt ?? 0));
    const inPhase = begun && !ended && run.status !== "succeeded";
    const inGrace = ended && now - lastFinish < graceMs;
    const keepAfterRun = newest && run.status === "succeeded" && ended;
    for (const d of decl as ExpectedOutage[]) {
      const active = inPhase || inGrace || (keepAfterRun && d.untilNextRun);
      if (!active) continue;
      const host = bind(d.host, run.vars);
      if (host === null) continue;
      (inPhase ? current : lingering).push({ host, kinds: d.kinds, runId: run.id, label: `${run.title}: ${phase.title}` });
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
