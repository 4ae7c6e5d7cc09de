// The alert kinds, once: every alarm the live view derives (lib/health/derive.ts),
// the thresholds Warren computes from node values, a moved VIP and a failed
// run map to exactly one kind, each with a default severity, a default "for"
// duration (fire only if the condition lasts) and, where it makes sense, a
// threshold. Per-cluster overrides change these (AlertRule rows). A leaf
// module: the planners import its types to declare what a phase takes down
// on purpose (lib/ops/plan.ts Phase.expectedOutage).

export const ALERT_SEVERITIES = ["critical", "warning"] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];
export const severityRank = (s: AlertSeverity) => (s === "critical" ? 2 : 1);

export const ALERT_KINDS = [
  "node-down", "node-unreachable", "not-in-cluster", "partition", "resource-alarm", "api-auth",
  "fd-high", "sockets-high", "memory-high", "disk-free-low", "messages-ready",
  "disc-redundancy", "version-mismatch", "mirrors-unsynced",
  "lb-unreachable", "haproxy-down", "keepalived-down", "vrrp-fault", "backend-down", "lb-disagree",
  "vip-none", "vip-split", "vip-moved",
  "run-failed", "other",
] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const isAlertKind = (v: unknown): v is AlertKind => typeof v === "string" && (ALERT_KINDS as readonly string[]).includes(v);

export interface Threshold {
  default: number;
  /** What the number is, as the rule editor says it. */
  label: string;
  unit: "%" | "× limit" | "messages";
  min: number;
  max: number;
}

export interface KindDef {
  kind: AlertKind;
  /** The incident's title: what is wrong, for all its members at once. */
  title: string;
  /** When it is raised, for the rule editor. */
  what: string;
  /** "health": the live view's own judgement per alarm (a problem of the load balancer that does not serve clients is a warning). */
  severity: AlertSeverity | "health";
  /** Seconds the condition must last before it fires; 0 fires at once. */
  forS: number;
  threshold?: Threshold;
}

const def = (kind: AlertKind, title: string, what: string, severity: KindDef["severity"], forS: number, threshold?: Threshold): KindDef => ({ kind, title, what, severity, forS, threshold });

/** The table. Fast kinds fire at once (0 s): a killed node or a moved VIP pages within the second it is seen. */
export const KINDS: Record<AlertKind, KindDef> = Object.fromEntries([
  def("node-down", "RabbitMQ nodes down", "a node's broker is not running (service stopped or crashed, management API not answering, or the cluster lists it as stopped)", "critical", 0),
  def("node-unreachable", "Hosts not seen", "Warren has not heard from a RabbitMQ node's host for 2.5 s (powered off, frozen, network cut)", "critical", 0),
  def("not-in-cluster", "Nodes outside the cluster", "a node runs, but the other nodes do not list it as running", "warning", 10),
  def("partition", "Network partition", "a node reports a partition from other nodes", "critical", 0),
  def("resource-alarm", "Resource alarms (publishers blocked)", "RabbitMQ's memory or disk alarm is in effect on a node", "critical", 0),
  def("api-auth", "Management API rejects Warren", "a node's management API rejects Warren's credentials for 15 s", "warning", 0),
  def("fd-high", "File descriptors near the limit", "a node uses this share of its file descriptors or more", "warning", 60, { default: 90, label: "used of the limit", unit: "%", min: 1, max: 100 }),
  def("sockets-high", "Sockets near the limit", "a node uses this share of its sockets or more (RabbitMQ 3.x reports sockets)", "warning", 60, { default: 90, label: "used of the limit", unit: "%", min: 1, max: 100 }),
  def("memory-high", "Memory near the watermark", "a node uses this share of its memory limit (the high watermark) or more, before RabbitMQ's own alarm blocks publishers", "warning", 60, { default: 85, label: "used of the limit", unit: "%", min: 1, max: 100 }),
  def("disk-free-low", "Disk space low", "a node's free disk space falls below this multiple of its disk_free_limit, before RabbitMQ's own alarm", "warning", 60, { default: 2, label: "free space below", unit: "× limit", min: 1, max: 1000 }),
  def("messages-ready", "Messages piling up", "a virtual host holds this many ready messages or more (no consumer keeps up)", "warning", 120, { default: 100_000, label: "ready messages per virtual host", unit: "messages", min: 1, max: 1e12 }),
  def("disc-redundancy", "Disc node redundancy", "only one disc node runs, or the cluster has only one disc node", "warning", 60),
  def("version-mismatch", "Nodes on different versions", "the nodes run different RabbitMQ or Erlang versions (expected only during a rolling upgrade)", "warning", 600),
  def("mirrors-unsynced", "Mirrored queues not synchronised", "classic mirrored queues have unsynchronised mirrors (a restart now could lose messages)", "warning", 300),
  def("lb-unreachable", "Load balancers not seen", "Warren has not heard from a load balancer for 2.5 s", "health", 0),
  def("haproxy-down", "HAProxy not running", "HAProxy is not active on a load balancer", "health", 0),
  def("keepalived-down", "Keepalived not running", "Keepalived is not active on a load balancer: it cannot take the VIP over", "warning", 0),
  def("vrrp-fault", "Keepalived in FAULT", "Keepalived's HAProxy check fails on a load balancer", "warning", 5),
  def("backend-down", "HAProxy backends down", "a load balancer has a node DOWN, in maintenance or draining while that node itself is fine (a node that is down is its own incident)", "health", 5),
  def("lb-disagree", "HAProxy and RabbitMQ disagree", "a load balancer routes clients to a node that does not run, or keeps out one that does, for more than 6 s", "health", 0),
  def("vip-none", "VIP on no load balancer", "no load balancer holds the VIP: clients cannot connect", "critical", 3),
  def("vip-split", "VIP on two load balancers", "two load balancers hold the VIP at once (split brain)", "critical", 0),
  def("vip-moved", "VIP moved", "the VIP moved to another load balancer (open for 60 s after the move)", "warning", 0),
  def("run-failed", "Operation failed", "the cluster's latest operation failed, until it is retried or another one runs", "critical", 0),
  def("other", "Other alarms", "an alarm of the live view this version of Warren has no kind for", "health", 0),
].map((d) => [d.kind, d])) as Record<AlertKind, KindDef>;

