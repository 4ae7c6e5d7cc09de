import { describe, expect, it } from "vitest";
import { allSteps, assertWellFormed, type CommandStep, type Plan } from "@/lib/ops/plan";
import type { ClusterInventory } from "@/lib/ops/operation";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { planAddNode } from "@/lib/ops/operations/add-node";
import { planRemoveNode, without } from "@/lib/ops/operations/remove-node";
import { planChangeNodeType } from "@/lib/ops/operations/change-node-type";
import { lastStopped, planClusterStart, planClusterStop, planForceBoot, stopOrder } from "@/lib/ops/operations/cluster-power";
import { planRestart } from "./support-restart";
import { labCluster } from "./support-cluster";

const cluster = (o: Partial<ClusterInventory> = {}): ClusterInventory => labCluster({ freeHosts: [{ name: "node6", address: "10.213.77.16" }], ...o });
const state = (v: { rmq?: string; erl?: string; active?: string; stoppedAt?: number }) => parseNodeState([
  "@@installed", ...(v.rmq ? [`rabbitmq-server ${v.rmq}`] : []), ...(v.erl ? [`erlang-base ${v.erl}`] : []),
  "@@offered", "@@service", `ActiveState=${v.active ?? "active"}`, `InactiveEnterTimestamp=${v.stoppedAt ? `@${v.stoppedAt}` : ""}`, "@@end",
].join("\n"));
const running = { clusterName: "rabbit-prod", discNodes: ["rabbit@node1", "rabbit@node2"], ramNodes: ["rabbit@node3"], runningNodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] } as unknown as NonNullable<ClusterFacts["status"]>;
const facts = (nodes: ClusterFacts["nodes"], status: ClusterFacts["status"] = null): ClusterFacts => ({ nodes, status, statusFrom: status ? "node1" : null, featureFlags: null });
const keys = (p: Plan) => allSteps(p).map((s) => s.key);

describe("node state", () => {
  it("reads packages, offered versions and the service's last stop", () => {
    // "@@installed" holds "name version" for installed packages only: the platform's query filters (debian-version.test.ts).
    const s = parseNodeState("@@installed\nrabbitmq-server 3.10.8-1.1\nerlang-base 1:25.2.3+dfsg-1+deb12u1\n@@offered\nerlang-base 1:25.2.3+dfsg-1+deb12u2\nerlang-base 1:25.2.3+dfsg-1+deb12u1\n@@service\nActiveState=inactive\nInactiveEnterTimestamp=@1795330000\n@@end\n");
    expect(s).toEqual({ installed: { "rabbitmq-server": "3.10.8-1.1", "erlang-base": "1:25.2.3+dfsg-1+deb12u1" }, offered: { "erlang-base": ["1:25.2.3+dfsg-1+deb12u2", "1:25.2.3+dfsg-1+deb12u1"] }, active: "inactive", stoppedAt: 1795330000, complete: true });
    expect(parseNodeState("@@installed\nrabbitmq-server 3.10.8-1.1\n").complete).toBe(false);
    expect(parseNodeState("garbage\n\u0000\n").installed).toEqual({});
  });
});

