import { describe, expect, it } from "vitest";
import { allSteps, assertWellFormed, type CommandStep } from "@/lib/ops/plan";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { planRollingUpgrade, preChecks, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { planHaproxyUpgrade } from "@/lib/ops/operations/haproxy-upgrade";
import { erlangSupported, missingFlags, upgradePath } from "@/lib/rabbitmq/versions";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { labCluster } from "./support-cluster";

const OLD_E = "1:25.2.3+dfsg-1+deb12u1", NEW_E = "1:25.2.3+dfsg-1+deb12u2", R = "3.10.8-1.1";
const H_OLD = "2.6.12-1+deb12u3", H_NEW = "2.6.12-1+deb12u4";
const cluster = labCluster();
const node = (erl = OLD_E, active = "active", offered = [NEW_E, OLD_E]) => parseNodeState(
  `@@installed\nrabbitmq-server ${R}\nerlang-base ${erl}\n@@offered\n${offered.map((v) => `erlang-base ${v}`).join("\n")}\nrabbitmq-server ${R}\n@@service\nActiveState=${active}\n@@end\n`);
const status = (over: Record<string, unknown> = {}) => parseClusterStatus(JSON.stringify({
  cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"],
  running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [], ...over,
}));
const facts = (nodes: ClusterFacts["nodes"] = { node1: node(), node2: node(), node3: node() }, st = status()): ClusterFacts => ({ nodes, status: st, statusFrom: "node1", featureFlags: { quorum_queue: "enabled" } });
const params = (o: Record<string, unknown>) => RollingUpgradeParams.parse(o);

describe("version rules", () => {
  it("one release series at a time, patches freely, never down", () => {
    expect(upgradePath("3.10.8-1.1", "3.10.25")).toEqual({ ok: true, hop: null });
    expect(upgradePath("3.10.8", "3.11.2")).toMatchObject({ ok: true });
    expect(upgradePath("3.11.2", "3.12.0")).toMatchObject({ ok: false, reason: expect.stringMatching(/from 3\.11\.18 or later/) });
    const v = upgradePath("3.10.8-1.1", "4.0.5-6+deb13u2");
    expect(v).toMatchObject({ ok: false, reason: expect.stringMatching(/goes through 3\.11, 3\.12, 3\.13 first \(3\.12 needs 3\.11\.18 or later\)/) });
    expect(upgradePath("3.12.1", "3.11.5")).toMatchObject({ ok: false, reason: expect.stringMatching(/does not support downgrades/) });
  });
  it("Erlang per RabbitMQ release", () => {
    expect(erlangSupported("3.10.8-1.1", "1:25.2.3+dfsg-1+deb12u2")).toBe(true);
    expect(erlangSupported("3.10.8", "26.0")).toBe(false);
    expect(erlangSupported("4.0.5-6+deb13u2", "1:27.3.4.1+dfsg-1+deb13u3")).toBe(true);
    expect(erlangSupported("2.8.0", "20")).toBeNull();
  });
  it("feature flags before a series change", () => {
    expect(missingFlags("3.11", { a: "enabled", b: "disabled" })).toEqual(["b"]);
    expect(missingFlags("3.11", null)).toBeNull();
    expect(missingFlags("3.10", { b: "disabled" })).toEqual([]);
  });
});

describe("rolling Erlang upgrade", () => {
  it("per node, ram first and the seed last: gates, out of rotation, drain, stop, upgrade, start, back with mirrors synced, in rotation", () => {
    const p = planRollingUpgrade(cluster, params({ erlangVersion: NEW_E, enableFeatureFlags: true }), facts());
    assertWellFormed(p);
    expect(p.phases.map((ph) => ph.title.split(" ")[0])).toEqual(["Back", "node3", "node2", "node1", "Verify:", "Every", "Enable"]);
    // Enabling the feature flags cannot be undone: only when asked for.
    expect(planRollingUpgrade(cluster, params({ erlangVersion: NEW_E }), facts()).phases.map((ph) => ph.title.split(" ")[0])).toEqual(["Back", "node3", "node2", "node1", "Verify:", "Every"]);
    // A node's steps span the node, both load balancers and a peer: strictly one after another.
    expect(p.phases.slice(1, 4).every((ph) => ph.inOrder)).toBe(true);
    expect(p.phases[1].steps.map((s) => s.key)).toEqual([
      "quorum-safe:node3", "mirror-safe:node3", "out-of-rotation:node3@node4", "out-of-rotation:node3@node5", "drain:node3", "stop:node3", "upgrade:node3",
      "start:node3", "rejoined:node3", "running:node3", "healthy:node3", "synced:node3", "into-rotation:node3@node4", "into-rotation:node3@node5",
    ]);
    const up = allSteps(p).find((s) => s.key === "upgrade:node3") as CommandStep;
    expect(up.argv).toContain(`erlang-base=${NEW_E}`);
    expect(up.argv).toContain(`erlang-crypto=${NEW_E}`);
    expect(up.argv).not.toContain(`rabbitmq-server=${R}`);
    expect(p.phases[1].title).toBe(`node3 (ram): Erlang ${OLD_E} → ${NEW_E}`);
    expect(allSteps(p).find((s) => s.key === "rejoined:node3")).toMatchObject({ host: "node1", argv: expect.arrayContaining(["ram", "rabbit@node3"]) });
  });
  it("a node already upgraded (a resumed or repeated upgrade) is left alone; optional pauses between nodes", () => {
    const p = planRollingUpgrade(cluster, params({ erlangVersion: NEW_E, pauseBetweenNodes: true, enableFeatureFlags: false }), facts({ node1: node(), node2: node(NEW_E), node3: node() }));
    assertWellFormed(p);
    expect(p.phases.map((ph) => ph.title.split(" ")[0])).toEqual(["Back", "node3", "Pause", "node1", "Verify:", "Every"]);
    expect(allSteps(p).filter((s) => s.kind === "pause").map((s) => s.key)).toEqual(["pause:node3"]);
  });
  it("refuses with every reason at once", () => {
    const why = preChecks(cluster, params({ erlangVersion: "1:26.0-1" }), facts(
      { node1: node(), node2: { error: "connection refused" }, node3: node(OLD_E, "failed") },
      status({ running_nodes: ["rabbit@node1"], alarms: [{ type: "resource_alarm", resource: "memory", node: "rabbit@node1" }], partitions: { "rabbit@node1": ["rabbit@node3"] } })));
    expect(why.join("\n")).toMatch(/node2 cannot be reached: connection refused/);
    expect(why.join("\n")).toMatch(/node3: rabbitmq-server is failed; every node must run/);
    expect(why.join("\n")).toMatch(/does not offer erlang-base 1:26\.0-1 \(it offers/);
    expect(why.join("\n")).toMatch(/RabbitMQ 3\.10\.8 supports Erlang 24\.2 to 25\.2, not 1:26\.0-1/);
    expect(why.join("\n")).toMatch(/does not list rabbit@node2, rabbit@node3 as running/);
    expect(why.join("\n")).toMatch(/network partitions: rabbit@node1 from rabbit@node3/);
    expect(why.join("\n")).toMatch(/resource alarms in effect: memory on rabbit@node1/);
    expect(preChecks(cluster, params({ erlangVersion: OLD_E }), facts({ node1: node(NEW_E), node2: node(), node3: node() })).join()).toMatch(/newer than .*no downgrades/);
    expect(() => planRollingUpgrade(cluster, params({ erlangVersion: NEW_E }), facts({ node1: node(NEW_E), node2: node(NEW_E), node3: node(NEW_E) }))).toThrow(/every node already runs Erlang/);
  });
  it("a plan to 4.0 from 3.10 is refused naming the hops", () => {
    const n = () => parseNodeState(`@@installed\nrabbitmq-server ${R}\nerlang-base ${OLD_E}\n@@offered\nrabbitmq-server 4.0.5-6+deb13u2\n@@service\nActiveState=active\n@@end\n`);
    expect(preChecks(cluster, params({ rabbitmqVersion: "4.0.5-6+deb13u2" }), facts({ node1: n(), node2: n(), node3: n() })).join("\n"))
      .toMatch(/goes through 3\.11, 3\.12, 3\.13 first \(3\.12 needs 3\.11\.18 or later\)/);
  });
});

describe("rolling HAProxy upgrade", () => {
  const lb = (v = H_OLD) => parseNodeState(`@@installed\nhaproxy ${v}\n@@offered\nhaproxy ${H_NEW}\nhaproxy ${H_OLD}\n@@service\n@@end\n`);
  const f = (a = lb(), b = lb()): ClusterFacts => ({ nodes: { node4: a, node5: b }, status: null, statusFrom: null, featureFlags: null });
  it("the VIP's holder last, handing the VIP over first; exactly one holder checked after each", () => {
    const p = planHaproxyUpgrade(cluster, { haproxyVersion: H_NEW }, f(), "node4");
    assertWellFormed(p);
    expect(p.phases.map((ph) => ph.title.split(":")[0])).toEqual(["node5", "node4"]);
    expect(p.phases[1].steps.map((s) => s.key)).toEqual(["standby:node4", "takeover-priority:node5", "takeover-live:node5", "vip-away:node4", "vip-moved:node4", "save-state:node4", "upgrade:node4", "restart:node4", "serving:node4", "keepalived:node4", "own-priority:node5", "one-holder:node4"]);
    // The taker runs at 254 only for the handover (its skew after the holder's priority-0 advert: under 1 ms), then at its own priority again.
    const conf = (key: string) => (allSteps(p).find((s) => s.key === key) as { content: string }).content;
    expect(conf("takeover-priority:node5")).toMatch(/^\s+priority 254$/m);
    expect(conf("own-priority:node5")).not.toMatch(/priority 254/);
    // The holder stops only once the taker's reload is over (a reloading Keepalived reads no adverts).
    expect(allSteps(p).find((s) => s.key === "takeover-live:node5")).toMatchObject({ kind: "gate", host: "node5", argv: ["sh", "-c", expect.any(String), "priority", "254"] });
    // The load balancer that does not hold the VIP is upgraded without any handover.
    expect(p.phases[0].steps.map((s) => s.key)).not.toContain("takeover-priority:node4");
    expect(p.phases.every((ph) => ph.inOrder)).toBe(true);
    expect(allSteps(p).find((s) => s.key === "vip-moved:node4")).toMatchObject({ across: { hosts: ["node4", "node5"], expect: "exactly-one", not: "node4" } });
  });
  it("refuses without a holder, with one load balancer, or a version not offered", () => {
    expect(() => planHaproxyUpgrade(cluster, { haproxyVersion: H_NEW }, f(), null)).toThrow(/no load balancer holds the VIP/);
    expect(() => planHaproxyUpgrade(cluster, { haproxyVersion: "9.9" }, f(), "node4")).toThrow(/does not offer haproxy 9\.9/);
    expect(() => planHaproxyUpgrade({ ...cluster, loadBalancers: [cluster.loadBalancers[0]] }, { haproxyVersion: H_NEW }, f(), "node4")).toThrow(/two or more load balancers/);
    expect(() => planHaproxyUpgrade(cluster, { haproxyVersion: H_NEW }, f(lb(H_NEW), lb(H_NEW)), "node4")).toThrow(/already runs haproxy/);
  });
});
