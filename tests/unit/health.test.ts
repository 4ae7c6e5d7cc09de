import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { backendServers, parseStatCsv, serverStatus } from "@/lib/haproxy/stats";
import { parseNodes, parseOverview, parseQueueSync } from "@/lib/rabbitmq/management";
import { emptyWatch, WatchParser, type WatchState } from "@/lib/health/watch";
import { deriveHealth, type Inputs } from "@/lib/health/derive";
import { sampleOf } from "@/lib/health/history";
import { ClusterHealthSchema, SampleSchema } from "@/lib/health/schema";

// Fixtures captured from lab hosts (Debian 12: HAProxy 2.6.12, RabbitMQ 3.10.8):
//   haproxy-2.6.12-show-stat*.csv       `echo "show stat" | socat stdio unix-connect:/run/haproxy/admin.sock` on a Warren load balancer
//                                       (the -node2-down one with rabbitmq-server stopped on node2)
//   rabbitmq-3.10-api-*.json|txt        curl on a node's loopback, management API (nodes with the columns the collector asks for;
//                                       -memory-alarm with vm_memory_high_watermark set to 0.00001 on node2)
//   watch-*-debian12.txt                the watch script's output for 3 s (lib/health/watch.ts)
const fx = (f: string) => fs.readFileSync(path.join(__dirname, "../fixtures", f), "utf8");

describe("HAProxy statistics CSV", () => {
  it("reads servers, states and counters by column name", () => {
    const rows = parseStatCsv(fx("haproxy-2.6.12-show-stat.csv"));
    const servers = backendServers(rows, "rabbitmq_amqp");
    expect(servers.map((s) => `${s.name} ${s.status} ${s.checkStatus}`)).toEqual(["node1 UP L4OK", "node2 UP L4OK"]);
    expect(rows.find((r) => r.proxy === "amqp" && r.kind === "frontend")?.status).toBe("OPEN");
    expect(servers[0].bytesIn).toBeGreaterThan(0);
    const down = backendServers(parseStatCsv(fx("haproxy-2.6.12-show-stat-node2-down.csv")), "rabbitmq_amqp");
    expect(down.find((s) => s.name === "node2")).toMatchObject({ status: "DOWN", checkStatus: "L4CON" });
  });
  it("knows transitions, maintenance and drain spellings", () => {
    expect(serverStatus("UP 1/3")).toBe("TRANSITION");
    expect(serverStatus("DOWN 1/2")).toBe("TRANSITION");
    expect(serverStatus("MAINT (via rabbitmq_amqp/node1)")).toBe("MAINT");
    expect(serverStatus("DRAIN")).toBe("DRAIN");
    expect(serverStatus("no check")).toBe("NO CHECK");
    expect(serverStatus("")).toBeNull();
  });
  it("columns in another order or fewer columns still parse; garbage and truncation are clear errors or skipped lines", () => {
    const csv = "# svname,pxname,type,status\nnode1,be,2,UP\n";
    expect(parseStatCsv(csv)[0]).toMatchObject({ name: "node1", proxy: "be", status: "UP", sessions: 0 });
    expect(() => parseStatCsv("garbage")).toThrow(/no header line/);
    expect(() => parseStatCsv("# pxname,svname\nx,y\n")).toThrow(/no status column/);
    // Cut in the middle of a row: the rows before it are read, the cut one is skipped.
    const full = fx("haproxy-2.6.12-show-stat.csv");
    const rows = full.split("\n");
    const cut = rows.slice(0, 4).join("\n") + "\n" + rows[4].slice(0, 30);
    expect(parseStatCsv(cut).map((r) => r.name)).toEqual(parseStatCsv(full).slice(0, 3).map((r) => r.name));
    expect(() => parseStatCsv(full.slice(0, 60))).toThrow(/no status column/);
  });
});

