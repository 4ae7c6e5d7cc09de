// A migration's progress as the run page shows it and its gates judge it:
// per queue, what is left on blue (ready and unacknowledged — a shovel in
// on-confirm mode keeps a message unacknowledged on blue until green has
// confirmed it, so 0 and 0 means nothing is in flight) and what green holds;
// per side, the clients' connections (the migration's own and Warren's are
// not clients). Parsers read the management API's answers tolerantly, like
// lib/rabbitmq/management.ts; everything here is pure.

export interface QueueCount {
  vhost: string;
  name: string;
  type: string;
  ready: number | null;
  unacked: number | null;
  consumers: number | null;
}

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function list(text: string, what: string): unknown[] {
  let v: unknown;
  try { v = JSON.parse(text); } catch { throw new Error(`the management API's ${what} is not JSON (${text.length} bytes)`); }
  // Paged answers (?page=) wrap the list in { items }.
  if (!Array.isArray(v) && Array.isArray(obj(v).items)) v = obj(v).items;
  if (!Array.isArray(v)) throw new Error(`the management API's ${what} is not a list`);
  return v;
}

/** GET /api/queues?columns=name,vhost,type,messages_ready,messages_unacknowledged,consumers */
export function parseQueueCounts(text: string): QueueCount[] {
  return list(text, "queue list").map((raw) => {
    const q = obj(raw);
    const name = str(q.name), vhost = str(q.vhost);
    if (name === null || vhost === null) throw new Error("a queue in the management API's list has no name or vhost");
    return { vhost, name, type: str(q.type) ?? "classic", ready: num(q.messages_ready), unacked: num(q.messages_unacknowledged), consumers: num(q.consumers) };
  });
}

export interface ConnectionCount { user: string; peerHost: string | null }

/** GET /api/connections?columns=user,peer_host */
export function parseConnections(text: string): ConnectionCount[] {
  return list(text, "connection list").map((raw) => {
    const c = obj(raw);
    return { user: str(c.user) ?? "", peerHost: str(c.peer_host) };
  });
}

/** Connections that are clients': not the migration's shovels, not Warren's own management user. */
export const clientConnections = (cs: ConnectionCount[], notClients: string[]) => cs.filter((c) => !notClients.includes(c.user)).length;

/** A shovel's state as RabbitMQ 4.0 reports it: running, or running but held back by flow control or a blocked destination. */
export type ShovelState = "starting" | "running" | "flow" | "blocked" | "terminated" | "unknown";
const SHOVEL_STATES: readonly ShovelState[] = ["starting", "running", "flow", "blocked", "terminated"];
/** Connected and moving (or about to, once flow control lets it). */
export const shovelAlive = (s: ShovelState) => s === "running" || s === "flow" || s === "blocked";
export interface ShovelStatus { vhost: string; name: string; state: ShovelState; reason: string | null }

/** `rabbitmqctl shovel_status --formatter json` or GET /api/shovels (which strip credentials from the URIs): each shovel's state. */
export function parseShovelStatus(text: string): ShovelStatus[] {
  return list(text, "shovel status").map((raw) => {
    const s = obj(raw);
    const state = str(s.state);
    const reason = str(s.termination_reason) ?? str(s.reason);
    return {
      vhost: str(s.vhost) ?? "/", name: str(s.name) ?? "?",
      state: SHOVEL_STATES.find((x) => x === state) ?? "unknown",
      reason: reason && reason.length ? reason : null,
    };
  });
}

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
