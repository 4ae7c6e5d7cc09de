import { describe, expect, it } from "vitest";
import { allSteps, type Plan } from "@/lib/ops/plan";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { planRollingUpgrade, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { planHaproxyUpgrade } from "@/lib/ops/operations/haproxy-upgrade";
import { planDrill } from "@/lib/ops/operations/failover-drill";
import { planClusterStart, planClusterStop, planForceBoot } from "@/lib/ops/operations/cluster-power";
import { planRemoveNode } from "@/lib/ops/operations/remove-node";
import { planChangeNodeType } from "@/lib/ops/operations/change-node-type";
import { planAddNode } from "@/lib/ops/operations/add-node";
import { loadBalancersOperation } from "@/lib/ops/operations/load-balancers";
import { activeHolds, holdGraceMs, HOLD_GRACE_MS, type RunView } from "@/lib/alerts/holds";
import { CHECK_DEFAULTS, markedUpWithinMs } from "@/lib/haproxy/checks";
import { labCluster, labSpec } from "./support-cluster";
import { planRestart } from "./support-restart";

// What each planner declares it takes down on purpose (Phase.expectedOutage),
// and which holds a run has at each moment, from its steps as stored.
const T0 = 1_800_000_000_000;
const c = labCluster({ freeHosts: [{ name: "node6", address: "10.213.77.16" }] });
const OLD_E = "1:25.2.3+dfsg-1+deb12u1", NEW_E = "1:25.2.3+dfsg-1+deb12u2", R = "3.10.8-1.1", H_OLD = "2.6.12-1+deb12u3", H_NEW = "2.6.12-1+deb12u4";
const node = (erl = OLD_E) => parseNodeState(`@@installed\nrabbitmq-server ${R}\nerlang-base ${erl}\nhaproxy ${H_OLD}\n@@offered\nerlang-base ${NEW_E}\nerlang-base ${OLD_E}\nrabbitmq-server ${R}\nhaproxy ${H_NEW}\nhaproxy ${H_OLD}\n@@service\nActiveState=active\n@@end\n`);
const status = parseClusterStatus(JSON.stringify({ cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"], running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] }));
const facts: ClusterFacts = { nodes: { node1: node(), node2: node(), node3: node(), node4: node(), node5: node() }, status, statusFrom: "node1", featureFlags: { quorum_queue: "enabled" } };

/** Which hosts and kinds each phase declares, as "phase title → host:kind,kind". */
const declared = (p: Plan) => p.phases.filter((ph) => ph.expectedOutage?.length).map((ph) => `${ph.title} → ${ph.expectedOutage!.map((d) => `${d.host}${d.untilNextRun ? "(until next run)" : ""}:${d.kinds.join(",")}`).join(" ")}`);
const hostsOf = (p: Plan) => [...new Set(p.phases.flatMap((ph) => ph.expectedOutage ?? []).map((d) => d.host))].sort();

/** A run of `plan` with its steps done up to (not including) `upTo` (a step key), that step running, the rest pending. */
function runAt(plan: Plan, upTo: string | null, o: { status?: string; t?: number; vars?: Record<string, string> } = {}): RunView {
  const keys = allSteps(plan).map((s) => s.key);
  const at = upTo === null ? keys.length : keys.indexOf(upTo);
  if (at < 0) throw new Error(`no step ${upTo}`);
  const t = o.t ?? T0;
  return {
    id: "run1", type: plan.type, title: plan.type, status: o.status ?? (upTo === null ? "succeeded" : "running"), plan, vars: o.vars ?? {},
    steps: keys.map((key, i) => ({ key, status: i < at ? "done" : i === at ? "running" : "pending", startedAt: i <= at ? t - (at - i + 1) * 1000 : null, finishedAt: i < at ? t - (at - i) * 1000 : null })),
  };
}
const held = (r: RunView, now = T0) => activeHolds([r], now).map((h) => `${h.host}:${h.kinds.join(",")}`);

describe("what each planner declares", () => {
  it("restart-node: the node, out of rotation to back in it; not the gates before", () => {
    const p = planRestart(c, "node2");
    expect(hostsOf(p)).toEqual(["cluster", "node2"]);
    expect(p.phases[0].expectedOutage).toBeUndefined();
    expect(declared(p)).toEqual([
      "Out of the load balancers' rotation → node2:node-down,not-in-cluster,backend-down,lb-disagree cluster:disc-redundancy,mirrors-unsynced",
      "Restart rabbit@node2 → node2:node-down,not-in-cluster,backend-down,lb-disagree cluster:disc-redundancy,mirrors-unsynced",
      "Back in the cluster → node2:node-down,not-in-cluster,backend-down,lb-disagree cluster:disc-redundancy,mirrors-unsynced",
      "Back in the load balancers' rotation → node2:node-down,not-in-cluster,backend-down,lb-disagree cluster:disc-redundancy,mirrors-unsynced",
    ]);
  });
  it("rolling upgrade: each node in its own phase, mixed versions for the whole run, pauses included", () => {
    const p = planRollingUpgrade(c, RollingUpgradeParams.parse({ erlangVersion: NEW_E, pauseBetweenNodes: true }), facts);
    const nodePhases = p.phases.filter((ph) => ph.subject);
    expect(nodePhases.map((ph) => [...new Set(ph.expectedOutage!.map((d) => d.host))])).toEqual([["node3", "cluster"], ["node2", "cluster"], ["node1", "cluster"]]);
    for (const ph of nodePhases) expect(ph.expectedOutage!.flatMap((d) => d.kinds)).toEqual(expect.arrayContaining(["node-down", "backend-down", "version-mismatch"]));
    for (const ph of p.phases.filter((x) => x.steps[0].kind === "pause")) expect(ph.expectedOutage).toEqual([{ host: "cluster", kinds: ["version-mismatch"] }]);
  });
  it("rolling upgrade: a node is held only while it is away — not during the gates before, not while the mirrors synchronise after", () => {
    const p = planRollingUpgrade(c, RollingUpgradeParams.parse({ erlangVersion: NEW_E }), facts);
    expect(held(runAt(p, "quorum-safe:node2")).filter((h) => h.startsWith("node2"))).toEqual([]);
    expect(held(runAt(p, "out-of-rotation:node2@node4"))).toEqual(expect.arrayContaining(["node2:node-down,not-in-cluster", "node2:backend-down,lb-disagree", "cluster:disc-redundancy,mirrors-unsynced"]));
    expect(held(runAt(p, "start:node2"))).toContain("node2:node-down,not-in-cluster");
    // Long after it runs again, waiting for the mirrors: node2 down pages; its HAProxy rows (MAINT until the end) and the mirrors are still Warren's.
    const syncing = runAt(p, "synced:node2");
    expect(held(syncing, T0 + 30_000)).not.toContain("node2:node-down,not-in-cluster");
    expect(held(syncing, T0 + 30_000)).toEqual(expect.arrayContaining(["node2:backend-down,lb-disagree", "cluster:disc-redundancy,mirrors-unsynced", "cluster:version-mismatch"]));
  });
  it("cluster stop holds every node until the next run; start holds them while they come back; force-boot its node", () => {
    const stop = planClusterStop(c);
    // The definitions backup before it takes nothing down; the rest holds until the next run.
    expect(stop.phases[0].expectedOutage).toBeUndefined();
    expect(stop.phases.slice(1).every((ph) => ph.expectedOutage?.length && ph.expectedOutage.every((d) => d.untilNextRun))).toBe(true);
    expect(hostsOf(stop)).toEqual(["cluster", "node1", "node2", "node3"]);
    const down = (n: string) => parseNodeState(`@@installed\nrabbitmq-server ${R}\n@@offered\n@@service\nActiveState=inactive\nInactiveEnterTimestamp=@${n === "node1" ? 1795330009 : 1795330000}\n@@end\n`);
    const start = planClusterStart(c, { ...facts, nodes: { node1: down("node1"), node2: down("node2"), node3: down("node3") }, status: null });
    expect(start.phases.every((ph) => hostsOf({ ...start, phases: [ph] }).join() === "cluster,node1,node2,node3")).toBe(true);
    expect(hostsOf(planForceBoot(c, { node: "node2" }))).toEqual(["cluster", "node2"]);
  });
  it("remove, change type, add: the node concerned only", () => {
    expect(hostsOf(planRemoveNode(c, { node: "node3", mode: "graceful" }))).toEqual(["cluster", "node3"]);
    const forced = planRemoveNode(c, { node: "node3", mode: "forced" });
    expect(forced.phases.flatMap((ph) => ph.expectedOutage ?? []).find((d) => d.host === "node3")!.kinds).toContain("node-unreachable");
    expect(hostsOf(planChangeNodeType(c, { node: "node3", type: "disc" }))).toEqual(["cluster", "node3"]);
    const add = planAddNode(c, { host: "node6", type: "disc" }, facts);
    // Every phase holds the joining node; the load-balancer phases also hold the load balancers' reloads.
    expect(add.phases.every((ph) => ph.expectedOutage?.some((d) => d.host === "node6"))).toBe(true);
    expect(hostsOf(add)).toEqual(["VIP", "cluster", "node4", "node5", "node6"]);
  });
  it("load balancers: HAProxy upgrade and deploy hold the load balancers and the VIP; the drill holds the VIP holder's faults", () => {
    const up = planHaproxyUpgrade(c, { haproxyVersion: H_NEW }, facts, "node4");
    expect(up.phases.map((ph) => ph.expectedOutage!.map((d) => d.host))).toEqual([["node4", "node5", "VIP"], ["node4", "node5", "VIP"]]);
    expect(up.phases[0].expectedOutage![0].kinds).toEqual(expect.arrayContaining(["haproxy-down", "keepalived-down", "vip-moved"]));
    const deploy = loadBalancersOperation.plan(c, labSpec().loadBalancers!, undefined);
    expect(hostsOf(deploy)).toEqual(["VIP", "node4", "node5"]);
    const drill = planDrill(c, { fault: "haproxy-kill" });
    expect(drill.phases[0].expectedOutage).toBeUndefined();
    expect(drill.phases[1].expectedOutage!.map((d) => d.host)).toEqual(["{var:owner}", "node4", "node5", "VIP"]);
    expect(drill.phases[1].expectedOutage![0].kinds).toEqual(expect.arrayContaining(["haproxy-down", "lb-unreachable", "vip-moved"]));
  });
});

describe("which holds a run has now", () => {
  const p = planRestart(c, "node2");
  it("none before the phase that declares them starts: the safety gates take nothing down", () => {
    expect(held(runAt(p, "quorum-safe:node2"))).toEqual([]);
  });
  it("from the phase's first step to its last, and a grace after it", () => {
    expect(held(runAt(p, "out-of-rotation:node2@node4"))).toContain("node2:node-down,not-in-cluster,backend-down,lb-disagree");
    expect(held(runAt(p, "restart:node2"))).toContain("node2:node-down,not-in-cluster,backend-down,lb-disagree");
    // Succeeded: the last phase's steps finished a second before now; held until the grace is over.
    const done = runAt(p, null);
    expect(held(done, T0)).toContain("node2:node-down,not-in-cluster,backend-down,lb-disagree");
    expect(held(done, T0 + HOLD_GRACE_MS)).toEqual([]);
    expect(activeHolds([runAt(p, "restart:node2")], T0)[0].label).toBe("restart-node: Restart rabbit@node2");
  });
  it("the grace covers the cluster's HAProxy rise: 10 s with the default checks, longer with slow ones", () => {
    expect(markedUpWithinMs(CHECK_DEFAULTS)).toBe(3600);
    expect(holdGraceMs(CHECK_DEFAULTS)).toBe(HOLD_GRACE_MS);
    expect(holdGraceMs(null)).toBe(HOLD_GRACE_MS);
    const slow = { checkInterMs: 20_000, checkFall: 2, checkRise: 3 };
    expect(holdGraceMs(slow)).toBe(20_000 + 20_000 + 2 * (250 + 20_000) + 5000);
    // A restart's last phase finished 30 s ago: held with the slow checks' grace, not with the default's.
    const done = runAt(p, null, { t: T0 - 29_000 });
    expect(activeHolds([done], T0, holdGraceMs(slow)).map((h) => h.host)).toContain("node2");
    expect(activeHolds([done], T0, holdGraceMs(CHECK_DEFAULTS))).toEqual([]);
  });
  it("a run that failed, was stopped or interrupted holds nothing", () => {
    for (const status of ["failed", "cancelled", "interrupted"]) expect(held(runAt(p, "restart:node2", { status })), status).toEqual([]);
    expect(activeHolds([], T0)).toEqual([]);
  });
  it("a stopped cluster stays held after its run, until the cluster's next run", () => {
    const stopped = runAt(planClusterStop(c), null, { t: T0 - 3600_000 });
    expect(held(stopped)).toEqual(expect.arrayContaining(["node1:node-down,not-in-cluster,backend-down,lb-disagree", "cluster:disc-redundancy,mirrors-unsynced"]));
    const owners = (runs: RunView[]) => [...new Set(activeHolds(runs, T0).map((h) => `${h.runId}:${h.host}`))].sort();
    // A run created after it, not begun (queued, or at its gates before anything stops): the stop still holds.
    const restart2 = (upTo: string) => ({ ...runAt(planRestart(c, "node2"), upTo), id: "run2" });
    expect(owners([{ ...restart2("quorum-safe:node2"), status: "queued" }, stopped])).toEqual(["run1:cluster", "run1:node1", "run1:node2", "run1:node3"]);
    expect(owners([restart2("quorum-safe:node2"), stopped])).toEqual(["run1:cluster", "run1:node1", "run1:node2", "run1:node3"]);
    // A drill in the maintenance window takes over the load balancers only: the stopped nodes stay held.
    const drill = { ...runAt(planDrill(c, { fault: "keepalived-stop" }), null, { t: T0 - 600_000, vars: { owner: "node4" } }), id: "drill" };
    expect(owners([drill, stopped]).filter((h) => h.startsWith("run1:"))).toEqual(["run1:cluster", "run1:node1", "run1:node2", "run1:node3"]);
    // node2's restart reaches the phase that stops it: node2 is its, the others still the stop's.
    expect(owners([restart2("out-of-rotation:node2@node4"), stopped])).toEqual(["run1:node1", "run1:node3", "run2:cluster", "run2:node2"]);
  });
  it("a retried run (queued again, its earlier steps done) holds as its steps say until the runner claims it", () => {
    const r = runAt(p, "restart:node2", { status: "queued" });
    r.steps.find((s) => s.key === "restart:node2")!.status = "pending";
    expect(held(r)).toContain("node2:node-down,not-in-cluster,backend-down,lb-disagree");
  });
  it("the last run's node stays held through its grace when the next run begins (node1 back into rotation while node2 restarts)", () => {
    // CI, 1e5839d: node2's restart was created 0.3 s after node1's succeeded; HAProxy still had node1 MAINT and it paged.
    const first = { ...runAt(planRestart(c, "node1"), null, { t: T0 - 1000 }), id: "run1" };
    const second = { ...runAt(planRestart(c, "node2"), "out-of-rotation:node2@node4"), id: "run2" };
    const hosts = (now: number) => [...new Set(activeHolds([second, first], now).map((h) => `${h.runId}:${h.host}`))];
    expect(hosts(T0)).toEqual(["run2:node2", "run2:cluster", "run1:node1", "run1:cluster"]);
    expect(hosts(T0 + HOLD_GRACE_MS)).toEqual(["run2:node2", "run2:cluster"]);
    // The label people read is the phase in progress, not the lingering one.
    expect(activeHolds([second, first], T0)[0].label).toBe("restart-node: Out of the load balancers' rotation");
  });
  it("a paused rolling upgrade holds the mixed versions, not the node it finished", () => {
    const up = planRollingUpgrade(c, RollingUpgradeParams.parse({ erlangVersion: NEW_E, pauseBetweenNodes: true }), facts);
    const r = runAt(up, "pause:node3", { status: "paused", t: T0 - 60_000 });
    r.steps.find((s) => s.key === "pause:node3")!.status = "waiting";
    expect(held(r)).toEqual(["cluster:version-mismatch"]);
  });
  it("the drill's VIP holder once the run has recorded it", () => {
    const d = planDrill(c, { fault: "keepalived-stop" });
    expect(held(runAt(d, "fault")).map((h) => h.split(":")[0])).toEqual(["node4", "node5", "VIP"]);
    expect(held(runAt(d, "fault", { vars: { owner: "node5" } })).map((h) => h.split(":")[0])).toEqual(["node5", "node4", "node5", "VIP"]);
  });
});
