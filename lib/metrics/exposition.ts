// Prometheus metrics of what Warren knows (GET /metrics): from a snapshot of
// its own state — the collector's live health, open incidents, runs and the
// outbox — into a registry made for this one scrape, so nothing stale
// lingers between scrapes (a removed node's series disappears with it).
// Scraping costs the hosts nothing: no host is asked anything here.
// Values the cluster cannot give now (a node's old memory figure) are left
// out rather than shown as current.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ClusterHealth } from "@/lib/health/schema";

export interface MetricsSnapshot {
  clusters: { id: string; name: string; health: ClusterHealth | null }[];
  incidents: { cluster: string; kind: string; severity: string; status: string }[];
  runs: { cluster: string; operation: string; status: string; count: number }[];
  /** Finished runs: how long each took. */
  durations: { operation: string; status: string; seconds: number }[];
  notifications: { status: string; count: number }[];
}

const STATUSES = ["ok", "warning", "critical", "unknown", "not-set-up"] as const;
const RESOURCES = ["memory", "disk"] as const;
export const RUN_BUCKETS = [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400];

export function buildRegistry(s: MetricsSnapshot): Registry {
  const registers = [new Registry()];
  const r = registers[0];
  const g = <L extends string>(name: string, help: string, labelNames: readonly L[]) => new Gauge({ name, help, labelNames, registers });
  const b = (v: boolean) => (v ? 1 : 0);

  const info = g("warren_cluster_info", "A cluster Warren knows (1)", ["cluster", "cluster_id"]);
  const status = g("warren_cluster_status", "The cluster's overall state: 1 for the current one", ["cluster", "status"]);
  const observed = g("warren_cluster_observed_timestamp_seconds", "When the live view last derived the cluster's health", ["cluster"]);
  const alarms = g("warren_cluster_alarms", "Alarms of the live view in effect, by severity", ["cluster", "severity"]);
  const nodeUp = g("warren_node_up", "The node's host answers Warren (a heartbeat within 2.5 s)", ["cluster", "node", "type", "rabbitmq_version", "erlang_version"]);
  const running = g("warren_node_running", "RabbitMQ runs on the node", ["cluster", "node"]);
  const partitioned = g("warren_node_partitioned", "The node reports a network partition", ["cluster", "node"]);
  const alarm = g("warren_node_alarm", "A RabbitMQ resource alarm is in effect on the node", ["cluster", "node", "resource"]);
  const maintenance = g("warren_node_maintenance", "The node is in maintenance (being drained)", ["cluster", "node"]);
  const memUsed = g("warren_node_memory_used_bytes", "Memory the node uses", ["cluster", "node"]);
  const memLimit = g("warren_node_memory_limit_bytes", "The node's memory high watermark", ["cluster", "node"]);
  const diskFree = g("warren_node_disk_free_bytes", "Free disk space on the node's data directory", ["cluster", "node"]);
  const diskLimit = g("warren_node_disk_free_limit_bytes", "The node's disk_free_limit", ["cluster", "node"]);
  const fdUsed = g("warren_node_fd_used", "File descriptors the node uses", ["cluster", "node"]);
  const fdTotal = g("warren_node_fd_total", "The node's file descriptor limit", ["cluster", "node"]);
  const sockUsed = g("warren_node_sockets_used", "Sockets the node uses (RabbitMQ 3.x)", ["cluster", "node"]);
  const sockTotal = g("warren_node_sockets_total", "The node's socket limit (RabbitMQ 3.x)", ["cluster", "node"]);
  const uptime = g("warren_node_uptime_seconds", "How long the node has run", ["cluster", "node"]);
  const lastSeen = g("warren_host_last_seen_timestamp_seconds", "When Warren last heard from the host", ["cluster", "host"]);
  const lbUp = g("warren_lb_up", "The load balancer's host answers Warren", ["cluster", "lb"]);
  const haproxy = g("warren_lb_haproxy_active", "HAProxy is active on the load balancer", ["cluster", "lb"]);
  const keepalived = g("warren_lb_keepalived_active", "Keepalived is active on the load balancer", ["cluster", "lb"]);
  const backendUp = g("warren_backend_up", "The load balancer's HAProxy has the node UP", ["cluster", "lb", "server"]);
  const backendStatus = g("warren_backend_status", "HAProxy's status of the node on the load balancer: 1 for the current one", ["cluster", "lb", "server", "status"]);
  const backendSessions = g("warren_backend_sessions", "Current client sessions through the load balancer to the node", ["cluster", "lb", "server"]);
  const vipHolder = g("warren_vip_holder", "The load balancer holds the VIP", ["cluster", "lb", "vip"]);
  const vipHolders = g("warren_vip_holders", "How many load balancers hold the VIP (1 is right)", ["cluster", "vip"]);
  const messages = g("warren_cluster_messages", "Messages in the cluster's queues", ["cluster"]);
  const connections = g("warren_cluster_connections", "Client connections to the cluster", ["cluster"]);
  const ready = g("warren_vhost_messages_ready", "Ready messages per virtual host", ["cluster", "vhost"]);
  const open = g("warren_alerts_open", "Open incidents", ["cluster", "kind", "severity", "status"]);
  const notes = g("warren_notifications", "Notifications in the outbox, by status", ["status"]);
  const runs = new Counter({ name: "warren_runs_total", help: "Runs of operations, by their current status", labelNames: ["cluster", "operation", "status"], registers });
  const duration = new Histogram({ name: "warren_run_duration_seconds", help: "How long finished runs took", labelNames: ["operation", "status"], buckets: RUN_BUCKETS, registers });

  for (const c of s.clusters) {
    const cluster = c.name;
    info.set({ cluster, cluster_id: c.id }, 1);
    const h = c.health;
    for (const st of STATUSES) status.set({ cluster, status: st }, b((h?.status ?? "unknown") === st));
    if (!h) continue;
    observed.set({ cluster }, Date.parse(h.observedAt) / 1000);
    for (const sev of ["critical", "warning"] as const) alarms.set({ cluster, severity: sev }, h.alarms.filter((a) => a.severity === sev).length);
    if (h.totals.messages !== null) messages.set({ cluster }, h.totals.messages);
    if (h.totals.connections !== null) connections.set({ cluster }, h.totals.connections);
    for (const v of h.vhosts ?? []) if (v.messagesReady !== null) ready.set({ cluster, vhost: v.name }, v.messagesReady);
    for (const n of h.nodes) {
      const node = n.host;
      nodeUp.set({ cluster, node, type: n.type ?? "", rabbitmq_version: n.rabbitmqVersion ?? "", erlang_version: n.erlangVersion ?? "" }, b(n.reachable));
      running.set({ cluster, node }, b(n.running));
      partitioned.set({ cluster, node }, b(n.partitions.length > 0));
      maintenance.set({ cluster, node }, b(n.maintenance));
      for (const res of RESOURCES) alarm.set({ cluster, node, resource: res }, b(n.alarms.includes(res)));
      if (n.lastSeenAt) lastSeen.set({ cluster, host: node }, Date.parse(n.lastSeenAt) / 1000);
      if (n.statsStale || !n.statsAt) continue;
      const set = (gauge: Gauge<"cluster" | "node">, v: number | null | undefined) => { if (v !== null && v !== undefined) gauge.set({ cluster, node }, v); };
      set(memUsed, n.memUsed); set(memLimit, n.memLimit); set(diskFree, n.diskFree); set(diskLimit, n.diskFreeLimit);
      set(fdUsed, n.fdUsed); set(fdTotal, n.fdTotal); set(sockUsed, n.socketsUsed); set(sockTotal, n.socketsTotal); set(uptime, n.uptimeS);
    }
    for (const l of h.loadBalancers) {
      const lb = l.host;
      lbUp.set({ cluster, lb }, b(l.reachable));
      if (l.lastSeenAt && !h.nodes.some((n) => n.host === lb)) lastSeen.set({ cluster, host: lb }, Date.parse(l.lastSeenAt) / 1000);
      if (l.reachable) {
        haproxy.set({ cluster, lb }, b(l.haproxy === "active"));
        keepalived.set({ cluster, lb }, b(l.keepalived === "active"));
      }
      for (const be of l.backends) {
        backendUp.set({ cluster, lb, server: be.server }, b(be.status === "UP"));
        backendStatus.set({ cluster, lb, server: be.server, status: be.status }, 1);
        if (l.reachable) backendSessions.set({ cluster, lb, server: be.server }, be.sessions);
      }
      if (h.vip) vipHolder.set({ cluster, lb, vip: h.vip.address }, b(l.holdsVip));
    }
    if (h.vip) vipHolders.set({ cluster, vip: h.vip.address }, h.vip.owners.length);
  }
  const openCounts = new Map<string, { labels: { cluster: string; kind: string; severity: string; status: string }; n: number }>();
  for (const i of s.incidents) {
    const k = JSON.stringify([i.cluster, i.kind, i.severity, i.status]);
    const e = openCounts.get(k) ?? { labels: { cluster: i.cluster, kind: i.kind, severity: i.severity, status: i.status }, n: 0 };
    e.n++;
    openCounts.set(k, e);
  }
  for (const { labels, n } of openCounts.values()) open.set(labels, n);
  for (const st of ["pending", "sending", "sent", "failed"]) notes.set({ status: st }, s.notifications.find((x) => x.status === st)?.count ?? 0);
  for (const x of s.runs) runs.inc({ cluster: x.cluster, operation: x.operation, status: x.status }, x.count);
  for (const d of s.durations) duration.observe({ operation: d.operation, status: d.status }, d.seconds);
  return r;
}

export async function renderMetrics(s: MetricsSnapshot): Promise<{ contentType: string; body: string }> {
  const r = buildRegistry(s);
  return { contentType: r.contentType, body: await r.metrics() };
}
