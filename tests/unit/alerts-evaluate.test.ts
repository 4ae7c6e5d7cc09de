import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseStatCsv } from "@/lib/haproxy/stats";
import { parseNodes, parseOverview, parseVhosts } from "@/lib/rabbitmq/management";
import { emptyWatch, type WatchState } from "@/lib/health/watch";
import { deriveHealth, type Inputs } from "@/lib/health/derive";
import type { ClusterHealth } from "@/lib/health/schema";
import { evaluate, type Change, type EvalInput, type OpenIncident, type RouteView, type Signal, type SilenceView } from "@/lib/alerts/evaluate";
import { ALERT_KINDS, KINDS, kindOfAlarm, alarmHosts, VIP_MOVED_OPEN_MS } from "@/lib/alerts/kinds";
import { effectiveRules } from "@/lib/alerts/rules";
import { emptyVipMemory, healthSignals, runSignals, thresholdSignals, vipSignals } from "@/lib/alerts/signals";
import type { Hold } from "@/lib/alerts/holds";

// The evaluator over health derived from fixtures captured on lab hosts (see
// health.test.ts: HAProxy 2.6.12's `show stat`, RabbitMQ 3.10.8's management
// API), changed the way a fault changes them.
const fx = (f: string) => fs.readFileSync(path.join(__dirname, "../fixtures", f), "utf8");
const T0 = 1_800_000_000_000;

