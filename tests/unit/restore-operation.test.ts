import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseDefinitions } from "@/lib/backups/definitions";
import { IMPORT_DEFINITIONS, importDefinitions } from "@/lib/backups/commands";
import { planRestore, restoreOperation, RestoreParams, type RestoreFacts } from "@/lib/ops/operations/restore";
import { planRemoveNode } from "@/lib/ops/operations/remove-node";
import { planChangeNodeType } from "@/lib/ops/operations/change-node-type";
import { planClusterStart, planClusterStop, planForceBoot } from "@/lib/ops/operations/cluster-power";
import { planRollingUpgrade, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { OPERATIONS } from "@/lib/ops/registry";
import { allSteps, assertWellFormed, changesHost, type CommandStep, type DefinitionsStep, type Plan } from "@/lib/ops/plan";
import { planScript } from "@/lib/ops/script";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import type { ClusterInventory, GatherContext } from "@/lib/ops/operation";
import { labCluster, labSpec } from "./support-cluster";

// The restore planner and "back up first" on every operation that can lose
// state. Definitions fixtures are hand-made (see backups.test.ts).
const fixture = (name: string) => fs.readFileSync(path.resolve("tests/fixtures/definitions", name), "utf8");
const CLI_310 = fixture("rabbitmq-3.10-rabbitmqctl.json"), CLI_40 = fixture("rabbitmq-4.0-rabbitmqctl.json");
const HASHES = ["W4rR3nAdm1nHash", "Sh0pAppHash", "M0n1t0rHash", "F0urAdm1nHash", "0ldAppHash"];

const four = (): ClusterInventory => labCluster({
  id: "c4", name: "four",
  spec: labSpec({ rabbitmq: { clusterName: "rabbit-four", ha: { mode: "quorum" } } }),
});
const facts = (live = CLI_40, backup = CLI_310, clusterId = "c3"): RestoreFacts => ({
  backup: { id: "bk1", clusterId, clusterName: "prod", createdAt: new Date("2026-12-05T10:00:00Z"), rabbitmqVersion: "3.10.8", doc: parseDefinitions(backup) },
  live: { doc: parseDefinitions(live), node: "node1", via: "management API" },
});
const keys = (p: Plan) => allSteps(p).map((s) => s.key);

describe("the restore's plan", () => {
  it("backs up first, imports on stdin, spreads quorum leaders, verifies", () => {
    const p = planRestore(four(), RestoreParams.parse({ backupId: "bk1" }), facts());
    assertWellFormed(p);
    expect(keys(p)).toEqual(["backup", "import", "rebalance", "verify"]);
    const imp = allSteps(p).find((s) => s.key === "import") as CommandStep;
    // Through a private file, not rabbitmqctl's stdin (which 4.0 never finishes reading): commands.ts.
    expect(imp.argv).toEqual(importDefinitions());
    expect(imp.argv).toEqual(["sh", "-c", IMPORT_DEFINITIONS, "import-definitions"]);
    expect(imp.stdin).toEqual({ definitions: { backup: "bk1", prepare: { target: "4.0.5", adminUser: "warren-admin", clusterName: "rabbit-four" } } });
    expect((allSteps(p).find((s) => s.key === "rebalance") as CommandStep).argv.slice(-3)).toEqual(["/usr/lib/rabbitmq/bin/rabbitmq-queues", "rebalance", "quorum"]);
    expect(allSteps(p).find((s) => s.key === "verify")).toMatchObject({ kind: "definitions", action: { do: "verify", against: imp.stdin && "definitions" in imp.stdin ? imp.stdin.definitions : null, options: { deleteExtra: false, management: true, adminUser: "warren-admin" } } });
    expect(allSteps(p).filter((s) => s.destructive)).toEqual([]);
    expect(p.warnings).toEqual(["The backup is of another cluster, prod: its users, virtual hosts, queues and policies come to four."]);
  });

  it("never holds the document, a hash or a credential: not in an argument, not in the stored plan, not in its script", () => {
    const p = planRestore(four(), RestoreParams.parse({ backupId: "bk1", deleteExtra: true }), facts());
    const stored = JSON.stringify(p);
    const script = planScript(p, { title: "cluster four" });
    for (const h of [...HASHES, "s3cret-fed"]) {
      expect(stored).not.toContain(h);
      expect(script).not.toContain(h);
      for (const s of allSteps(p)) if (s.kind === "command") expect(s.argv.join(" ")).not.toContain(h);
    }
    for (const s of allSteps(p)) if (s.kind === "command") expect(s.argv.join(" ")).not.toMatch(/definitions.*\.json|\/tmp\//);
    expect(script).toMatch(/run -i "\$DEFINITIONS" node1 sh -c "\$IMPORT_DEFINITIONS" import-definitions/);
    expect(script).toContain(': "${DEFINITIONS_FILE:?set DEFINITIONS_FILE to the definitions file to import}"');
  });

  it("says against the live definitions what it creates, leaves and keeps, and what it translates for 4.x, before anything runs", () => {
    const r = planRestore(four(), RestoreParams.parse({ backupId: "bk1" }), facts()).restore!;
    expect(r.target).toEqual({ rabbitmqVersion: "4.0.5", readFrom: "node1 (management API)" });
    expect(r.create.total).toBe(18);
    expect(r.create.byKind).toMatchObject({ queues: 4, users: 2, vhosts: 1 });
    expect(r.keepChanged.items).toEqual([{ kind: "queues", label: "misc on /", fields: ["type"] }]);
    expect(r.extra.total).toBe(4);
    expect(r.protected.items.map((i) => i.label)).toEqual(["warren-admin", "cluster_name"]);
    expect(r.findings.map((f) => f.id)).toEqual(["admin-user", "cluster-name", "mirrored-to-quorum", "quorum-arguments", "mirrored-not-quorum", "ha-policy-dropped", "ha-policy-keys", "explicit-classic"]);
    expect(r.findings.find((f) => f.id === "mirrored-to-quorum")!.instead).toMatch(/declared as quorum queues/);
    expect(r.backup).toMatchObject({ id: "bk1", cluster: "prod", rabbitmqVersion: "3.10.8" });
  });

  it("deleting is opt-in: a destructive step listing each object, before the import", () => {
    const p = planRestore(four(), RestoreParams.parse({ backupId: "bk1", deleteExtra: true }), facts());
    expect(keys(p)).toEqual(["backup", "delete", "import", "rebalance", "verify"]);
    const del = allSteps(p).find((s) => s.key === "delete") as DefinitionsStep;
    expect(del.destructive).toBe("deletes 5 objects the backup does not have or has otherwise, 2 of them queues whose messages are lost");
    expect(del.action.do === "delete" && del.action.objects.map((o) => `${o.kind} ${o.label}`)).toEqual(["queues legacy.jobs on /", "queues misc on /", "exchanges legacy on /", "permissions old-app on /", "users old-app"]);
    expect(changesHost(del)).toBe(true);
    expect(p.restore!.recreate.items).toEqual([{ kind: "queues", label: "misc on /", fields: ["type"] }]);
    // The same restore with nothing extra on the cluster has no delete step.
    expect(keys(planRestore(four(), RestoreParams.parse({ backupId: "bk1", deleteExtra: true }), facts(CLI_310, CLI_310, "c4")))).not.toContain("delete");
  });

  it("imports on the node that gave the live definitions", () => {
    const f = facts();
    f.live.node = "node2";
    const p = planRestore(four(), RestoreParams.parse({ backupId: "bk1" }), f);
    expect(["import", "rebalance", "verify"].map((k) => allSteps(p).find((s) => s.key === k)!.host)).toEqual(["node2", "node2", "node2"]);
    f.live.node = "elsewhere";
    expect(allSteps(planRestore(four(), RestoreParams.parse({ backupId: "bk1" }), f)).find((s) => s.key === "import")!.host).toBe("node1");
  });

  it("onto its own cluster: nothing translated; a one-node cluster has no leaders to spread; a cluster not set up is refused", () => {
    const own = labCluster({ id: "c3" });
    const p = planRestore(own, RestoreParams.parse({ backupId: "bk1" }), facts(CLI_310, CLI_310, "c3"));
    expect(p.warnings).toBeUndefined();
    expect(p.restore!.findings.map((f) => f.id)).toEqual(["admin-user"]);
    expect(p.restore!.create.total).toBe(0);
    const single = labCluster({ nodes: [labCluster().nodes[0]] });
    expect(keys(planRestore(single, RestoreParams.parse({ backupId: "bk1" }), facts(CLI_310)))).toEqual(["backup", "import", "verify"]);
    expect(() => planRestore(labCluster({ spec: null }), RestoreParams.parse({ backupId: "bk1" }), facts())).toThrow(/has not been set up/);
    expect(() => RestoreParams.parse({ backupId: "../x" })).toThrow();
    expect(RestoreParams.parse({ backupId: "bk1" }).deleteExtra).toBe(false);
  });

  it("gathers the backup (any cluster's) and the live definitions; a cluster that cannot be read is refused with the reason", async () => {
    const more: GatherContext = {
      backup: async (id) => (id === "bk1" ? { id, clusterId: "c3", clusterName: "prod", createdAt: new Date(), rabbitmqVersion: "3.10.8", text: CLI_310 } : null),
      liveDefinitions: async () => ({ text: CLI_40, node: "node2", via: "rabbitmqctl" }),
      migration: async () => { throw new Error("a restore reads no migration"); },
    };
    const read = async () => ({ error: "unused" });
    const f = await restoreOperation.gather!(four(), RestoreParams.parse({ backupId: "bk1" }), read, more);
    expect(f.live.node).toBe("node2");
    expect(f.backup.doc.queues).toHaveLength(5);
    await expect(restoreOperation.gather!(four(), RestoreParams.parse({ backupId: "nope" }), read, more)).rejects.toThrow("there is no backup nope");
    await expect(restoreOperation.gather!(four(), RestoreParams.parse({ backupId: "bk1" }), read, { ...more, liveDefinitions: async () => { throw new Error("no node gave its definitions: node1: connection refused"); } }))
      .rejects.toThrow("the live definitions of four cannot be read, so the plan cannot say what the restore changes: no node gave its definitions: node1: connection refused");
  });
});

describe("back up first: every operation that can lose state starts with a backup into Warren", () => {
  const c = labCluster();
  const OLD_E = "1:25.2.3+dfsg-1+deb12u1", NEW_E = "1:25.2.3+dfsg-1+deb12u2";
  const node = () => parseNodeState(`@@installed\nrabbitmq-server 3.10.8-1.1\nerlang-base ${OLD_E}\n@@offered\nerlang-base ${NEW_E}\nerlang-base ${OLD_E}\n@@service\nActiveState=active\n@@end\n`);
  const f: ClusterFacts = {
    nodes: { node1: node(), node2: node(), node3: node() }, statusFrom: "node1", featureFlags: { quorum_queue: "enabled" },
    status: parseClusterStatus(JSON.stringify({ cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"], running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] })),
  };
  const plans: Record<string, Plan> = {
    "remove-node (graceful)": planRemoveNode(c, { node: "node3", mode: "graceful" }),
    "remove-node (forced, the seed)": planRemoveNode(c, { node: "node1", mode: "forced" }),
    "change-node-type": planChangeNodeType(c, { node: "node3", type: "disc" }),
    "cluster-stop": planClusterStop(c),
    "rolling-upgrade": planRollingUpgrade(c, RollingUpgradeParams.parse({ erlangVersion: NEW_E }), f),
    "force-boot": planForceBoot(c, { node: "node2" }),
    restore: planRestore(four(), RestoreParams.parse({ backupId: "bk1" }), facts()),
  };

  for (const [name, p] of Object.entries(plans)) {
    it(`${name}: its first phase is one backup step, which changes no host, recording the backup's id`, () => {
      assertWellFormed(p);
      expect(p.phases[0].steps).toHaveLength(1);
      const b = p.phases[0].steps[0] as DefinitionsStep;
      expect(b).toMatchObject({ kind: "definitions", key: "backup", action: { do: "backup", record: "backupId" } });
      expect(b.action.do === "backup" && b.action.reason).toMatch(/^before /);
      expect([...b.hosts].sort()).toEqual(["node1", "node2", "node3"]);
      expect(changesHost(b)).toBe(false);
    });
  }

  it("asks a node that stays first (the seed first), and lets only force-boot go on when no node answers", () => {
    expect((plans["remove-node (graceful)"].phases[0].steps[0] as DefinitionsStep).hosts).toEqual(["node1", "node2", "node3"]);
    expect((plans["remove-node (forced, the seed)"].phases[0].steps[0] as DefinitionsStep).hosts).toEqual(["node2", "node3", "node1"]);
    const fb = plans["force-boot"].phases[0].steps[0] as DefinitionsStep;
    expect(fb.action).toMatchObject({ ifRunning: true });
    expect(fb.hosts).toEqual(["node1", "node3", "node2"]);
    for (const [name, p] of Object.entries(plans)) if (name !== "force-boot") expect((p.phases[0].steps[0] as DefinitionsStep).action, name).not.toHaveProperty("ifRunning");
    // The rolling upgrade's backup is no longer a file on the seed.
    expect(JSON.stringify(plans["rolling-upgrade"])).not.toContain("/var/lib/rabbitmq/definitions-before");
  });

  it("operations that lose nothing take no backup", () => {
    const start = planClusterStart(c, { ...f, nodes: { node1: node(), node2: node(), node3: node() } });
    expect(allSteps(start).some((s) => s.kind === "definitions")).toBe(false);
    const stateLosing = ["remove-node", "change-node-type", "cluster-stop", "rolling-upgrade", "force-boot", "restore"];
    expect(OPERATIONS.map((o) => o.type).filter((t) => stateLosing.includes(t)).sort()).toEqual([...stateLosing].sort());
  });

  it("the copyable script exports into a local file only the operator can read (force-boot: if a node answers)", () => {
    const s = planScript(plans["cluster-stop"], { title: "cluster prod" });
    expect(s).toContain("( umask 077 && run node1 runuser -u rabbitmq -- env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq /usr/lib/rabbitmq/bin/rabbitmqctl export_definitions - > definitions-before-cluster-stop.json )");
    expect(planScript(plans["force-boot"], { title: "cluster prod" })).toMatch(/export_definitions - > definitions-before-force-boot\.json \) \|\| echo '    no node answers: nothing to back up now'/);
  });
});
