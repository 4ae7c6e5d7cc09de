import { describe, expect, it } from "vitest";
import { ClusterSpec, describeChange, diffSpecs, sameSpec, specFromLegacySettings, specFromSetup, specMembers } from "@/lib/inventory/spec";
import { OPERATIONS, findOperation } from "@/lib/ops/registry";
import { planDrill } from "@/lib/ops/operations/failover-drill";
import { planHaproxyUpgrade } from "@/lib/ops/operations/haproxy-upgrade";
import { allSteps } from "@/lib/ops/plan";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import { labCluster, labSpec } from "./support-cluster";

const members = specMembers(labCluster());

describe("the cluster spec", () => {
  it("diffs leaf by leaf, in a stable order, and says it as people read it", () => {
    const a = labSpec();
    const b = labSpec({ loadBalancers: { vip: "10.213.77.101", checkRise: 5 }, rabbitmq: { rabbitmqVersion: "3.10.8-1.1+deb12u1" } });
    expect(diffSpecs(a, b)).toEqual([
      { path: "loadBalancers.checkRise", before: 3, after: 5 },
      { path: "loadBalancers.vip", before: "10.213.77.100", after: "10.213.77.101" },
      { path: "rabbitmq.rabbitmqVersion", before: undefined, after: "3.10.8-1.1+deb12u1" },
    ]);
    expect(diffSpecs(a, b).map(describeChange)).toContain("loadBalancers.vip: 10.213.77.100 → 10.213.77.101");
    expect(sameSpec(a, labSpec())).toBe(true);
    expect(diffSpecs(null, a).length).toBeGreaterThan(10);
    expect(diffSpecs(a, { ...a, loadBalancers: null })).toContainEqual({ path: "loadBalancers", before: a.loadBalancers, after: null });
  });

  it("version 1 from the settings of earlier runs: the load balancers' own run is newer than the setup's step", () => {
    const settings = JSON.stringify({
      setup: { clusterName: "rabbit-wizard", ha: { mode: "all", pattern: "^", policyName: "ha-all" }, manageHostsFile: true, management: true, adminUser: "warren-admin", removeGuest: true, khepri: false, erlangVersion: "1:25.2.3+dfsg-1+deb12u1", loadBalancers: { vip: "10.213.77.100", interface: "eth0", routerId: 51 } },
      "load-balancers": { vip: "10.213.77.120", interface: "eth0", routerId: 52 },
    });
    const { spec, problems } = specFromLegacySettings(settings, members);
    expect(problems).toEqual([]);
    expect(spec!.rabbitmq).toMatchObject({ clusterName: "rabbit-wizard", erlangVersion: "1:25.2.3+dfsg-1+deb12u1" });
    expect(spec!.loadBalancers).toMatchObject({ vip: "10.213.77.120", routerId: 52 });
    expect(spec!.members).toEqual(members);
  });

  it("version 1 from the oldest format (the last setup's options alone); unusable settings are reported, not guessed", () => {
    expect(specFromLegacySettings(JSON.stringify({ clusterName: "old", ha: { mode: "quorum" } }), { ...members, loadBalancers: [] }).spec).toMatchObject({ rabbitmq: { clusterName: "old" }, loadBalancers: null });
    const bad = specFromLegacySettings(JSON.stringify({ setup: { clusterName: "x; rm -rf /", ha: { mode: "all" } } }), members);
    expect(bad.spec).toBeNull();
    expect(bad.problems[0]).toMatch(/clusterName/);
    const lbBad = specFromLegacySettings(JSON.stringify({ setup: { clusterName: "c", ha: { mode: "quorum" }, loadBalancers: { vip: "10.0.0.5", interface: "eth0", routerId: 51 } }, "load-balancers": { vip: "not an ip" } }), members);
    expect(lbBad.spec!.loadBalancers!.vip).toBe("10.0.0.5");
    expect(lbBad.problems[0]).toMatch(/load balancers' last options no longer pass/);
    expect(specFromLegacySettings(null, members)).toEqual({ spec: null, problems: [] });
  });

  it("every operation that changes what setup made says the spec it brings the cluster to; the others change none", () => {
    const c = labCluster({ freeHosts: [{ name: "node6", address: "10.213.77.16" }] });
    const next = (type: string, params: unknown) => findOperation(type)!.nextSpec?.(c, findOperation(type)!.params.parse(params), undefined);
    expect(next("setup", { clusterName: "renamed", ha: { mode: "quorum" }, loadBalancers: { vip: "10.213.77.130", interface: "eth0", routerId: 60 } }))
      .toMatchObject({ rabbitmq: { clusterName: "renamed", ha: { mode: "quorum" } }, loadBalancers: { vip: "10.213.77.130" } });
    // A setup run again without the load-balancer step keeps the load balancers deployed before.
    expect(next("setup", { clusterName: "rabbit-prod", ha: { mode: "all" } })!.loadBalancers!.vip).toBe("10.213.77.100");
    expect(next("load-balancers", { vip: "10.213.77.140", interface: "eth0", routerId: 51 })!.loadBalancers!.vip).toBe("10.213.77.140");
    expect(next("add-node", { host: "node6", type: "disc" })!.members.nodes.map((n) => n.name)).toEqual(["node1", "node2", "node3", "node6"]);
    expect(next("remove-node", { node: "node1" })!.members.nodes).toEqual([{ name: "node2", type: "disc", seed: true }, { name: "node3", type: "ram", seed: false }]);
    expect(next("change-node-type", { node: "node3", type: "disc" })!.members.nodes.find((n) => n.name === "node3")!.type).toBe("disc");
    expect(next("rolling-upgrade", { erlangVersion: "1:25.2.3+dfsg-1+deb12u4" })!.rabbitmq.erlangVersion).toBe("1:25.2.3+dfsg-1+deb12u4");
    expect(next("haproxy-upgrade", { haproxyVersion: "2.6.12-1+deb12u4" })!.loadBalancers!.haproxyVersion).toBe("2.6.12-1+deb12u4");
    const changing = OPERATIONS.filter((o) => o.nextSpec).map((o) => o.type).sort();
    expect(changing).toEqual(["add-node", "change-node-type", "haproxy-upgrade", "load-balancers", "remove-node", "rolling-upgrade", "setup"]);
    // Nothing to change when the cluster was never set up.
    expect(() => findOperation("load-balancers")!.nextSpec!({ ...c, spec: null }, { vip: "10.213.77.140" }, undefined)).toThrow(/not been set up/);
    for (const s of [next("add-node", { host: "node6", type: "disc" }), next("setup", { clusterName: "x", ha: { mode: "quorum" } })]) expect(ClusterSpec.parse(s)).toEqual(s);
  });

  it("planners read the VIP from the spec, never from an operation's old parameters", () => {
    const c = labCluster({ spec: labSpec({ loadBalancers: { vip: "10.213.77.150" } }) });
    const args = (p: { phases: { steps: unknown[] }[] }) => JSON.stringify(allSteps(p as never));
    expect(args(planDrill(c, { fault: "keepalived-stop" }))).toContain("10.213.77.150");
    expect(args(planDrill(c, { fault: "keepalived-stop" }))).not.toContain("10.213.77.100");
    const state = (haproxy: string) => ({ installed: { haproxy }, offered: { haproxy: ["2.6.12-1+deb12u4", "2.6.12-1+deb12u3"] }, active: "active" });
    const f = { nodes: { node4: state("2.6.12-1+deb12u3"), node5: state("2.6.12-1+deb12u3") }, status: null } as unknown as ClusterFacts;
    const up = args(planHaproxyUpgrade(c, { haproxyVersion: "2.6.12-1+deb12u4" }, f, "node4"));
    expect(up).toContain("10.213.77.150");
    expect(up).not.toContain("10.213.77.100");
    expect(() => planDrill({ ...c, spec: labSpec({ loadBalancers: null }) }, { fault: "keepalived-stop" })).toThrow(/not configured/);
  });

  it("a setup's spec records the members as planned, sorted", () => {
    const s = specFromSetup({ clusterName: "c", ha: { mode: "quorum" }, manageHostsFile: true, management: true, adminUser: "a", removeGuest: true, khepri: false }, members, null);
    expect(s.members).toEqual({ nodes: [{ name: "node1", type: "disc", seed: true }, { name: "node2", type: "disc", seed: false }, { name: "node3", type: "ram", seed: false }], loadBalancers: ["node4", "node5"] });
    expect(s.loadBalancers).toBeNull();
  });
});