function inputs(now = T0): Inputs {
  const watch = (units: Record<string, string>, extra: Partial<WatchState> = {}): WatchState => ({ ...emptyWatch(), lastTickAt: now - 300, units, ...extra });
  const stats = parseStatCsv(fx("haproxy-2.6.12-show-stat.csv"));
  const api = () => ({ okAt: now - 200, failedAt: null, error: null, overview: parseOverview(fx("rabbitmq-3.10-api-overview.json")), localAlarms: [] as string[] });
  return {
    clusterId: "c1", now, vip: "10.213.77.100", since: new Map(), queues: [], startedAt: now - 60_000,
    nodes: [{ name: "node1", type: "disc", watch: watch({ "rabbitmq-server": "active" }), api: api() }, { name: "node2", type: "disc", watch: watch({ "rabbitmq-server": "active" }), api: api() }],
    loadBalancers: [
      { name: "node3", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.13", "10.213.77.100"], vrrp: { state: "MASTER", priority: 150 } }) },
      { name: "node4", watch: watch({ haproxy: "active", keepalived: "active" }, { stats, addresses: ["10.213.77.14"], vrrp: { state: "BACKUP", priority: 140 } }) },
    ],
    clusterView: { at: now - 500, from: "node1", nodes: parseNodes(fx("rabbitmq-3.10-api-nodes.json")) },
  };
}

/** node2's broker killed (as the watch and the management API see it within a second). */
function killNode2(i: Inputs) {
  i.nodes[1].watch.units["rabbitmq-server"] = "failed";
  i.nodes[1].api.failedAt = i.now - 100;
  return i;
}

const ROUTE: RouteView = { id: "r1", clusterId: null, channelId: "hook", minSeverity: "warning", repeatMinutes: 60 };

/** Runs the evaluator over successive moments like the engine does: open incidents carried between calls. */
class Sim {
  open = new Map<OpenIncident["kind"], OpenIncident>();
  firstSeen = new Map<string, number>();
  log: Change[] = [];
  private n = 0;
  constructor(public o: Partial<EvalInput> = {}) {}
  step(signals: Signal[], now: number, extra: Partial<EvalInput> = {}): Change[] {
    const changes = evaluate({
      clusterId: "c1", now, signals, settled: true, nodeHosts: new Set(["node1", "node2", "node3"]), rules: effectiveRules(), silences: [], holds: [], routes: [ROUTE],
      open: this.open, firstSeen: this.firstSeen, newId: () => `inc${++this.n}`, ...this.o, ...extra,
    });
    for (const c of changes) {
      if (c.resolvedAt !== null) this.open.delete(c.incident.kind);
      else this.open.set(c.incident.kind, c.incident);
    }
    this.log.push(...changes);
    return changes;
  }
  pages() { return this.log.flatMap((c) => c.deliveries.map((d) => `${c.incident.kind} ${d.transition}`)); }
}

const health = (i: Inputs) => deriveHealth(i);
const sig = (h: ClusterHealth) => healthSignals(h) ?? [];

describe("alert kinds", () => {
  it("every alarm id the live view makes has a kind; unknown ones are 'other', never dropped", () => {
    const nodes = new Set(["node1", "node2"]);
    const cases: Record<string, string> = {
      "node-down:node2": "node-down", "unreachable:node2": "node-unreachable", "unreachable:node4": "lb-unreachable", "not-in-cluster:node1": "not-in-cluster",
      "api-auth:node1": "api-auth", "partition:node1": "partition", "alarm-memory:node2": "resource-alarm", "alarm-disk:node2": "resource-alarm",
      "last-disc": "disc-redundancy", "one-disc": "disc-redundancy", versions: "version-mismatch", mirrors: "mirrors-unsynced", "haproxy:node4": "haproxy-down",
      "keepalived:node4": "keepalived-down", "vrrp-fault:node4": "vrrp-fault", "backend:node4/node2": "backend-down", "disagree:node4/node2": "lb-disagree",
      "vip-none": "vip-none", "vip-split": "vip-split", "vip-moved:node4": "vip-moved", "run-failed:r1": "run-failed", "fd-high:node1": "fd-high",
      "messages-ready:/": "messages-ready", "something-new:x": "other",
    };
    for (const [id, kind] of Object.entries(cases)) expect(kindOfAlarm(id, nodes), id).toBe(kind);
    expect(alarmHosts("backend:node4/node2", "node4")).toEqual(["node2", "node4"]);
    expect(alarmHosts("vip-none", "VIP")).toEqual(["VIP"]);
    // Every kind has a title, a default and, where it has a threshold, bounds around its default.
    for (const k of ALERT_KINDS) {
      expect(KINDS[k].title.length, k).toBeGreaterThan(3);
      if (KINDS[k].threshold) expect(KINDS[k].threshold!.default).toBeGreaterThanOrEqual(KINDS[k].threshold!.min);
    }
    // The fast ones fire at once: a killed node, a host not seen, a moved VIP, a failed run.
    for (const k of ["node-down", "node-unreachable", "vip-moved", "vip-split", "run-failed", "partition"] as const) expect(KINDS[k].forS, k).toBe(0);
  });
});

describe("grouping: one incident per cluster and kind", () => {
  it("a killed node pages once; its HAProxy rows are part of it; a second node joins as an update; it resolves when the last clears", () => {
    const s = new Sim();
    const i = killNode2(inputs());
    let c = s.step(sig(health(i)), T0);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ type: "firing", created: true, incident: { kind: "node-down", severity: "critical", status: "firing", title: "RabbitMQ nodes down" }, deliveries: [{ channelId: "hook", transition: "firing" }] });
    expect(c[0].incident.members.map((m) => m.id)).toEqual(["node-down:node2"]);
    // HAProxy marks it DOWN and disagrees: consequences of the same fault, no incident of their own.
    const down = parseStatCsv(fx("haproxy-2.6.12-show-stat-node2-down.csv"));
    for (const l of i.loadBalancers) l.watch.stats = down;
    const later = { ...i, now: T0 + 8000, nodes: i.nodes.map((n) => ({ ...n, watch: { ...n.watch, lastTickAt: T0 + 7800 } })), loadBalancers: i.loadBalancers.map((l) => ({ ...l, watch: { ...l.watch, lastTickAt: T0 + 7800 } })) };
    const h = health(later);
    expect(h.alarms.map((a) => a.id)).toEqual(expect.arrayContaining(["backend:node3/node2"]));
    c = s.step(sig(h), T0 + 8000);
    expect(c.flatMap((x) => x.deliveries)).toEqual([]);
    expect([...s.open.keys()]).toEqual(["node-down"]);
    // Another node goes: the same incident, an update to who was paged.
    c = s.step([...sig(h), { id: "node-down:node1", severity: "critical", subject: "node1", message: "rabbit@node1 is not running" }], T0 + 9000);
    expect(c).toHaveLength(1);
    expect(c[0]).toMatchObject({ type: "update", created: false, deliveries: [{ channelId: "hook", transition: "update" }] });
    expect(c[0].incident.members.map((m) => m.id)).toEqual(["node-down:node2", "node-down:node1"]);
    expect(c[0].incident.summary).toBe("RabbitMQ nodes down: node2, node1");
    // node1 back: the incident changes, nobody is paged; node2 back: resolved, to the channel that was paged.
    c = s.step(sig(h), T0 + 10_000);
    expect(c[0]).toMatchObject({ type: "changed", deliveries: [] });
    c = s.step([], T0 + 11_000);
    expect(c[0]).toMatchObject({ type: "resolved", resolvedAt: T0 + 11_000, deliveries: [{ channelId: "hook", transition: "resolved" }] });
    expect(s.open.size).toBe(0);
    expect(s.pages()).toEqual(["node-down firing", "node-down update", "node-down resolved"]);
  });

  it("nothing changes, nothing is written: the same alarm every second is not a transition", () => {
    const s = new Sim();
    const signals = sig(health(killNode2(inputs())));
    expect(s.step(signals, T0)).toHaveLength(1);
    for (let t = 1; t < 30; t++) expect(s.step(signals, T0 + t * 1000)).toEqual([]);
  });

  it("words that change every second (a host's 'last seen', a value) are stored quietly: no transition, no page, the latest words kept", () => {
    const s = new Sim();
    const unseen = (n: number): Signal => ({ id: "unreachable:node2", severity: "critical", subject: "node2", message: `Warren cannot reach node2 (last seen ${n} s ago)` });
    const first = s.step([unseen(3)], T0);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({ type: "firing", seq: 1 });
    for (let t = 1; t < 60; t++) {
      const c = s.step([unseen(3 + t)], T0 + t * 1000);
      expect(c).toHaveLength(1);
      expect(c[0]).toMatchObject({ quiet: true, seq: 1, deliveries: [] });
      expect(c[0].incident.members[0].message).toBe(`Warren cannot reach node2 (last seen ${3 + t} s ago)`);
    }
    // A real change is still a transition: node3 joins.
    const joined = s.step([unseen(63), { id: "unreachable:node3", severity: "critical", subject: "node3", message: "Warren cannot reach node3 (last seen 3 s ago)" }], T0 + 60_000);
    expect(joined[0]).toMatchObject({ type: "update", seq: 2 });
    expect(joined[0].quiet).toBeUndefined();
    expect(s.log.filter((c) => !c.quiet).map((c) => c.type)).toEqual(["firing", "update"]);
  });

  it("a backend down while its node is fine is an incident of its own, after its 'for' (5 s)", () => {
    const s = new Sim();
    const b: Signal = { id: "backend:node3/node1", severity: "critical", subject: "node3", message: "node3 has node1 MAINT" };
    expect(s.step([b], T0)).toEqual([]);
    expect(s.step([b], T0 + 4900)).toEqual([]);
    expect(s.step([b], T0 + 5000)[0]).toMatchObject({ type: "firing", incident: { kind: "backend-down" } });
  });

  it("a node back from a crash that HAProxy still has DOWN starts the backend's 'for' then, not when HAProxy first marked it (bench alerts: a false page)", () => {
    const s = new Sim();
    const nodeDown: Signal = { id: "node-down:node3", severity: "critical", subject: "node3", message: "rabbit@node3 is not running" };
    // HAProxy's row has said DOWN since T0 + 2 s (the health model's since); node3 is down for 18 s.
    const b: Signal = { id: "backend:node4/node3", severity: "warning", subject: "node4", message: "node4 has node3 DOWN (L4CON)", since: T0 + 2000 };
    s.step([nodeDown], T0);
    for (let t = 2; t <= 20; t++) s.step([nodeDown, b], T0 + t * 1000);
    // node3 runs again; HAProxy's checks need a few seconds to rise: not a page.
    const back = s.step([b], T0 + 21_000);
    expect(back.map((c) => `${c.incident.kind} ${c.type}`)).toEqual(["node-down resolved"]);
    for (let t = 22; t < 26; t++) expect(s.step([b], T0 + t * 1000)).toEqual([]);
    expect(s.pages()).toEqual(["node-down firing", "node-down resolved"]);
    // Still DOWN 5 s after node3 came back: a problem of its own, paged.
    expect(s.step([b], T0 + 26_000)[0]).toMatchObject({ type: "firing", incident: { kind: "backend-down" } });
    expect(s.open.get("backend-down")!.members[0].since).toBe(T0 + 21_000);
  });
});

