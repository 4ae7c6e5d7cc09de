import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStatCsv } from "@/lib/haproxy/stats";
import { parseNodes, parseOverview } from "@/lib/rabbitmq/management";
import { emptyWatch, type WatchState } from "@/lib/health/watch";
import { deriveHealth, type Inputs } from "@/lib/health/derive";
import { buildRegistry, renderMetrics, RUN_BUCKETS, type MetricsSnapshot } from "@/lib/metrics/exposition";

// /metrics from Warren's own state: health derived from fixtures captured on
// lab hosts (see health.test.ts), open incidents, runs and the outbox.
const fx = (f: string) => fs.readFileSync(path.join(__dirname, "../fixtures", f), "utf8");
const T0 = 1_800_000_000_000;

function inputs(now = T0): Inputs {
  const watch = (units: Record<string, string>, extra: Partial<WatchState> = {}): WatchState => ({ ...emptyWatch(), lastTickAt: now - 300, units, ...extra });
  const api = () => ({ okAt: now - 200, failedAt: null, error: null, overview: parseOverview(fx("rabbitmq-3.10-api-overview.json")), localAlarms: [] as string[] });
  const stats = parseStatCsv(fx("haproxy-2.6.12-show-stat-node2-down.csv"));
  return {
    clusterId: "c1", now, vip: "10.213.77.100", since: new Map(), queues: [], startedAt: now - 60_000,
    nodes: [{ name: "node1", type: "disc", watch: watch({ "rabbitmq-server": "active" }), api: api() }, { name: "node2", type: "disc", watch: watch({ "rabbitmq-server": "failed" }), api: { ...api(), failedAt: now - 100 } }],
    loadBalancers: [
      { name: "node3", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.13", "10.213.77.100"] }) },
      { name: "node4", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.14"] }) },
    ],
    clusterView: { at: now - 500, from: "node1", nodes: parseNodes(fx("rabbitmq-3.10-api-nodes-node2-stopped.json")) },
    vhosts: { at: now - 1000, list: [{ name: "/", messagesReady: 42 }] },
  };
}

/** The text exposition format, line by line: name{labels} value (what Prometheus reads). */
function parse(text: string) {
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  const types = new Map<string, string>();
  for (const line of text.split("\n")) {
    const t = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (t) { types.set(t[1], t[2]); continue; }
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not exposition format: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2].replace(/\\(.)/g, "$1");
    samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  const get = (name: string, where: Record<string, string> = {}) => samples.filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v));
  return { samples, types, get };
}

const snapshot = (over: Partial<MetricsSnapshot> = {}): MetricsSnapshot => ({
  clusters: [{ id: "c1", name: "wizard", health: deriveHealth(inputs()) }, { id: "c2", name: "empty", health: null }],
  incidents: [{ cluster: "wizard", kind: "node-down", severity: "critical", status: "firing" }],
  runs: [{ cluster: "wizard", operation: "setup", status: "succeeded", count: 2 }, { cluster: "wizard", operation: "restart-node", status: "failed", count: 1 }],
  durations: [{ operation: "setup", status: "succeeded", seconds: 95 }, { operation: "setup", status: "succeeded", seconds: 400 }],
  notifications: [{ status: "sent", count: 3 }, { status: "pending", count: 1 }],
  ...over,
});

describe("/metrics", () => {
  it("per node: up, running, alarms, memory, disk, descriptors; type and versions as labels", async () => {
    const m = parse((await renderMetrics(snapshot())).body);
    expect(m.get("warren_node_up", { cluster: "wizard", node: "node1" })).toEqual([{ name: "warren_node_up", labels: { cluster: "wizard", node: "node1", type: "disc", rabbitmq_version: "3.10.8", erlang_version: "25.2.3" }, value: 1 }]);
    expect(m.get("warren_node_running", { node: "node1" })[0].value).toBe(1);
    expect(m.get("warren_node_running", { node: "node2" })[0].value).toBe(0);
    expect(m.get("warren_node_alarm", { node: "node1" }).map((s) => `${s.labels.resource}=${s.value}`)).toEqual(["memory=0", "disk=0"]);
    expect(m.get("warren_node_memory_used_bytes", { node: "node1" })[0].value).toBeGreaterThan(0);
    expect(m.get("warren_node_fd_total", { node: "node1" })[0].value).toBeGreaterThan(0);
    expect(m.get("warren_node_partitioned", { node: "node1" })[0].value).toBe(0);
    expect(m.types.get("warren_node_up")).toBe("gauge");
  });
  it("per load balancer and backend: HAProxy's status; the VIP's holder; alerts, runs and the outbox", async () => {
    const m = parse((await renderMetrics(snapshot())).body);
    expect(m.get("warren_backend_up", { lb: "node3" }).map((s) => `${s.labels.server}=${s.value}`)).toEqual(["node1=1", "node2=0"]);
    expect(m.get("warren_backend_status", { lb: "node3", server: "node2" })[0].labels.status).toBe("DOWN");
    expect(m.get("warren_vip_holder").map((s) => `${s.labels.lb}=${s.value}`)).toEqual(["node3=1", "node4=0"]);
    expect(m.get("warren_vip_holders")[0].value).toBe(1);
    expect(m.get("warren_cluster_status", { cluster: "wizard", status: "critical" })[0].value).toBe(1);
    expect(m.get("warren_cluster_status", { cluster: "empty", status: "unknown" })[0].value).toBe(1);
    expect(m.get("warren_alerts_open")).toEqual([{ name: "warren_alerts_open", labels: { cluster: "wizard", kind: "node-down", severity: "critical", status: "firing" }, value: 1 }]);
    expect(m.get("warren_runs_total", { operation: "setup" })[0]).toMatchObject({ labels: { cluster: "wizard", status: "succeeded" }, value: 2 });
    expect(m.types.get("warren_runs_total")).toBe("counter");
    expect(m.get("warren_run_duration_seconds_count", { operation: "setup" })[0].value).toBe(2);
    expect(m.get("warren_run_duration_seconds_bucket", { operation: "setup", le: "120" })[0].value).toBe(1);
    expect(m.get("warren_run_duration_seconds_bucket", { operation: "setup", le: "+Inf" })[0].value).toBe(2);
    expect(m.get("warren_run_duration_seconds_bucket", { operation: "setup" })).toHaveLength(RUN_BUCKETS.length + 1);
    expect(m.get("warren_notifications").map((s) => `${s.labels.status}=${s.value}`)).toEqual(["pending=1", "sending=0", "sent=3", "failed=0"]);
    expect(m.get("warren_vhost_messages_ready", { vhost: "/" })[0].value).toBe(42);
  });
  it("values no current view has are left out, not shown as current; each scrape starts afresh", async () => {
    const i = inputs();
    const h = deriveHealth({ ...i, clusterView: null, lastStats: new Map(parseNodes(fx("rabbitmq-3.10-api-nodes.json")).map((n) => [n.name, { at: T0 - 60_000, stats: n }])) });
    expect(h.nodes[0].statsStale).toBe(true);
    const m = parse((await renderMetrics(snapshot({ clusters: [{ id: "c1", name: "wizard", health: h }] }))).body);
    expect(m.get("warren_node_memory_used_bytes")).toEqual([]);
    expect(m.get("warren_node_up", { node: "node1" })[0].value).toBe(1);
    // A node gone from the inventory is gone from the next scrape: no registry outlives a scrape.
    const a = buildRegistry(snapshot());
    const b = buildRegistry(snapshot({ clusters: [] }));
    expect((await a.metrics())).toContain('node="node2"');
    expect((await b.metrics())).not.toContain("warren_node_up{");
  });
});
