// RabbitMQ 4.x beside 3.x: the version rules as data, the setup plan they
// shape, and real 4.0.5 output parsed. Fixtures rabbitmq-4.0-* were captured
// on a Debian 13 lab host (`npm run lab -- up --os debian13`, rabbitmq-server
// 4.0.5-6+deb13u2 installed from the lab repository): cluster_status and
// list_feature_flags / list_deprecated_features / list_vhosts with
// --formatter json, and the management API's /api/nodes (Warren's columns)
// and /api/overview; the three-node ones after the e2e's setup (12-rabbitmq4).
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { judgeSetup, rulesFor, SERIES_RULES } from "@/lib/rabbitmq/series";
import { parseSetupTarget, planSetup, SetupOptions } from "@/lib/ops/operations/setup";
import { allSteps, assertWellFormed, type CommandStep } from "@/lib/ops/plan";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { parseFeatureFlags } from "@/lib/rabbitmq/node-state";
import { parseNodes, parseOverview } from "@/lib/rabbitmq/management";
import { labCluster } from "./support-cluster";

const fx = (f: string) => fs.readFileSync(path.join(__dirname, "../fixtures", f), "utf8");
const CLI = "/usr/lib/rabbitmq/bin/rabbitmqctl";
const cli = (s: CommandStep) => s.argv.slice(s.argv.indexOf(CLI) + 1).join(" ");
const discOnly = () => labCluster({ nodes: labCluster().nodes.map((n) => ({ ...n, type: "disc" as const })), loadBalancers: [] });

describe("which options exist on which version (data)", () => {
  it("are ordered by series, each from a later one than the last", () => {
    const s = SERIES_RULES.map((r) => r.from.split(".").map(Number));
    for (let i = 1; i < s.length; i++) expect(s[i][0] * 100 + s[i][1]).toBeGreaterThan(s[i - 1][0] * 100 + s[i - 1][1]);
  });
  it.each([
    ["3.10.8-1.1+deb12u1", { mirroring: "supported", ramNodes: "supported", vhostDefaultQueueType: false, khepri: "absent" }],
    ["3.12.14", { mirroring: "supported", vhostDefaultQueueType: true, khepri: "absent" }],
    ["3.13.7", { mirroring: "deprecated", ramNodes: "deprecated", khepri: "opt-in" }],
    ["4.0.5-6+deb13u2", { mirroring: "removed", ramNodes: "deprecated", vhostDefaultQueueType: true, khepri: "opt-in", enableAllFeatureFlags: true }],
    ["4.1.4", { mirroring: "removed", khepri: "opt-in" }],
    ["4.2.0", { ramNodes: "removed", khepri: "default" }],
  ])("%s", (v, want) => expect(rulesFor(v)).toMatchObject(want));
  it("nothing for what is not a version", () => {
    expect(rulesFor("")).toBeNull();
    expect(rulesFor("newest")).toBeNull();
    expect(rulesFor("3.7.0")).toBeNull();
  });
  it("agrees with what a real 4.0.5 node says of itself", () => {
    const dep = Object.fromEntries((JSON.parse(fx("rabbitmq-4.0-deprecated-features.json")) as { name: string; deprecation_phase: string }[]).map((d) => [d.name, d.deprecation_phase]));
    const r = rulesFor("4.0.5")!;
    expect(dep.classic_queue_mirroring).toBe("removed");
    expect(r.mirroring).toBe("removed");
    expect(dep.ram_node_type).toBe("permitted_by_default");
    expect(r.ramNodes).toBe("deprecated");
    const flags = JSON.parse(fx("rabbitmq-4.0-feature-flags.json")) as { name: string; stability: string }[];
    expect(flags.find((f) => f.name === "khepri_db")?.stability).toBe("experimental");
    expect(r.khepri).toBe("opt-in");
  });
  it("judges a setup: mirroring refused on 4.0 with the replacement, ram nodes warned, Khepri with ram nodes refused", () => {
    const m = judgeSetup("4.0.5", { ha: "all", ramNodes: [], khepri: false });
    expect(m.refusals[0]).toMatch(/removed in RabbitMQ 4\.0.*choose quorum queues/);
    expect(judgeSetup("4.0.5", { ha: "quorum", ramNodes: ["node3"], khepri: false })).toEqual({ refusals: [], warnings: [expect.stringMatching(/node3 is a ram node: ram nodes are deprecated in RabbitMQ 4\.0/)] });
    expect(judgeSetup("4.0.5", { ha: "quorum", ramNodes: ["node3"], khepri: true }).refusals[0]).toMatch(/Khepri has no ram nodes/);
    expect(judgeSetup("4.2.1", { ha: "quorum", ramNodes: ["node3"], khepri: false }).refusals[0]).toMatch(/RabbitMQ 4\.2 has no ram nodes/);
    expect(judgeSetup("3.10.8", { ha: "all", ramNodes: ["node3"], khepri: false })).toEqual({ refusals: [], warnings: [] });
    expect(judgeSetup("3.10.8", { ha: "quorum", ramNodes: [], khepri: true }).refusals[0]).toMatch(/no Khepri/);
  });
});