/** How long a moved VIP stays an open alert after the move (signals.ts), and the run that moved it holds that kind (holds.ts). */
export const VIP_MOVED_OPEN_MS = 60_000;

/** The subject of cluster-wide alarms (derive.ts) and of the VIP's. */
export const CLUSTER_SUBJECT = "cluster";
export const VIP_SUBJECT = "VIP";

/** Every alarm id's kind. `nodeHosts`: the cluster's RabbitMQ nodes (an unreachable node is a host not seen; anything else unreachable is a load balancer). */
export function kindOfAlarm(id: string, nodeHosts: ReadonlySet<string>): AlertKind {
  const [prefix, rest = ""] = id.split(/:(.*)/s);
  switch (prefix) {
    case "node-down": return "node-down";
    case "unreachable": return nodeHosts.has(rest) ? "node-unreachable" : "lb-unreachable";
    case "not-in-cluster": return "not-in-cluster";
    case "partition": return "partition";
    case "api-auth": return "api-auth";
    case "last-disc": case "one-disc": return "disc-redundancy";
    case "versions": return "version-mismatch";
    case "mirrors": return "mirrors-unsynced";
    case "haproxy": return "haproxy-down";
    case "keepalived": return "keepalived-down";
    case "vrrp-fault": return "vrrp-fault";
    case "backend": return "backend-down";
    case "disagree": return "lb-disagree";
    case "vip-none": return "vip-none";
    case "vip-split": return "vip-split";
    default:
      if (prefix.startsWith("alarm-")) return "resource-alarm";
      if (isAlertKind(prefix) && prefix !== "other") return prefix;
      return "other";
  }
}

/**
 * The hosts an alarm is about, for holds and silences: a backend's row
 * (backend:<load balancer>/<node>) is about the node and the load balancer
 * both; anything else about its subject (a host, "cluster" or "VIP").
 */
export function alarmHosts(id: string, subject: string): string[] {
  const m = /^(?:backend|disagree):([^/]+)\/(.+)$/.exec(id);
  return m ? [m[2], m[1]] : [subject];
}

/** What stopping a RabbitMQ node on purpose raises about it. */
export const NODE_STOPPED: AlertKind[] = ["node-down", "not-in-cluster", "backend-down", "lb-disagree"];
/** What a node stopping raises about the cluster as a whole (host "cluster"). */
export const CLUSTER_DURING_NODE_WORK: AlertKind[] = ["disc-redundancy", "mirrors-unsynced"];
/** What restarting HAProxy or Keepalived on a load balancer raises about it. */
export const LB_WORK: AlertKind[] = ["haproxy-down", "keepalived-down", "vrrp-fault", "vip-moved", "backend-down", "lb-disagree"];

/**
 * What a phase of a plan takes down on purpose (lib/ops/plan.ts): alerts of
 * these kinds about this host are Warren's own work while the phase runs and
 * a short grace after it, not a page. `host` is a host name, "cluster",
 * "VIP" or a run variable ("{var:owner}"). `untilNextRun`: when the run
 * succeeds the host stays down on purpose until a later run begins a phase
 * that declares it (a stopped cluster, until its start; a drill or a deploy
 * in between does not end it). `fromStep`/`untilStep` narrow the hold to
 * part of a long phase: from that step's start, until that step finished
 * (plus the grace) — a node is held down only while it is stopped on
 * purpose, not through the gates around it.
 */
export interface ExpectedOutage {
  host: string;
  kinds: AlertKind[];
  untilNextRun?: true;
  fromStep?: string;
  untilStep?: string;
}
