// Restart RabbitMQ on one node, only when no queue depends on it alone:
// out of the load balancers' rotation first, back in once it runs in the
// cluster again.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { nodeName, rabbitmqctl, rabbitmqDiagnostics, rmqScript } from "@/lib/rabbitmq/cli";
import { RUNNING_IN_CLUSTER } from "@/lib/rabbitmq/scripts";
import { CLUSTER_NODE, defineOperation, PlanError } from "../operation";
import { rotationSteps } from "./rotation";
import { nodesDown } from "../outages";
import type { Phase } from "../plan";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";

export const RestartNodeParams = z.strictObject({
  node: hostName.meta({ ...CLUSTER_NODE, description: "The node to restart" }),
});

export const restartNodeOperation = defineOperation({
  type: "restart-node",
  title: "Restart RabbitMQ on a node",
  description: "Waits until no queue depends on the node alone (synchronised mirrors, quorum), takes it out of the load balancers' rotation, restarts rabbitmq-server, waits until the node runs in the cluster again, and puts it back.",
  role: "operator",
  params: RestartNodeParams,
  secrets: [],
  ui: "form",
  plan(c, p) {
    const n = c.nodes.find((x) => x.name === p.node);
    if (!n) throw new PlanError(`${p.node} is not a RabbitMQ node of ${c.name}`);
    return { type: "restart-node", phases: restartPhases(c, n.name) };
  },
});

/** One node's restart, as restart-node runs it and as a rolling restart runs it for each node in turn. */
export function restartPhases(c: ClusterInventory, host: string): Phase[] {
  return [
    {
      title: "Safe to restart",
      steps: [
        { kind: "gate", key: `quorum-safe:${host}`, title: "No quorum queue would lose its majority", host, waitingFor: "quorum queues to have enough online replicas",
          argv: rabbitmqDiagnostics("-q", "check_if_node_is_quorum_critical"), intervalMs: 3000, timeoutMs: 120_000 },
        { kind: "gate", key: `mirror-safe:${host}`, title: "No classic mirrored queue depends on this node alone", host, waitingFor: "mirrors to synchronise",
          argv: rabbitmqDiagnostics("-q", "check_if_node_is_mirror_sync_critical"), intervalMs: 3000, timeoutMs: 300_000 },
      ],
    },
    ...(rotationSteps(c, host, "maint").length ? [{ title: `Out of the load balancers' rotation`, steps: rotationSteps(c, host, "maint"), expectedOutage: nodesDown([host]) }] : []),
    {
      title: `Restart ${nodeName(host)}`,
      expectedOutage: nodesDown([host]),
      steps: [{
        kind: "command", key: `restart:${host}`, title: "Restart rabbitmq-server", host, argv: ["systemctl", "restart", "rabbitmq-server"], timeoutMs: 5 * 60_000,
        destructive: `disconnects the clients connected to ${host} (they reconnect to other nodes) while it restarts`,
      }],
    },
    {
      title: "Back in the cluster",
      expectedOutage: nodesDown([host]),
      steps: [
        { kind: "command", key: `await:${host}`, title: "Wait for the broker to boot", host, argv: rabbitmqctl("await_startup", "--timeout", "300"), readOnly: true, timeoutMs: 6 * 60_000 },
        { kind: "gate", key: `running:${host}`, title: "Running in the cluster again", host, waitingFor: `${nodeName(host)} in every running node list`,
          argv: rmqScript(RUNNING_IN_CLUSTER, nodeName(host)), intervalMs: 2000, timeoutMs: 120_000 },
      ],
    },
    ...(rotationSteps(c, host, "ready").length ? [{ title: "Back in the load balancers' rotation", steps: rotationSteps(c, host, "ready"), expectedOutage: nodesDown([host]) }] : []),
  ];
}

export const RollingRestartParams = z.strictObject({});

export const rollingRestartOperation = defineOperation({
  type: "rolling-restart",
  title: "Rolling restart of RabbitMQ",
  description: "Restarts rabbitmq-server on every node, one at a time and the seed last, each as \"Restart RabbitMQ on a node\" does: only when no queue depends on it alone, out of the load balancers' rotation while it restarts, back in once it runs in the cluster again.",
  role: "operator",
  params: RollingRestartParams,
  secrets: [],
  ui: "form",
  plan(c) {
    if (c.nodes.length < 2) throw new PlanError(`${c.name} has one node: restart it with "Restart RabbitMQ on a node" (its clients lose the broker meanwhile)`);
    const order = [...c.nodes.filter((n) => !n.seed), ...c.nodes.filter((n) => n.seed)].map((n) => n.name);
    return { type: "rolling-restart", phases: order.flatMap((host) => restartPhases(c, host).map((ph) => ({ ...ph, title: `${host}: ${ph.title}` }))) };
  },
});