describe("'for' durations, severities and rules", () => {
  const nic: Signal = { id: "not-in-cluster:node1", severity: "warning", subject: "node1", message: "rabbit@node1 runs, but the other nodes do not list it" };
  it("a condition shorter than its 'for' never fires; one that comes back starts its 'for' again", () => {
    const s = new Sim();
    expect(s.step([nic], T0)).toEqual([]);
    expect(s.step([nic], T0 + 9000)).toEqual([]);
    expect(s.step([], T0 + 9500)).toEqual([]);
    expect(s.step([nic], T0 + 10_000)).toEqual([]);
    expect(s.step([nic], T0 + 19_999)).toEqual([]);
    expect(s.step([nic], T0 + 20_000)[0]).toMatchObject({ type: "firing", incident: { kind: "not-in-cluster", severity: "warning" } });
  });
  it("an alarm raised before a restart of Warren counts from when it was raised", () => {
    const s = new Sim();
    expect(s.step([{ ...nic, since: T0 - 10_000 }], T0)[0]).toMatchObject({ type: "firing" });
  });
  it("a cluster's overrides: disabled, another 'for', another severity; a route's minimum severity", () => {
    const rules = effectiveRules([{ kind: "not-in-cluster", enabled: null, severity: "critical", forSeconds: 0, threshold: null }, { kind: "node-down", enabled: false, severity: null, forSeconds: null, threshold: null }]);
    const s = new Sim({ rules, routes: [{ ...ROUTE, minSeverity: "critical" }] });
    const c = s.step([nic, { id: "node-down:node2", severity: "critical", subject: "node2", message: "down" }], T0);
    expect(c.map((x) => `${x.incident.kind} ${x.incident.severity} ${x.deliveries.length}`)).toEqual(["not-in-cluster critical 1"]);
    // A warning does not reach a critical-only route: the incident is recorded, nobody is paged.
    const w = new Sim({ routes: [{ ...ROUTE, minSeverity: "critical" }] });
    expect(w.step([{ ...nic, since: T0 - 60_000 }], T0)[0]).toMatchObject({ type: "firing", deliveries: [] });
    // Disabling a kind resolves its open incident.
    const d = new Sim();
    d.step([{ id: "node-down:node2", severity: "critical", subject: "node2", message: "down" }], T0);
    expect(d.step([{ id: "node-down:node2", severity: "critical", subject: "node2", message: "down" }], T0 + 1000, { rules: effectiveRules([{ kind: "node-down", enabled: false, severity: null, forSeconds: null, threshold: null }]) })[0]).toMatchObject({ type: "resolved" });
  });
  it("the live view's severity where the kind defers to it; a rise to critical pages again", () => {
    const s = new Sim();
    const lb: Signal = { id: "unreachable:node4", severity: "warning", subject: "node4", message: "Warren cannot reach load balancer node4; clients are served through node3" };
    expect(s.step([lb], T0)[0]).toMatchObject({ incident: { kind: "lb-unreachable", severity: "warning" }, deliveries: [{ transition: "firing" }] });
    expect(s.step([{ ...lb, severity: "critical" }], T0 + 1000)[0]).toMatchObject({ type: "update", incident: { severity: "critical" }, deliveries: [{ transition: "update" }] });
  });
});

