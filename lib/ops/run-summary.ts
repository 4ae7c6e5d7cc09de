// What a run did, in numbers people can trust, from its step rows: how many
// steps changed a host (not the read-only checks, gates, waits and pauses
// around them), how many found their effect already in place, and how long
// each host took. Pure: the run page and the tests read the same numbers.

export interface SummaryStep {
  phase: number;
  hostName: string;
  status: string;
  /** The step changes its host when it runs (plan.ts changesHost). */
  changes: boolean;
  startedAt: Date | string | null;
  finishedAt: Date | string | null;
}

export interface RunCounts {
  /** Steps that ran and changed a host. */
  changed: number;
  /** Steps that would have changed a host, but found their effect already there. */
  inPlace: number;
  /** Read-only checks, gates and pauses that passed. */
  checks: number;
}

export function countSteps(steps: Pick<SummaryStep, "status" | "changes">[]): RunCounts {
  const c: RunCounts = { changed: 0, inPlace: 0, checks: 0 };
  for (const s of steps) {
    if (s.status === "done") { if (s.changes) c.changed++; else c.checks++; }
    else if (s.status === "skipped") { if (s.changes) c.inPlace++; else c.checks++; }
  }
  return c;
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function duration(ms: number): string {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, "0")} s`;
}

/** "3 steps changed something on the hosts, 40 were already in place, 12 checks and waits passed; 2 min 03 s in all." */
export function countsLine(c: RunCounts, elapsedMs: number): string {
  return `${plural(c.changed, "step", "steps")} changed something on the hosts, ${c.inPlace} ${c.inPlace === 1 ? "was" : "were"} already in place, `
    + `${plural(c.checks, "check or wait", "checks and waits")} passed; ${duration(elapsedMs)} in all.`;
}

export interface HostTime { host: string; ms: number }

/**
 * The time each host took: the union of its steps' intervals (so steps in
 * parallel count once), a phase with a subject counted as that host's
 * (a node's upgrade includes taking it out of the load balancers' rotation),
 * run variables shown by their values. Steps on Warren itself (host "") and
 * steps that never started are left out. Hosts in the order they started.
 */
export function hostTimes(steps: SummaryStep[], phases: { subject?: string | null }[], host: (h: string) => string = (h) => h, now = Date.now()): HostTime[] {
  const spans = new Map<string, [number, number][]>();
  for (const s of steps) {
    if (!s.startedAt) continue;
    const who = host(phases[s.phase]?.subject || s.hostName);
    if (!who) continue;
    const from = new Date(s.startedAt).getTime(), to = s.finishedAt ? new Date(s.finishedAt).getTime() : now;
    spans.set(who, [...(spans.get(who) ?? []), [from, Math.max(from, to)]]);
  }
  const out = [...spans].map(([h, list]) => {
    list.sort((a, b) => a[0] - b[0]);
    let ms = 0, end = -Infinity;
    for (const [from, to] of list) {
      if (to <= end) continue;
      ms += to - Math.max(from, end);
      end = to;
    }
    return { host: h, ms, first: list[0][0] };
  });
  return out.sort((a, b) => a.first - b.first).map(({ host: h, ms }) => ({ host: h, ms }));
}
