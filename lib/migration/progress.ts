// A migration's progress as the run page shows it and its gates judge it:
// per queue, what is left on blue (ready and unacknowledged — a shovel in
// on-confirm mode keeps a message unacknowledged on blue until green has
// confirmed it, so 0 and 0 means nothing is in flight) and what green holds;
// per side, the clients' connections (the migration's own and Warren's are
// not clients). The answers are parsed by lib/rabbitmq/management.ts; pure.
import { shovelAlive, type QueueCount, type ShovelStatus } from "@/lib/rabbitmq/management";

/** The runs whose page shows a migration's progress (lib/ops/operations/migrate.ts). */
export const MIGRATION_RUNS: readonly string[] = ["migrate", "migrate-back"];

const key = (vhost: string, name: string) => JSON.stringify([vhost, name]);

export interface QueueProgress {
  vhost: string;
  name: string;
  /** Ready + unacknowledged on blue; null while blue has no figure (or the queue is gone there). */
  leftOnBlue: number | null;
  onGreen: number | null;
  greenType: string | null;
  blueConsumers: number | null;
  greenConsumers: number | null;
}

const total = (q: QueueCount | undefined) => (q && q.ready !== null && q.unacked !== null ? q.ready + q.unacked : null);

/** One row per queue being moved, in the order given. */
export function queueProgress(moving: { vhost: string; name: string }[], blue: QueueCount[], green: QueueCount[]): QueueProgress[] {
  const b = new Map(blue.map((q) => [key(q.vhost, q.name), q])), g = new Map(green.map((q) => [key(q.vhost, q.name), q]));
  return moving.map((m) => {
    const x = b.get(key(m.vhost, m.name)), y = g.get(key(m.vhost, m.name));
    return { vhost: m.vhost, name: m.name, leftOnBlue: total(x), onGreen: total(y), greenType: y?.type ?? null, blueConsumers: x?.consumers ?? null, greenConsumers: y?.consumers ?? null };
  });
}

export interface DrainSample {
  progress: QueueProgress[];
  shovels: ShovelStatus[];
  /** Client connections still on blue. */
  blueClients: number;
  /** Green's nodes all running, no partition, no alarm (from the live view). */
  greenHealthy: boolean;
}

export interface DrainVerdict { drained: boolean; waitingFor: string[] }

/**
 * Whether blue may be let go: every moved queue has nothing left on blue
 * (ready and unacknowledged both 0), every shovel runs (a terminated one may
 * have stopped with messages left), no client is still connected to blue and
 * green is healthy — in each of the last `samples` readings, so a publisher
 * reconnecting late to blue or a message in flight is not missed.
 */
export function drainVerdict(history: DrainSample[], expectedShovels: { vhost: string; name: string }[], samples = 3): DrainVerdict {
  const last = history.slice(-samples);
  if (last.length < samples) return { drained: false, waitingFor: [`${samples} readings in a row (have ${last.length})`] };
  const waiting = new Set<string>();
  for (const s of last) {
    for (const q of s.progress) {
      if (q.leftOnBlue === null) waiting.add(`${q.name} on ${q.vhost}: blue gives no count`);
      else if (q.leftOnBlue > 0) waiting.add(`${q.name} on ${q.vhost}: messages left on blue`);
    }
    const states = new Map(s.shovels.map((x) => [key(x.vhost, x.name), x]));
    for (const e of expectedShovels) {
      const st = states.get(key(e.vhost, e.name));
      if (!st) waiting.add(`shovel ${e.name} on ${e.vhost}: not reported`);
      else if (!shovelAlive(st.state)) waiting.add(`shovel ${e.name} on ${e.vhost}: ${st.state}${st.reason ? ` (${st.reason})` : ""}`);
    }
    if (s.blueClients > 0) waiting.add("client connections still on blue");
    if (!s.greenHealthy) waiting.add("green is not healthy");
  }
  return { drained: waiting.size === 0, waitingFor: [...waiting] };
}