describe("repeats and resolution", () => {
  const down: Signal = { id: "node-down:node2", severity: "critical", subject: "node2", message: "down" };
  it("repeats on each route's interval while it lasts; 0 never repeats; resolved goes only where firing went", () => {
    const s = new Sim({ routes: [ROUTE, { id: "r2", clusterId: "c1", channelId: "mail", minSeverity: "critical", repeatMinutes: 0 }, { id: "r3", clusterId: "other", channelId: "elsewhere", minSeverity: "warning", repeatMinutes: 1 }] });
    expect(s.step([down], T0)[0].deliveries).toEqual([{ channelId: "hook", transition: "firing" }, { channelId: "mail", transition: "firing" }]);
    expect(s.step([down], T0 + 59 * 60_000)).toEqual([]);
    expect(s.step([down], T0 + 60 * 60_000)[0]).toMatchObject({ type: "repeat", deliveries: [{ channelId: "hook", transition: "repeat" }] });
    expect(s.step([down], T0 + 100 * 60_000)).toEqual([]);
    expect(s.step([down], T0 + 120 * 60_000)[0].deliveries).toEqual([{ channelId: "hook", transition: "repeat" }]);
    expect(s.step([], T0 + 121 * 60_000)[0].deliveries).toEqual([{ channelId: "hook", transition: "resolved" }, { channelId: "mail", transition: "resolved" }]);
  });
  it("an incident that never paged (held all along) resolves without a notification", () => {
    const holds: Hold[] = [{ host: "node2", kinds: ["node-down"], runId: "r", label: "Restart RabbitMQ on a node: Restart rabbit@node2" }];
    const s = new Sim({ holds });
    expect(s.step([down], T0)[0]).toMatchObject({ type: "held", incident: { status: "held", firedAt: null }, deliveries: [] });
    expect(s.step([], T0 + 5000)[0]).toMatchObject({ type: "resolved", deliveries: [] });
  });
  it("while the watches are new (Warren restarted) members may join but none leaves: no resolved-then-firing again", () => {
    const s = new Sim();
    s.step([down], T0);
    expect(s.step([], T0 + 1000, { settled: false })).toEqual([]);
    expect(s.open.get("node-down")?.members.map((m) => m.id)).toEqual(["node-down:node2"]);
    expect(s.step([down], T0 + 25_000)).toEqual([]);
    expect(s.pages()).toEqual(["node-down firing"]);
  });
});