describe("add a node", () => {
  const f = facts({ node1: state({ rmq: "3.10.8-1.1", erl: "1:25.2.3+dfsg-1+deb12u2" }), node2: state({ rmq: "3.10.8-1.1", erl: "1:25.2.3+dfsg-1+deb12u2" }) }, running);
  it("is the setup of the cluster as it will be, with the versions running now, and both load balancers updated", () => {
    const p = planAddNode(cluster(), { host: "node6", type: "ram" }, f);
    assertWellFormed(p);
    expect(p.type).toBe("add-node");
    const install = allSteps(p).find((s) => s.key === "install:node6") as CommandStep;
    expect(install.argv).toContain("rabbitmq-server=3.10.8-1.1");
    expect(install.argv).toContain("erlang-base=1:25.2.3+dfsg-1+deb12u2");
    expect(allSteps(p).find((s) => s.key === "join:node6") as CommandStep).toMatchObject({ argv: expect.arrayContaining(["--ram", "rabbit@node1"]) });
    const cfg = allSteps(p).find((s) => s.key === "haproxy-cfg:node4");
    expect(cfg?.kind === "file" && cfg.content).toMatch(/server node6 10\.213\.77\.16:5672/);
    // The members get no cookie write, install or join unit again: only the new node does.
    const onMembers = allSteps(p).filter((s) => ["node1", "node2", "node3"].includes(s.host)).map((s) => s.key.split(":")[0]);
    expect([...new Set(onMembers)].sort()).toEqual(["admin_user", "cluster_name", "guest", "hosts", "management", "policy", "ports", "verify"]);
    expect(keys(p).filter((k) => k.endsWith(":node6"))).toEqual(expect.arrayContaining(["cookie:node6", "install:node6", "reset:node6", "join:node6", "start_app:node6"]));
  });
  it("refuses while a member is down or the cluster is partitioned", () => {
    expect(() => planAddNode(cluster(), { host: "node6", type: "disc" }, { ...f, status: { ...running, runningNodes: ["rabbit@node1", "rabbit@node2"] } })).toThrow(/rabbit@node3 is not running in the cluster/);
    expect(() => planAddNode(cluster(), { host: "node6", type: "disc" }, { ...f, status: { ...running, partitions: { "rabbit@node1": ["rabbit@node3"] } } })).toThrow(/partitioned/);
    expect(() => planAddNode(cluster(), { host: "node6", type: "disc" }, { ...f, status: null })).toThrow(/must be running/);
  });
  it("refuses a host in a cluster, a cluster not set up, or nodes on different versions", () => {
    expect(() => planAddNode(cluster(), { host: "node2", type: "disc" }, f)).toThrow(/already a node/);
    expect(() => planAddNode(cluster(), { host: "node9", type: "disc" }, f)).toThrow(/not a host of the inventory that is free/);
    expect(() => planAddNode(cluster({ spec: null }), { host: "node6", type: "disc" }, f)).toThrow(/not been set up/);
    const mixed = facts({ node1: state({ rmq: "3.10.8-1.1", erl: "a" }), node2: state({ rmq: "3.10.8-1.1", erl: "b" }) });
    expect(() => planAddNode(cluster(), { host: "node6", type: "disc" }, mixed)).toThrow(/different erlang-base versions \(a, b\)/);
  });
});

describe("remove a node", () => {
  it("graceful: definitions backed up, out of rotation, HAProxy without it, safe to stop, stop_app + reset (destructive) + disable, verify the rest", () => {
    const p = planRemoveNode(cluster(), { node: "node3", mode: "graceful" });
    assertWellFormed(p);
    expect(keys(p)).toEqual([
      "backup", "quorum-safe:node3", "mirror-safe:node3", "out-of-rotation:node3@node4", "out-of-rotation:node3@node5", "haproxy-cfg:node4", "haproxy-cfg:node5",
      "stop_app:node3", "reset:node3", "disable:node3", "shrink:node3", "verify:node1", "verify:node2",
    ]);
    expect(allSteps(p).find((s) => s.key === "shrink:node3")).toMatchObject({ host: "node1", argv: expect.arrayContaining(["/usr/lib/rabbitmq/bin/rabbitmq-queues", "shrink", "rabbit@node3"]) });
    const cfg = allSteps(p).find((s) => s.key === "haproxy-cfg:node4");
    expect(cfg?.kind === "file" && cfg.content).not.toMatch(/server node3 /);
    expect(allSteps(p).filter((s) => s.destructive).map((s) => s.key)).toEqual(["reset:node3"]);
  });
  it("forced: a running peer forgets it", () => {
    const p = planRemoveNode(cluster(), { node: "node2", mode: "forced" });
    expect(allSteps(p).find((s) => s.key === "forget:node2")).toMatchObject({ host: "node1", argv: expect.arrayContaining(["forget_cluster_node", "rabbit@node2"]) });
  });
  it("the seed's removal hands the seed on; the last disc node is refused with the reason", () => {
    expect(without(cluster(), "node1").nodes.find((n) => n.seed)?.name).toBe("node2");
    const oneDisc = cluster({ nodes: [{ name: "node1", address: "a", type: "disc", seed: true }, { name: "node3", address: "c", type: "ram", seed: false }] });
    expect(() => planRemoveNode(oneDisc, { node: "node1", mode: "graceful" })).toThrow(/last disc node, would leave no disc node/);
  });
});