describe("management API", () => {
  it("reads the nodes, their types, memory, disk and alarms", () => {
    const nodes = parseNodes(fx("rabbitmq-3.10-api-nodes.json"));
    expect(nodes.map((n) => `${n.name} ${n.type} ${n.running}`)).toEqual(["rabbit@node1 disc true", "rabbit@node2 disc true"]);
    expect(nodes[0].memLimit).toBeGreaterThan(nodes[0].memUsed!);
    expect(nodes[0].beingDrained).toBe(false); // 3.10 has no being_drained column
    expect(parseNodes(fx("rabbitmq-3.10-api-nodes-memory-alarm.json")).find((n) => n.name === "rabbit@node2")?.memAlarm).toBe(true);
    const stopped = parseNodes(fx("rabbitmq-3.10-api-nodes-node2-stopped.json")).find((n) => n.name === "rabbit@node2")!;
    expect(stopped.running).toBe(false);
  });
  it("reads the overview's versions and totals", () => {
    const o = parseOverview(fx("rabbitmq-3.10-api-overview.json"));
    expect(o).toMatchObject({ rabbitmqVersion: "3.10.8", erlangVersion: "25.2.3", node: "rabbit@node1" });
    expect(typeof o.queues).toBe("number");
  });
  it("reads mirror synchronisation, and the shapes of other versions", () => {
    expect(parseQueueSync(fx("rabbitmq-3.10-api-queues.json"))[0]).toMatchObject({ mirrors: 1, synchronised: 1, type: "classic" });
    // 3.8: no 'type' on classic queues; 4.x: quorum queues, no mirrors at all; 3.12+/4.x nodes carry extra keys.
    expect(parseQueueSync('[{"name":"q","vhost":"/","slave_nodes":["rabbit@b"],"synchronised_slave_nodes":[]}]')[0]).toMatchObject({ mirrors: 1, synchronised: 0, type: "classic" });
    expect(parseQueueSync('[{"name":"q","vhost":"/","type":"quorum","members":["rabbit@a","rabbit@b"]}]')[0]).toMatchObject({ mirrors: 0, type: "quorum" });
    const n4 = parseNodes('[{"name":"rabbit@a","type":"disc","running":true,"mem_used":1,"mem_limit":2,"being_drained":true,"cluster_links":[],"metadata_store":"khepri"}]');
    expect(n4[0]).toMatchObject({ beingDrained: true, uptimeS: null, partitions: [] });
  });
  it("garbage and truncated answers are clear errors", () => {
    expect(() => parseNodes("<html>502 Bad Gateway</html>")).toThrow(/node list is not JSON/);
    expect(() => parseNodes(fx("rabbitmq-3.10-api-nodes.json").slice(0, 200))).toThrow(/not JSON/);
    expect(() => parseNodes('{"error":"not_authorised"}')).toThrow(/not a list/);
    expect(() => parseNodes('[{"type":"disc"}]')).toThrow(/has no name/);
    expect(() => parseOverview('{"x":1}')).toThrow(/neither node nor rabbitmq_version/);
    expect(() => parseOverview("")).toThrow(/empty/);
  });
});

describe("the watch command's output", () => {
  it("a load balancer: heartbeat, addresses, VRRP state, units and HAProxy's statistics, however the stream is cut", () => {
    const out = fx("watch-lb-debian12.txt");
    for (const size of [1, 7, 100, out.length]) {
      const p = new WatchParser(["haproxy", "keepalived"], emptyWatch(), () => 1000);
      for (let i = 0; i < out.length; i += size) p.push(out.slice(i, i + size));
      expect(p.state.lastTickAt).toBe(1000);
      expect(p.state.addresses).toContain("10.213.77.13");
      expect(p.state.vrrp).toMatchObject({ state: "BACKUP", priority: 150 });
      expect(p.state.units).toEqual({ haproxy: "active", keepalived: "active" });
      expect(backendServers(p.state.stats!, "rabbitmq_amqp").map((s) => s.status)).toEqual(["UP", "UP"]);
      expect(p.state.lastError).toBeNull();
    }
  });
  it("a node; garbage lines are noted, never thrown; a cut-off statistics block is not applied", () => {
    const p = new WatchParser(["rabbitmq-server"]);
    p.push(fx("watch-node-debian12.txt"));
    expect(p.state.units).toEqual({ "rabbitmq-server": "active" });
    p.push("bash: something odd\n@stat\n# pxname,svname,status,type\nbe,n1,UP,2\n");
    expect(p.state.lastError).toMatch(/unexpected output: bash: something odd/);
    expect(p.state.stats).toBeNull();
    p.push("@end\n");
    expect(p.state.stats?.[0].name).toBe("n1");
    p.push("@stat\nnot,a,csv\n@end\n");
    expect(p.state.lastError).toMatch(/HAProxy stats: no header/);
    expect(p.state.stats?.[0].name).toBe("n1");
  });
  it("a tagged line inside a statistics block is still taken: an address change is never lost in it", () => {
    const p = new WatchParser(["haproxy", "keepalived"]);
    p.push("@addrs 10.213.77.14/24 \n@stat\n# pxname,svname,status,type\n@addrs 10.213.77.14/24 10.213.77.100/24 \nbe,n1,UP,2\n@end\n");
    expect(p.state.addresses).toEqual(["10.213.77.14", "10.213.77.100"]);
    expect(p.state.stats?.map((r) => r.name)).toEqual(["n1"]);
  });
});

