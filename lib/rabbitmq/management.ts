// The management HTTP API's answers, parsed by key and tolerant of extra or
// missing keys (3.8–4.x differ in detail). Garbage is a clear error, never a crash.

export interface NodeStats {
  name: string;
  type: "disc" | "ram" | null;
  running: boolean;
  memUsed: number | null;
  memLimit: number | null;
  memAlarm: boolean;
  diskFree: number | null;
  diskFreeLimit: number | null;
  diskAlarm: boolean;
  fdUsed: number | null;
  fdTotal: number | null;
  /** RabbitMQ 3.x reports sockets beside file descriptors; null where it does not. */
  socketsUsed: number | null;
  socketsTotal: number | null;
  uptimeS: number | null;
  partitions: string[];
  beingDrained: boolean;
}

export interface Overview {
  node: string | null;
  clusterName: string | null;
  rabbitmqVersion: string | null;
  erlangVersion: string | null;
  messages: number | null;
  messagesReady: number | null;
  messagesUnacked: number | null;
  queues: number | null;
  connections: number | null;
  channels: number | null;
  consumers: number | null;
}

export interface QueueSync { name: string; vhost: string; mirrors: number; synchronised: number; type: string }

const obj = (v: unknown): Record<string, unknown> => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const num = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

function json(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`the management API's ${what} is not JSON (${text.length ? `${text.length} bytes, starting ${JSON.stringify(text.slice(0, 40))}` : "empty"})`);
  }
}

/** GET /api/nodes: every node of the cluster as the answering node sees it. */
export function parseNodes(text: string): NodeStats[] {
  const v = json(text, "node list");
  if (!Array.isArray(v)) throw new Error("the management API's node list is not a list");
  return v.map((raw) => {
    const n = obj(raw);
    const name = str(n.name);
    if (!name) throw new Error("a node in the management API's list has no name");
    const type = n.type === "disc" || n.type === "ram" ? n.type : null;
    return {
      name, type, running: n.running === true,
      memUsed: num(n.mem_used), memLimit: num(n.mem_limit), memAlarm: n.mem_alarm === true,
      diskFree: num(n.disk_free), diskFreeLimit: num(n.disk_free_limit), diskAlarm: n.disk_free_alarm === true,
      fdUsed: num(n.fd_used), fdTotal: num(n.fd_total), socketsUsed: num(n.sockets_used), socketsTotal: num(n.sockets_total),
      uptimeS: num(n.uptime) === null ? null : Math.round((n.uptime as number) / 1000),
      partitions: Array.isArray(n.partitions) ? n.partitions.filter((p): p is string => typeof p === "string") : [],
      beingDrained: n.being_drained === true,
    };
  });
}

/** GET /api/overview on a node: its versions and the cluster's totals. */
export function parseOverview(text: string): Overview {
  const o = obj(json(text, "overview"));
  if (!("rabbitmq_version" in o) && !("node" in o)) throw new Error("the management API's overview has neither node nor rabbitmq_version");
  const q = obj(o.queue_totals), t = obj(o.object_totals);
  return {
    node: str(o.node), clusterName: str(o.cluster_name), rabbitmqVersion: str(o.rabbitmq_version), erlangVersion: str(o.erlang_version),
    messages: num(q.messages), messagesReady: num(q.messages_ready), messagesUnacked: num(q.messages_unacknowledged),
    queues: num(t.queues), connections: num(t.connections), channels: num(t.channels), consumers: num(t.consumers),
  };
}

export interface VhostReady { name: string; messagesReady: number | null }

/** GET /api/vhosts?columns=name,messages_ready: each virtual host's ready messages (null while the broker has no figure yet). */
export function parseVhosts(text: string): VhostReady[] {
  const v = json(text, "virtual host list");
  if (!Array.isArray(v)) throw new Error("the management API's virtual host list is not a list");
  return v.map((raw) => {
    const h = obj(raw);
    return { name: str(h.name) ?? "?", messagesReady: num(h.messages_ready) };
  });
}

/** GET /api/queues?columns=name,vhost,type,slave_nodes,synchronised_slave_nodes (3.x mirrored queues; 4.x has none). */
export function parseQueueSync(text: string): QueueSync[] {
  const v = json(text, "queue list");
  if (!Array.isArray(v)) throw new Error("the management API's queue list is not a list");
  return v.map((raw) => {
    const q = obj(raw);
    const mirrors = Array.isArray(q.slave_nodes) ? q.slave_nodes.length : 0;
    const synced = Array.isArray(q.synchronised_slave_nodes) ? q.synchronised_slave_nodes.length : 0;
    return { name: str(q.name) ?? "?", vhost: str(q.vhost) ?? "/", mirrors, synchronised: synced, type: str(q.type) ?? "classic" };
  });
}

// ---- Queues, connections and shovels, as a blue-green migration reads them (lib/migration/progress.ts) ----

export interface QueueCount {
  vhost: string;
  name: string;
  type: string;
  ready: number | null;
  unacked: number | null;
  consumers: number | null;
}

/** A list answer; paged answers (?page=) wrap it in { items }. */
function list(text: string, what: string): unknown[] {
  let v = json(text, what);
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

export interface ConnectionCount { user: string; peerHost: string | null; protocol: string | null }

/** GET /api/connections?columns=user,peer_host,protocol */
export function parseConnections(text: string): ConnectionCount[] {
  return list(text, "connection list").map((raw) => {
    const c = obj(raw);
    return { user: str(c.user) ?? "", peerHost: str(c.peer_host), protocol: str(c.protocol) };
  });
}

/**
 * Connections that are clients': not the users given (the migration's
 * shovels reading the other side), not a node's own direct connections (a
 * shovel publishing locally: protocol "Direct 0-9-1").
 */
export const clientConnections = (cs: ConnectionCount[], notClients: string[]) => cs.filter((c) => !notClients.includes(c.user) && !c.protocol?.startsWith("Direct")).length;

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