describe("silences", () => {
  const down: Signal = { id: "node-down:node2", severity: "critical", subject: "node2", message: "down" };
  const silence = (o: Partial<SilenceView> = {}): SilenceView => ({ id: "s1", host: "node2", kind: null, startsAt: T0 - 1000, endsAt: T0 + 60_000, reason: "disk swap", createdBy: "ops", ...o });
  it("a silenced incident is recorded and shown as silenced, not sent; once the silence ends it pages", () => {
    const s = new Sim({ silences: [silence()] });
    const c = s.step([down], T0);
    expect(c[0]).toMatchObject({ type: "silenced", incident: { status: "silenced" }, deliveries: [] });
    expect(c[0].incident.members[0].silenced).toMatch(/silenced by ops until .*: disk swap/);
    expect(s.step([down], T0 + 30_000)).toEqual([]);
    expect(s.step([down], T0 + 60_000)[0]).toMatchObject({ type: "firing", incident: { status: "firing" }, deliveries: [{ transition: "firing" }] });
  });
  it("by host and kind: another node, or another kind on the same node, still pages", () => {
    const s = new Sim({ silences: [silence({ kind: "node-down" })] });
    const c = s.step([down, { id: "node-down:node1", severity: "critical", subject: "node1", message: "down" }, { id: "partition:node2", severity: "critical", subject: "node2", message: "partitioned" }], T0);
    expect(c.map((x) => `${x.incident.kind} ${x.incident.status} ${x.deliveries.length}`).sort()).toEqual(["node-down firing 1", "partition firing 1"]);
    expect(s.open.get("node-down")!.members.find((m) => m.id === "node-down:node2")!.silenced).toBeTruthy();
    // A silence of node2 covers HAProxy's rows about node2 too.
    const b = new Sim({ silences: [silence()] });
    expect(b.step([{ id: "backend:node4/node2", severity: "warning", subject: "node4", message: "MAINT" }], T0 + 5000, { firstSeen: new Map([["backend:node4/node2", T0]]) })[0]).toMatchObject({ incident: { status: "silenced" } });
  });
});