function inputs(now = 100_000): Inputs {
  const watch = (units: Record<string, string>, extra: Partial<WatchState> = {}): WatchState => ({ ...emptyWatch(), lastTickAt: now - 300, units, ...extra });
  const stats = parseStatCsv(fx("haproxy-2.6.12-show-stat.csv"));
  const api = () => ({ okAt: now - 200, failedAt: null, error: null, overview: parseOverview(fx("rabbitmq-3.10-api-overview.json")), localAlarms: [] as string[] });
  return {
    clusterId: "c", now, vip: "10.213.77.100", since: new Map(), queues: [],
    nodes: [{ name: "node1", type: "disc", watch: watch({ "rabbitmq-server": "active" }), api: api() }, { name: "node2", type: "disc", watch: watch({ "rabbitmq-server": "active" }), api: api() }],
    loadBalancers: [
      { name: "node3", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.13", "10.213.77.100"], vrrp: { state: "MASTER", priority: 150 } }) },
      { name: "node4", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.14"], vrrp: { state: "BACKUP", priority: 140 } }) },
    ],
    clusterView: { at: now - 500, from: "node1", nodes: parseNodes(fx("rabbitmq-3.10-api-nodes.json")) },
  };
}

describe("derived health and alarms", () => {
  it("a healthy cluster", () => {
    const h = deriveHealth(inputs());
    expect(h.status).toBe("ok");
    expect(h.alarms.map((a) => a.id)).toEqual([]);
    expect(h.vip).toEqual({ address: "10.213.77.100", owners: ["node3"] });
    expect(h.nodes.map((n) => `${n.host} ${n.type} ${n.running} ${n.rabbitmqVersion}`)).toEqual(["node1 disc true 3.10.8", "node2 disc true 3.10.8"]);
    expect(sampleOf(h)).toMatchObject({ up: 2, nodes: 2 });
    // The published response schemas describe exactly what is served (nothing missing, nothing extra).
    expect(ClusterHealthSchema.parse(h)).toEqual(h);
    expect(SampleSchema.parse(sampleOf(h))).toEqual(sampleOf(h));
  });
  it("a killed node is down at once; HAProxy routing to it is a disagreement after HAProxy's grace", () => {
    const i = inputs();
    i.nodes[1].watch.units["rabbitmq-server"] = "activating";
    i.nodes[1].api.failedAt = i.now - 100;
    let h = deriveHealth(i);
    expect(h.status).toBe("critical");
    expect(h.nodes[1]).toMatchObject({ running: false, sources: { unit: "activating", api: "not answering" } });
    expect(h.alarms.map((a) => a.id)).toContain("node-down:node2");
    expect(h.alarms.map((a) => a.id)).not.toContain("disagree:node3/node2");
    h = deriveHealth({ ...i, now: i.now + 7000, nodes: i.nodes.map((n) => ({ ...n, watch: { ...n.watch, lastTickAt: i.now + 6800 } })), loadBalancers: i.loadBalancers.map((l) => ({ ...l, watch: { ...l.watch, lastTickAt: i.now + 6800 } })) });
    expect(h.alarms.find((a) => a.id === "disagree:node3/node2")?.message).toMatch(/node3 still routes clients to node2, which is not running/);
  });
  it("an API answer from the last 2 s round is current; a broker silent for two rounds is no longer 'answering', a refusal is down at once", () => {
    const i = inputs();
    i.nodes[1].api.okAt = i.now - 3900; // asked every 2 s, and the last answer was slow
    expect(deriveHealth(i).nodes[1]).toMatchObject({ running: true, sources: { api: "answering" } });
    i.nodes[1].api.okAt = i.now - 5000;
    expect(deriveHealth(i).nodes[1].sources.api).toBe("unknown");
    i.nodes[1].api.failedAt = i.now - 100;
    expect(deriveHealth(i).nodes[1]).toMatchObject({ running: false, sources: { api: "not answering" } });
  });
  it("a host not heard from yet is connecting (no alarm) for 15 s after watching began, then unreachable", () => {
    const i = inputs();
    i.loadBalancers[1].watch.lastTickAt = null;
    expect(deriveHealth({ ...i, startedAt: i.now - 5000 }).alarms.map((a) => a.id)).not.toContain("unreachable:node4");
    expect(deriveHealth({ ...i, startedAt: i.now - 5000 }).loadBalancers[1].reachable).toBe(false);
    expect(deriveHealth({ ...i, startedAt: i.now - 20_000 }).alarms.find((a) => a.id === "unreachable:node4")?.message).toMatch(/never seen/);
  });
  it("a silent host is unreachable with how long ago it spoke, never shown as healthy", () => {
    const i = inputs();
    i.loadBalancers[0].watch.lastTickAt = i.now - 9000;
    const h = deriveHealth(i);
    expect(h.loadBalancers[0]).toMatchObject({ reachable: false, holdsVip: false, vrrpState: null });
    expect(h.alarms.find((a) => a.id === "unreachable:node3")?.message).toMatch(/last seen 9 s ago/);
    // Its backends stay listed, each UNKNOWN with what HAProxy last said: never "UP" from old data.
    expect(h.loadBalancers[0].backends.length).toBeGreaterThan(0);
    for (const b of h.loadBalancers[0].backends) expect(b).toMatchObject({ status: "UNKNOWN", statusText: expect.stringMatching(/^unknown/) });
  });
  it("the VIP on no host or on two; Keepalived FAULT; memory alarms; versions differing; unsynchronised mirrors", () => {
    const i = inputs();
    i.loadBalancers[0].watch.addresses = ["10.213.77.13"];
    expect(deriveHealth(i).alarms.map((a) => a.id)).toContain("vip-none");
    i.loadBalancers[0].watch.addresses = ["10.213.77.100"];
    i.loadBalancers[1].watch.addresses = ["10.213.77.100"];
    expect(deriveHealth(i).alarms.find((a) => a.id === "vip-split")?.message).toMatch(/node3 and node4 at once/);
    i.loadBalancers[1].watch.vrrp = { state: "FAULT", priority: 140 };
    i.clusterView!.nodes = parseNodes(fx("rabbitmq-3.10-api-nodes-memory-alarm.json"));
    i.nodes[1].api.overview = { ...i.nodes[1].api.overview!, erlangVersion: "26.2" };
    i.queues = [{ name: "orders", vhost: "/", mirrors: 2, synchronised: 1, type: "classic" }];
    const ids = deriveHealth(i).alarms.map((a) => a.id);
    for (const id of ["vrrp-fault:node4", "alarm-memory:node2", "versions", "mirrors"]) expect(ids).toContain(id);
    const h = deriveHealth(i);
    expect(ClusterHealthSchema.parse(h)).toEqual(h);
  });
  it("a power cut of the VIP's holder is no split brain: its last address list is not evidence once the other took the VIP", () => {
    const i = inputs();
    // node3 (the holder) went silent 1.2 s ago, still "reachable" for a little while; node4 took the VIP 0.4 s ago and has spoken since.
    i.loadBalancers[0].watch = { ...i.loadBalancers[0].watch, lastTickAt: i.now - 1200, addressesAt: i.now - 60_000 };
    i.loadBalancers[1].watch = { ...i.loadBalancers[1].watch, addresses: ["10.213.77.14", "10.213.77.100"], addressesAt: i.now - 400, lastTickAt: i.now - 100 };
    const h = deriveHealth(i);
    expect(h.vip).toEqual({ address: "10.213.77.100", owners: ["node4"] });
    expect(h.alarms.map((a) => a.id)).not.toContain("vip-split");
    expect(h.loadBalancers.map((l) => l.holdsVip)).toEqual([false, true]);
    // Both speaking after both took it: that is a split brain, at once.
    i.loadBalancers[0].watch.lastTickAt = i.now - 50;
    expect(deriveHealth(i).alarms.map((a) => a.id)).toContain("vip-split");
  });
  it("one load balancer lost while the other holds the VIP and serves is degraded (a warning), not critical; losing the holder is critical", () => {
    const i = inputs();
    i.loadBalancers[1].watch.lastTickAt = i.now - 9000;
    let h = deriveHealth(i);
    expect(h.alarms.find((a) => a.id === "unreachable:node4")).toMatchObject({ severity: "warning", message: expect.stringMatching(/clients are served through node3/) });
    expect(h.status).toBe("warning");
    i.loadBalancers[1].watch.lastTickAt = i.now - 100;
    i.loadBalancers[1].watch.units.haproxy = "failed";
    expect(deriveHealth(i).alarms.find((a) => a.id === "haproxy:node4")?.severity).toBe("warning");
    // The holder's HAProxy down: clients are refused.
    i.loadBalancers[1].watch.units.haproxy = "active";
    i.loadBalancers[0].watch.units.haproxy = "failed";
    h = deriveHealth(i);
    expect(h.alarms.find((a) => a.id === "haproxy:node3")?.severity).toBe("critical");
    expect(h.status).toBe("critical");
  });
  it("before its first setup a cluster is 'not set up', with no alarms", () => {
    const i = inputs();
    i.loadBalancers[0].watch.units.haproxy = "inactive";
    i.nodes[0].watch.units["rabbitmq-server"] = "inactive";
    const h = deriveHealth({ ...i, setUp: false });
    expect(h.status).toBe("not-set-up");
    expect(h.alarms).toEqual([]);
    expect(deriveHealth({ ...i, setUp: true }).status).toBe("critical");
  });
  it("a node the cluster's view no longer answers for keeps its last values, marked old; they raise no alarm", () => {
    const i = inputs();
    const view = i.clusterView!;
    const lastStats = new Map(view.nodes.map((s) => [s.name, { at: view.at, stats: s }]));
    // 20 s later, no fresh view (a frozen peer holds every /api/nodes answer up).
    const later = { ...i, now: i.now + 20_000, clusterView: view, lastStats,
      nodes: i.nodes.map((n) => ({ ...n, watch: { ...n.watch, lastTickAt: i.now + 19_800 }, api: { ...n.api, okAt: i.now + 19_000 } })),
      loadBalancers: i.loadBalancers.map((l) => ({ ...l, watch: { ...l.watch, lastTickAt: i.now + 19_800 } })) };
    const h = deriveHealth(later);
    const n1 = h.nodes[0];
    expect(n1.memUsed).toBe(view.nodes.find((s) => s.name === "rabbit@node1")!.memUsed);
    expect(n1).toMatchObject({ statsStale: true, statsAt: new Date(view.at).toISOString(), sources: { clusterView: "unknown" } });
    expect(deriveHealth(i).nodes[0]).toMatchObject({ statsStale: false });
    // Old values with a memory alarm in them are not an alarm now.
    const alarmed = parseNodes(fx("rabbitmq-3.10-api-nodes-memory-alarm.json"));
    const h2 = deriveHealth({ ...later, lastStats: new Map(alarmed.map((s) => [s.name, { at: view.at, stats: s }])) });
    expect(h2.alarms.map((a) => a.id).filter((x) => x.startsWith("alarm-memory"))).toEqual([]);
    expect(ClusterHealthSchema.parse(h)).toEqual(h);
  });
});