describe("setup on RabbitMQ 4.0", () => {
  const quorum = SetupOptions.parse({ clusterName: "rabbit4", ha: { mode: "quorum" } });
  const settings = (p: ReturnType<typeof planSetup>) => allSteps(p).filter((s): s is CommandStep => s.kind === "command" && p.phases.find((ph) => ph.title === "Cluster settings")!.steps.includes(s));

  it("quorum queues as the virtual host's default, every stable feature flag, no policy", () => {
    const p = planSetup(discOnly(), quorum, { rabbitmqVersion: "4.0.5-6+deb13u2" });
    assertWellFormed(p);
    const s = settings(p);
    expect(s.map(cli).filter(Boolean)).toEqual(expect.arrayContaining(["update_vhost_metadata / --default-queue-type quorum", "enable_feature_flag all"]));
    expect(s.some((x) => cli(x).startsWith("set_policy"))).toBe(false);
    expect(s.some((x) => x.key === "khepri")).toBe(false);
    expect(p.warnings).toBeUndefined();
  });
  it("refuses a mirrored-queue policy, naming the reason and the replacement", () => {
    expect(() => planSetup(discOnly(), SetupOptions.parse({ clusterName: "x", ha: { mode: "all" } }), { rabbitmqVersion: "4.0.5" })).toThrow(/removed in RabbitMQ 4\.0.*quorum queues/);
  });
  it("warns of ram nodes, and refuses them with Khepri", () => {
    const c = labCluster({ loadBalancers: [] });
    expect(planSetup(c, quorum, { rabbitmqVersion: "4.0.5" }).warnings?.[0]).toMatch(/node3 is a ram node/);
    expect(() => planSetup(c, { ...quorum, khepri: true }, { rabbitmqVersion: "4.0.5" })).toThrow(/Khepri has no ram nodes/);
  });
  it("Khepri only on request, as a destructive (irreversible) step after the joins", () => {
    const p = planSetup(discOnly(), { ...quorum, khepri: true }, { rabbitmqVersion: "4.0.5" });
    const k = allSteps(p).find((s) => s.key === "khepri") as CommandStep;
    expect(cli(k)).toBe("enable_feature_flag --opt-in khepri_db");
    expect(k.destructive).toMatch(/cannot be undone/);
  });
  it("3.10 plans stay as they were: no default queue type (the series has none), no feature-flag step", () => {
    const p = planSetup(discOnly(), quorum, { rabbitmqVersion: "3.10.8-1.1+deb12u1" });
    expect(allSteps(p).map((s) => s.key)).not.toEqual(expect.arrayContaining(["default_queue_type"]));
    expect(allSteps(p).some((s) => s.key === "feature_flags" || s.key === "default_queue_type")).toBe(false);
  });
  it("reads the version to be installed: the installed one first, else the newest offered", () => {
    expect(parseSetupTarget("installed 4.0.5-6+deb13u2\n")).toBe("4.0.5-6+deb13u2");
    expect(parseSetupTarget("rabbitmq-server 4.0.5-6+deb13u2\nrabbitmq-server 4.0.5-6\n")).toBe("4.0.5-6+deb13u2");
    expect(parseSetupTarget("")).toBeNull();
    expect(parseSetupTarget("\u0000garbage\n")).toBeNull();
  });
});

describe("real RabbitMQ 4.0.5 output", () => {
  it("cluster_status", () => {
    const s = parseClusterStatus(fx("rabbitmq-4.0-cluster-status-single.json"));
    expect(s.runningNodes).toEqual(["rabbit@node2"]);
    expect(s.diskNodes).toEqual(["rabbit@node2"]);
    expect(s.clusterName).toBe("rabbit@node2");
    expect(s.versions["rabbit@node2"]).toEqual({ rabbitmq: "4.0.5", erlang: "27.3.4.1" });
    expect(s.maintenance["rabbit@node2"]).toBe("not under maintenance");
    expect(s.ramNodes).toEqual([]);
  });
  it("feature flags: the experimental khepri_db is left out, the rest are known", () => {
    const f = parseFeatureFlags(fx("rabbitmq-4.0-feature-flags.json"));
    expect(f.khepri_db).toBeUndefined();
    expect(f["rabbitmq_4.0.0"]).toBe("enabled");
  });
  it("management API: /api/nodes and /api/overview", () => {
    const [n] = parseNodes(fx("rabbitmq-4.0-api-nodes.json"));
    expect(n).toMatchObject({ name: "rabbit@node2", type: "disc", running: true, memAlarm: false, diskAlarm: false });
    expect(parseOverview(fx("rabbitmq-4.0-api-overview.json")).rabbitmqVersion).toBe("4.0.5");
  });
  it("truncated 4.0 output is a clear error, never a crash", () => {
    const full = fx("rabbitmq-4.0-cluster-status-single.json");
    expect(() => parseClusterStatus(full.slice(0, full.length / 2))).toThrow();
    expect(() => parseNodes(fx("rabbitmq-4.0-api-nodes.json").slice(0, 40))).toThrow();
  });
});