describe("change a node's type", () => {
  it("a unit stop_app / change_cluster_node_type / start_app between rotation and safety steps, after a backup", () => {
    const p = planChangeNodeType(cluster(), { node: "node3", type: "disc" });
    assertWellFormed(p);
    expect(keys(p)).toEqual(["backup", "quorum-safe:node3", "mirror-safe:node3", "out-of-rotation:node3@node4", "out-of-rotation:node3@node5",
      "stop_app:node3", "change:node3", "start_app:node3", "running:node3", "verify:node1", "verify:node2", "verify:node3", "into-rotation:node3@node4", "into-rotation:node3@node5"]);
  });
  it("never leaves no disc node, keeps the seed disc, and says so", () => {
    expect(() => planChangeNodeType(cluster(), { node: "node1", type: "ram" })).toThrow(/seed, which must stay a disc node/);
    const twoNodes = cluster({ nodes: [{ name: "node1", address: "a", type: "disc", seed: true }, { name: "node2", address: "b", type: "disc", seed: false }] });
    expect(() => planChangeNodeType(twoNodes, { node: "node2", type: "disc" })).toThrow(/already a disc node/);
  });
});

describe("the whole cluster down and up", () => {
  it("backs up, then stops ram nodes first and the seed last, one at a time", () => {
    expect(stopOrder(cluster().nodes).map((n) => n.name)).toEqual(["node3", "node2", "node1"]);
    const p = planClusterStop(cluster());
    expect(p.phases[0].steps.map((s) => s.key)).toEqual(["backup"]);
    expect(p.phases[2]).toMatchObject({ oneHostAtATime: true, order: ["node3", "node2", "node1"] });
  });
  it("starts first the node that stopped last, then the others", () => {
    const f = facts({ node1: state({ active: "inactive", stoppedAt: 100 }), node2: state({ active: "inactive", stoppedAt: 300 }), node3: state({ active: "inactive", stoppedAt: 50 }) });
    expect(lastStopped(cluster(), f).first.name).toBe("node2");
    const p = planClusterStart(cluster(), f);
    expect(p.phases[0].steps.map((s) => s.key)).toEqual(["start:node2"]);
    expect(p.phases[1].steps.map((s) => s.key)).toEqual(["start:node1", "start:node3"]);
  });
  it("refuses when a node cannot be told about, naming force-boot; force-boot is explicit and destructive", () => {
    const f = facts({ node1: state({ active: "inactive", stoppedAt: 100 }), node2: { error: "unreachable" }, node3: state({ active: "inactive" }) });
    expect(() => planClusterStart(cluster(), f)).toThrow(/node2 cannot be reached.*Force-boot a node/);
    const p = planForceBoot(cluster(), { node: "node1" });
    // A backup first when a node still answers (restore-operation.test.ts), then the force_boot.
    expect(allSteps(p)[1]).toMatchObject({ key: "force_boot:node1", destructive: expect.stringMatching(/changes made on the lost node/) });
    expect(() => planForceBoot(cluster(), { node: "node3" })).toThrow(/ram node/);
  });
});

describe("restart a node", () => {
  it("once no queue depends on it alone: out of rotation, restart, back in rotation", () => {
    expect(keys(planRestart(cluster(), "node2"))).toEqual(["quorum-safe:node2", "mirror-safe:node2", "out-of-rotation:node2@node4", "out-of-rotation:node2@node5", "restart:node2", "await:node2", "running:node2", "into-rotation:node2@node4", "into-rotation:node2@node5"]);
  });
});