describe("Warren's own work does not page", () => {
  const holds: Hold[] = [{ host: "node2", kinds: ["node-down", "not-in-cluster", "backend-down", "lb-disagree"], runId: "r", label: "Rolling upgrade of Erlang: node2 (disc)" }];
  const down = (n: string): Signal => ({ id: `node-down:${n}`, severity: "critical", subject: n, message: `rabbit@${n} is not running` });
  it("the node an operation takes down is held; a different node failing meanwhile pages at once, exactly once", () => {
    const s = new Sim({ holds });
    expect(s.step([down("node2")], T0)[0]).toMatchObject({ type: "held", deliveries: [] });
    expect(s.open.get("node-down")!.members[0].held).toMatch(/held: Warren's own work \(Rolling upgrade of Erlang: node2/);
    const c = s.step([down("node2"), down("node3")], T0 + 3000);
    expect(c[0]).toMatchObject({ type: "firing", incident: { status: "firing" }, deliveries: [{ transition: "firing" }] });
    expect(c[0].incident.summary).toBe("rabbit@node3 is not running");
    for (let t = 4; t < 40; t++) s.step([down("node2"), down("node3")], T0 + t * 1000);
    s.step([down("node3")], T0 + 41_000);
    expect(s.pages()).toEqual(["node-down firing"]);
  });
  it("a held node still down when the hold ends pages then", () => {
    const s = new Sim({ holds });
    s.step([down("node2")], T0);
    expect(s.step([down("node2")], T0 + 1000, { holds: [] })[0]).toMatchObject({ type: "firing", deliveries: [{ transition: "firing" }] });
  });
  it("the operation failing pages at once", () => {
    const s = new Sim({ holds });
    const failed = runSignals({ id: "run9", type: "restart-node", title: "Restart RabbitMQ on a node", status: "failed", error: "node2: gave up waiting", finishedAt: T0 });
    const c = s.step([down("node2"), ...failed], T0);
    expect(c.map((x) => `${x.incident.kind} ${x.type} ${x.deliveries.length}`).sort()).toEqual(["node-down held 0", "run-failed firing 1"]);
    expect(c.find((x) => x.incident.kind === "run-failed")!.incident.summary).toBe("Restart RabbitMQ on a node failed: node2: gave up waiting");
    expect(runSignals({ id: "run9", type: "x", title: "x", status: "succeeded", error: null, finishedAt: T0 })).toEqual([]);
  });
  it("a VIP moved during Warren's own work stays held for the minute its alert lasts, after the hold; a later move pages (CI: a move at the end of a setup paged 60 s later)", () => {
    const lbHold: Hold[] = [{ host: "node5", kinds: ["vip-moved"], runId: "r", label: "Set up RabbitMQ: Install HAProxy and Keepalived" }];
    const moved = (at: number): Signal => ({ id: "vip-moved:node5", severity: "warning", subject: "node5", message: "the VIP moved from node5 to node4", since: at });
    const s = new Sim();
    expect(s.step([moved(T0)], T0, { holds: lbHold })[0]).toMatchObject({ type: "held", deliveries: [] });
    // The run is over 10 s later; the move is still remembered, and still Warren's.
    for (let t = 11; t < 60; t++) expect(s.step([moved(T0)], T0 + t * 1000).flatMap((c) => c.deliveries)).toEqual([]);
    // It moves again on its own: that move pages.
    expect(s.step([moved(T0 + 70_000)], T0 + 70_000)[0]).toMatchObject({ type: "firing", deliveries: [{ transition: "firing" }] });
  });
});

describe("signals beside the live view's alarms: thresholds, the VIP, stale data", () => {
  it("thresholds from current node values only", () => {
    const i = inputs();
    const nodes = parseNodes(fx("rabbitmq-3.10-api-nodes.json"));
    nodes[0].fdUsed = 19_000; // of 20 000
    nodes[1].diskFree = 60_000_000; // limit 50 MB
    nodes[1].memUsed = nodes[1].memLimit! * 0.9;
    i.clusterView = { at: i.now - 500, from: "node1", nodes };
    i.vhosts = { at: i.now - 1000, list: parseVhosts('[{"name":"/","messages_ready":250000},{"name":"quiet","messages_ready":3}]') };
    const h = health(i);
    expect(thresholdSignals(h, effectiveRules()).map((x) => x.id).sort()).toEqual(["disk-free-low:node2", "fd-high:node1", "memory-high:node2", "messages-ready:/"]);
    expect(thresholdSignals(h, effectiveRules()).find((x) => x.id === "fd-high:node1")!.message).toBe("node1 uses 19000 of its 20000 file descriptors (95%)");
    // Overrides move the thresholds; a disabled kind raises nothing.
    const rules = effectiveRules([{ kind: "fd-high", enabled: null, severity: null, forSeconds: null, threshold: 96 }, { kind: "messages-ready", enabled: false, severity: null, forSeconds: null, threshold: null }]);
    expect(thresholdSignals(h, rules).map((x) => x.id).sort()).toEqual(["disk-free-low:node2", "memory-high:node2"]);
    // Old values (no current view has them) and unreachable hosts are never evidence.
    const stale = health({ ...i, clusterView: null, lastStats: new Map(nodes.map((n) => [n.name, { at: i.now - 60_000, stats: n }])), vhosts: { at: i.now - 60_000, list: i.vhosts.list } });
    expect(stale.nodes[0]).toMatchObject({ statsStale: true, fdUsed: 19_000 });
    expect(thresholdSignals(stale, effectiveRules())).toEqual([]);
    i.nodes[0].watch.lastTickAt = i.now - 9000;
    expect(thresholdSignals(health(i), effectiveRules()).map((x) => x.id)).not.toContain("fd-high:node1");
  });
  it("the live view's alarms are evidence only once it has answered, and never before the first setup", () => {
    const unknown = health({ ...inputs(), nodes: inputs().nodes.map((n) => ({ ...n, watch: emptyWatch() })), loadBalancers: inputs().loadBalancers.map((l) => ({ ...l, watch: emptyWatch() })), startedAt: T0 - 1000 });
    expect(unknown.status).toBe("unknown");
    expect(healthSignals(unknown)).toBeNull();
    expect(healthSignals(health({ ...killNode2(inputs()), setUp: false }))).toEqual([]);
    expect(thresholdSignals(health({ ...inputs(), setUp: false }), effectiveRules())).toEqual([]);
  });
  it("a moved VIP is an alert for a minute; the first holder seen is not a move", () => {
    const mem = emptyVipMemory();
    const i = inputs();
    expect(vipSignals(health(i), mem, T0)).toEqual([]);
    i.loadBalancers[0].watch.addresses = ["10.213.77.13"];
    i.loadBalancers[1].watch.addresses = ["10.213.77.14", "10.213.77.100"];
    i.loadBalancers[1].watch.addressesAt = T0;
    const moved = vipSignals(health(i), mem, T0 + 250);
    expect(moved).toEqual([expect.objectContaining({ id: "vip-moved:node3", since: T0 + 250, label: "node3 → node4", message: "the VIP 10.213.77.100 moved from node3 to node4" })]);
    expect(vipSignals(health(i), mem, T0 + 250 + VIP_MOVED_OPEN_MS - 1)).toHaveLength(1);
    expect(vipSignals(health(i), mem, T0 + 250 + VIP_MOVED_OPEN_MS)).toEqual([]);
    const s = new Sim();
    expect(s.step(moved, T0 + 250)[0]).toMatchObject({ type: "firing", incident: { kind: "vip-moved", severity: "warning", members: [{ hosts: ["node3"] }] } });
  });
});
