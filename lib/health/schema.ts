// The live view's shapes, once: the types the collector derives and the
// response schemas the OpenAPI document publishes.
import { z } from "zod";

const at = z.string().describe("ISO 8601 time");
const seenAt = at.nullable().describe("when Warren last heard from the host (ISO 8601), null if never");

export const AlarmSchema = z.object({
  id: z.string().describe("stable per condition, e.g. node-down:node2, backend:node4/node2, vip-split"),
  severity: z.enum(["critical", "warning"]),
  subject: z.string().describe("a host, 'cluster' or 'VIP'"),
  message: z.string(),
  since: at.nullable().optional().describe("when the alarm was raised"),
});

export const NodeHealthSchema = z.object({
  name: z.string().describe("Erlang node name, rabbit@<host>"),
  host: z.string(),
  type: z.enum(["disc", "ram"]).nullable(),
  running: z.boolean(),
  reachable: z.boolean().describe("Warren hears from the host (a heartbeat within 2.5 s)"),
  lastSeenAt: seenAt,
  unit: z.string().nullable().describe("systemd ActiveState of rabbitmq-server"),
  alarms: z.array(z.string()).describe("resource alarms in effect: memory, disk"),
  rabbitmqVersion: z.string().nullable(),
  erlangVersion: z.string().nullable(),
  memUsed: z.number().nullable(), memLimit: z.number().nullable(),
  diskFree: z.number().nullable(), diskFreeLimit: z.number().nullable(),
  fdUsed: z.number().nullable(), fdTotal: z.number().nullable(),
  socketsUsed: z.number().nullable().optional(), socketsTotal: z.number().nullable().optional().describe("RabbitMQ 3.x only"),
  uptimeS: z.number().nullable(),
  statsAt: at.nullable().describe("when the memory, disk, descriptor and uptime values were read (the cluster's own view)"),
  statsStale: z.boolean().describe("no current view has this node's values: the ones shown are the last known (see statsAt)"),
  partitions: z.array(z.string()),
  maintenance: z.boolean(),
  sources: z.object({
    unit: z.string().nullable(),
    api: z.enum(["answering", "not answering", "unknown"]),
    clusterView: z.enum(["running", "not running", "unknown"]),
  }).describe("what each source says, for the detail view"),
});

export const BackendHealthSchema = z.object({
  server: z.string(),
  status: z.string().describe("UP, DOWN, MAINT, DRAIN, NOLB, TRANSITION, NO CHECK or UNKNOWN"),
  statusText: z.string().describe("as HAProxy prints it, e.g. 'DOWN 1/2'"),
  checkStatus: z.string().nullable(),
  sessions: z.number(), bytesIn: z.number(), bytesOut: z.number(),
  lastSeenAt: seenAt,
});

export const LbHealthSchema = z.object({
  host: z.string(),
  reachable: z.boolean(),
  lastSeenAt: seenAt,
  vrrpState: z.string().nullable().describe("MASTER, BACKUP or FAULT, from Keepalived's notify script"),
  holdsVip: z.boolean().describe("holds the VIP now: the VIP is on its interface, and it has spoken since any other load balancer took the VIP"),
  haproxy: z.string().nullable(), keepalived: z.string().nullable(),
  backends: z.array(BackendHealthSchema),
});

export const ClusterHealthSchema = z.object({
  clusterId: z.string(),
  observedAt: at,
  status: z.enum(["ok", "warning", "critical", "unknown", "not-set-up"]).describe("the worst alarm's severity (warning: degraded, clients still served); unknown before the first answer; not-set-up before the cluster's first successful setup (no alarms then)"),
  nodes: z.array(NodeHealthSchema),
  loadBalancers: z.array(LbHealthSchema),
  vip: z.object({ address: z.string(), owners: z.array(z.string()) }).nullable(),
  totals: z.object({ messages: z.number().nullable(), queues: z.number().nullable(), connections: z.number().nullable() }),
  vhosts: z.array(z.object({ name: z.string(), messagesReady: z.number().nullable() })).nullable().optional().describe("ready messages per virtual host, asked every 10 s; null when no current answer"),
  alarms: z.array(AlarmSchema),
});

export const TimelineSchema = z.object({
  events: z.array(z.object({
    alarmId: z.string(), severity: z.enum(["critical", "warning"]), subject: z.string(), message: z.string(),
    raisedAt: at, clearedAt: at.nullable(),
  })).describe("newest first, at most 200"),
});

export const SampleSchema = z.object({
  up: z.number().describe("nodes running"),
  nodes: z.number(),
  mem: z.record(z.string(), z.number()).describe("memory used per node, bytes, by host"),
  messages: z.number().nullable(),
  connections: z.number().nullable(),
  backends: z.record(z.string(), z.object({ s: z.number().describe("current sessions"), b: z.number().describe("bytes in + out since HAProxy started") })).describe("by '<load balancer>/<server>'"),
  alarms: z.number(),
});

export const HistorySchema = z.object({
  res: z.number().describe("seconds per sample: 10 up to an hour, 60 beyond"),
  samples: z.array(SampleSchema.extend({ at })),
});

export type Alarm = z.infer<typeof AlarmSchema>;
export type Severity = Alarm["severity"];
export type NodeHealth = z.infer<typeof NodeHealthSchema>;
export type BackendHealth = z.infer<typeof BackendHealthSchema>;
export type LbHealth = z.infer<typeof LbHealthSchema>;
export type ClusterHealth = z.infer<typeof ClusterHealthSchema>;
export type Sample = z.infer<typeof SampleSchema>;
