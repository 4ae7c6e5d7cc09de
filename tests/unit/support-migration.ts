// What the migration's unit tests share: blue (the lab cluster of
// support-cluster.ts) and green ("four", three Debian 13 nodes, no load
// balancers), the hand-made 3.10 and 4.0 definitions, and green's nodes as
// its management API reports them when healthy.
import fs from "node:fs";
import path from "node:path";
import { parseDefinitions, type Definitions } from "@/lib/backups/definitions";
import type { NodeStats } from "@/lib/rabbitmq/management";
import { labCluster, labSpec } from "./support-cluster";

const fixture = (name: string) => fs.readFileSync(path.resolve("tests/fixtures/definitions", name), "utf8");
export const BLUE_DEFS = parseDefinitions(fixture("rabbitmq-3.10-rabbitmqctl.json"));
export const FOUR = parseDefinitions(fixture("rabbitmq-4.0-rabbitmqctl.json"));
/** A green cluster as the wizard leaves it: Warren's user, the default vhost, its name, nothing else. */
export const FRESH_GREEN: Definitions = { ...FOUR, users: FOUR.users.filter((u) => u.name === "warren-admin"), permissions: FOUR.permissions.filter((p) => p.user === "warren-admin"), vhosts: FOUR.vhosts.filter((v) => v.name === "/"), queues: [], exchanges: [], bindings: [], policies: [], parameters: [] };

export const blue = labCluster();
export const green = labCluster({
  id: "g", name: "four",
  nodes: ["node6", "node7", "node8"].map((name, i) => ({ name, address: `10.213.77.${16 + i}`, type: "disc" as const, seed: i === 0, platform: "debian-13" })),
  loadBalancers: [],
  spec: { ...labSpec({ rabbitmq: { clusterName: "rabbit-four", ha: { mode: "quorum" } }, loadBalancers: null }), members: { nodes: ["node6", "node7", "node8"].map((name, i) => ({ name, type: "disc" as const, seed: i === 0 })), loadBalancers: [] } },
});

/** Green's nodes, all well, with `over` applied to each. */
export const greenStats = (over: Partial<NodeStats> = {}): NodeStats[] => green.nodes.map((n) => ({
  name: `rabbit@${n.name}`, type: "disc", running: true, memUsed: 1, memLimit: 10, memAlarm: false, diskFree: 10, diskFreeLimit: 1, diskAlarm: false,
  fdUsed: 1, fdTotal: 10, socketsUsed: null, socketsTotal: null, uptimeS: 10, partitions: [], beingDrained: false, ...over,
}));
