import { describe, expect, it } from "vitest";
import { allSteps, changesHost, showHost, showVars, type Plan } from "@/lib/ops/plan";
import { countSteps, countsLine, hostTimes, type SummaryStep } from "@/lib/ops/run-summary";
import { runTitle } from "@/lib/ops/registry";
import { planRollingUpgrade, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { planDrill } from "@/lib/ops/operations/failover-drill";
import { forecastPlan } from "@/lib/ops/forecast";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { FakeHosts } from "../support/memory-store";
import { labCluster } from "./support-cluster";

// What a finished run says about itself (components/ops/run-view.tsx): the
// counts, the title, the time per host and the hosts known only at run time,
// from plans the real planners make and step rows as the engine writes them.
const OLD_E = "1:25.2.3+dfsg-1+deb12u1", NEW_E = "1:25.2.3+dfsg-1+deb12u2", R = "3.10.8-1.1", R_NEW = "3.10.25-1";
const node = (erl = OLD_E, rmq = R) => parseNodeState(
  `@@installed\nrabbitmq-server ${rmq}\nerlang-base ${erl}\n@@offered\nerlang-base ${NEW_E}\nerlang-base ${OLD_E}\nrabbitmq-server ${R_NEW}\nrabbitmq-server ${R}\n@@service\nActiveState=active\n@@end\n`);
const facts = (n = { node1: node(), node2: node(), node3: node() }): ClusterFacts => ({
  nodes: n, statusFrom: "node1", featureFlags: { quorum_queue: "enabled" },
  status: parseClusterStatus(JSON.stringify({ cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"], running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] })),
});
const cluster = labCluster();
const upgrade = (o: Record<string, unknown>) => planRollingUpgrade(cluster, RollingUpgradeParams.parse(o), facts());

/** Step rows of a run that went through `plan`, one second per step, in order (as the engine writes them). */
function rows(plan: Plan, status: (key: string) => string = () => "done"): SummaryStep[] {
  const t0 = Date.parse("2026-12-01T10:00:00Z");
  return plan.phases.flatMap((ph, phase) => ph.steps.map((s) => ({ s, phase }))).map(({ s, phase }, i) => ({
    phase, hostName: s.host, status: status(s.key), changes: changesHost(s),
    startedAt: new Date(t0 + i * 1000).toISOString(), finishedAt: new Date(t0 + i * 1000 + 1000).toISOString(),
  }));
}

describe("a run's counts", () => {
  it("a rolling Erlang upgrade of three nodes changed 24 things, not 49: gates, checks and waits are counted apart", () => {
    const plan = upgrade({ erlangVersion: NEW_E });
    const steps = rows(plan);
    expect(steps).toHaveLength(49);
    // Per node: out of rotation on both load balancers, drain, stop, upgrade, start, back into rotation on both.
    expect(countSteps(steps)).toEqual({ changed: 24, inPlace: 0, checks: 25 });
    expect(countsLine(countSteps(steps), 125_000)).toBe("24 steps changed something on the hosts, 0 were already in place, 25 checks and waits passed; 2 min 05 s in all.");
  });

  it("a step found in place counts as in place, whatever ran around it; one of each reads in the singular", () => {
    const plan = upgrade({ erlangVersion: NEW_E });
    const steps = rows(plan, (k) => (k === "upgrade:node3" ? "skipped" : "done"));
    expect(countSteps(steps)).toEqual({ changed: 23, inPlace: 1, checks: 25 });
    expect(countsLine({ changed: 1, inPlace: 1, checks: 1 }, 4000)).toBe("1 step changed something on the hosts, 1 was already in place, 1 check or wait passed; 4 s in all.");
    // Pending, failed and waiting steps did nothing yet.
    expect(countSteps([{ status: "failed", changes: true }, { status: "pending", changes: true }, { status: "waiting", changes: false }])).toEqual({ changed: 0, inPlace: 0, checks: 0 });
  });

  it("what changes a host: commands that are not read-only checks, files, power commands; never gates or pauses", () => {
    const plan = upgrade({ erlangVersion: NEW_E, pauseBetweenNodes: true });
    const by = (key: string) => changesHost(allSteps(plan).find((s) => s.key === key)!);
    expect(["stop:node2", "upgrade:node2", "out-of-rotation:node2@node4"].map(by)).toEqual([true, true, true]);
    expect(["backup", "synced:node2", "rejoined:node2", "versions:node2", "pause:node3"].map(by)).toEqual([false, false, false, false, false]);
    expect(changesHost({ kind: "local", key: "k", title: "t", host: "", argv: ["power", "stop", "x"] })).toBe(true);
    expect(changesHost({ kind: "file", key: "k", title: "t", host: "h", path: "/p", content: "", mode: "0644" })).toBe(true);
  });
});

describe("a run's title names what it does", () => {
  const params = (o: Record<string, unknown>) => JSON.stringify(RollingUpgradeParams.parse(o));
  it("a rolling upgrade: Erlang, RabbitMQ or both, as asked", () => {
    expect(runTitle("rolling-upgrade", params({ erlangVersion: NEW_E }))).toBe("Rolling upgrade of Erlang");
    expect(runTitle("rolling-upgrade", params({ rabbitmqVersion: R_NEW }))).toBe("Rolling upgrade of RabbitMQ");
    expect(runTitle("rolling-upgrade", params({ erlangVersion: NEW_E, rabbitmqVersion: R_NEW }))).toBe("Rolling upgrade of Erlang and RabbitMQ");
    // Other operations keep their title; unreadable parameters fall back to it.
    expect(runTitle("failover-drill", JSON.stringify({ fault: "keepalived-stop" }))).toBe("Failover drill");
    expect(runTitle("rolling-upgrade", undefined)).toBe("Rolling upgrade (Erlang, RabbitMQ)");
    expect(runTitle("rolling-upgrade", "{not json")).toBe("Rolling upgrade (Erlang, RabbitMQ)");
  });

  it("a version every node already runs is refused, so the title never names a component the run leaves as it is", () => {
    expect(() => upgrade({ erlangVersion: NEW_E, rabbitmqVersion: R })).toThrow(`every node already runs RabbitMQ ${R}: leave it unchanged`);
    expect(() => upgrade({ erlangVersion: NEW_E, rabbitmqVersion: R_NEW })).not.toThrow();
  });
});

describe("time per host", () => {
  it("a node's upgrade counts whole as that node's, its load balancers' steps included; parallel steps count once", () => {
    const plan = upgrade({ erlangVersion: NEW_E });
    const times = hostTimes(rows(plan), plan.phases);
    // 14 one-second steps per node's phase, plus its step in each of the two verifying phases; the backup ran on the seed.
    expect(times).toEqual([{ host: "node1", ms: 17_000 }, { host: "node3", ms: 16_000 }, { host: "node2", ms: 16_000 }]);
    expect(times.map((t) => t.host)).not.toContain("node4");

    const t = (s: number) => new Date(Date.UTC(2026, 11, 1, 10, 0, s)).toISOString();
    const parallel: SummaryStep[] = [
      { phase: 0, hostName: "a", status: "done", changes: true, startedAt: t(0), finishedAt: t(10) },
      { phase: 0, hostName: "a", status: "done", changes: true, startedAt: t(5), finishedAt: t(12) },
      { phase: 0, hostName: "b", status: "done", changes: true, startedAt: t(1), finishedAt: t(3) },
      { phase: 1, hostName: "b", status: "pending", changes: true, startedAt: null, finishedAt: null },
      { phase: 1, hostName: "", status: "done", changes: true, startedAt: t(20), finishedAt: t(30) },
    ];
    expect(hostTimes(parallel, [{}, {}])).toEqual([{ host: "a", ms: 12_000 }, { host: "b", ms: 2000 }]);
  });
});

describe("hosts known only at run time", () => {
  it("the drill's {var:owner} reads as the recorded holder, else as what it stands for", () => {
    const plan = planDrill(cluster, { fault: "keepalived-stop" });
    const fault = allSteps(plan).find((s) => s.key === "fault")!;
    expect(fault.host).toBe("{var:owner}");
    expect(showHost(fault.host, { owner: "node5" }, plan.vars)).toBe("node5");
    expect(showHost(fault.host, {}, plan.vars)).toBe("the VIP holder");
    expect(showHost("node4", { owner: "node5" }, plan.vars)).toBe("node4");
    expect(showVars("power stop {var:owner}", { owner: "node5" }, plan.vars)).toBe("power stop node5");
    expect(showVars("power stop {var:owner}", {}, plan.vars)).toBe("power stop <the VIP holder>");
    // Times of steps on the holder are the holder's.
    const steps = rows(plan).map((s) => ({ ...s }));
    expect(hostTimes(steps, plan.phases, (h) => showHost(h, { owner: "node5" })).map((x) => x.host)).toEqual(["node4", "node5", "node1"]);
  });

  it("the plan's preview asks who would be recorded now (read-only, the gate's own command)", async () => {
    const plan = planDrill(cluster, { fault: "keepalived-stop" });
    const holds = (argv: string[]) => argv[3] === "holds";
    const hosts = new FakeHosts().on("node4", holds, () => ({ exitCode: 1 })).on("node5", holds, () => ({ exitCode: 0, stdout: "node5\n" }));
    const f = await forecastPlan(plan, hosts, {});
    expect(f.owner).toEqual({ state: "wait", found: "node5" });
    // Nothing but reads: the fault and the restore ran nowhere.
    expect(hosts.calls.every((c) => holds(c.argv) || c.argv[0] === "true" || c.argv[0] === "timeout" || c.argv[0] === "systemctl")).toBe(true);
    expect(hosts.calls.some((c) => c.argv.join(" ") === "systemctl stop keepalived")).toBe(false);
    // Nobody or both: nothing to say.
    const both = new FakeHosts().on("*", holds, () => ({ exitCode: 0 }));
    expect((await forecastPlan(plan, both, {})).owner).toEqual({ state: "wait" });
  });
});
