// What the node-changing operations share: the cluster as it will be, the
// queue-safety gates before a node stops, and the final check that every
// remaining node sees the planned membership.
import { nodeName, rabbitmqctl, rabbitmqDiagnostics } from "@/lib/rabbitmq/cli";
import { PlanError, type ClusterInventory, type NodeSpec } from "../operation";
import type { ExpectedCluster, Phase, Step } from "../plan";

export function nodeOf(c: ClusterInventory, name: string): NodeSpec {
  const n = c.nodes.find((x) => x.name === name);
  if (!n) throw new PlanError(`${name} is not a RabbitMQ node of ${c.name}`);
  return n;
}

/** The cluster name RabbitMQ knows (setup's), for verifying cluster_status. */
export function rabbitClusterName(c: ClusterInventory): string {
  if (!c.spec) throw new PlanError(`${c.name} has not been set up by Warren: run the setup first`);
  return c.spec.rabbitmq.clusterName;
}

/** Before a node stops: no quorum queue loses its majority, no mirrored queue its only synchronised copy. */
export function queueSafetyGates(host: string): Step[] {
  return [
    { kind: "gate", key: `quorum-safe:${host}`, title: "No quorum queue would lose its majority", host, waitingFor: "quorum queues to have enough online replicas",
      argv: rabbitmqDiagnostics("-q", "check_if_node_is_quorum_critical"), intervalMs: 3000, timeoutMs: 120_000 },
    { kind: "gate", key: `mirror-safe:${host}`, title: "No classic mirrored queue depends on this node alone", host, waitingFor: "mirrors to synchronise",
      argv: rabbitmqDiagnostics("-q", "check_if_node_is_mirror_sync_critical"), intervalMs: 3000, timeoutMs: 300_000 },
  ];
}

/** Every node of `after` runs and sees exactly the membership of `after`. */
export function verifyPhase(after: ClusterInventory, title = "Verify: every node sees the planned cluster"): Phase {
  const expect: ExpectedCluster = {
    name: rabbitClusterName(after),
    disc: after.nodes.filter((n) => n.type === "disc").map((n) => nodeName(n.name)).sort(),
    ram: after.nodes.filter((n) => n.type === "ram").map((n) => nodeName(n.name)).sort(),
  };
  return {
    title,
    steps: after.nodes.map((n): Step => ({
      kind: "command", key: `verify:${n.name}`, title: "cluster_status agrees with the plan", host: n.name,
      argv: rabbitmqctl("cluster_status", "--formatter", "json"), verify: { kind: "cluster-status", expect }, readOnly: true,
    })),
  };
}

/** A disc node must remain, and the seed with it. */
export function assertDiscRemains(after: NodeSpec[], what: string) {
  if (!after.some((n) => n.type === "disc")) throw new PlanError(`${what} would leave no disc node: a cluster needs at least one node that keeps its metadata on disk. Add or convert another disc node first`);
}
