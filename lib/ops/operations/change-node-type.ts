// Change a node between disc and ram: definitions backed up, out of rotation, safe to stop,
// stop_app / change_cluster_node_type / start_app as one unit, verify, back
// in rotation. Never leaves the cluster without a disc node; the seed stays disc.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { nodeName, rabbitmqctl, rmqScript } from "@/lib/rabbitmq/cli";
import { JOINED, RUNNING_IN_CLUSTER } from "@/lib/rabbitmq/scripts";
import { CLUSTER_NODE, defineOperation, PlanError, type ClusterInventory, requireSpec } from "../operation";
import type { Phase, Plan } from "../plan";
import { assertDiscRemains, nodeOf, queueSafetyGates, verifyPhase } from "./cluster-nodes";
import { rotationSteps } from "./rotation";
import { specMembers } from "@/lib/inventory/spec";
import { backupPhase } from "@/lib/backups/steps";
import { nodesDown } from "../outages";

export const ChangeNodeTypeParams = z.strictObject({
  node: hostName.meta({ ...CLUSTER_NODE, description: "The node to change" }),
  type: z.enum(["disc", "ram"]).meta({ description: "Its new type. Ram nodes are deprecated and gone in RabbitMQ 4.x", "x-labels": { disc: "disc", ram: "ram (legacy: gone in RabbitMQ 4.x)" } }),
});

export function planChangeNodeType(c: ClusterInventory, p: z.infer<typeof ChangeNodeTypeParams>): Plan {
  const n = nodeOf(c, p.node);
  if (n.type === p.type) throw new PlanError(`${p.node} is already a ${p.type} node`);
  if (n.seed && p.type === "ram") throw new PlanError(`${p.node} is the seed, which must stay a disc node (the others join it)`);
  const after: ClusterInventory = { ...c, nodes: c.nodes.map((x) => (x.name === n.name ? { ...x, type: p.type } : x)) };
  assertDiscRemains(after.nodes, `Making ${p.node} a ram node`);
  const other = c.nodes.find((x) => x.name !== n.name && x.type === "disc")?.name ?? c.nodes.find((x) => x.name !== n.name)?.name;
  if (!other) throw new PlanError("a single-node cluster cannot change its node's type (there is no cluster to change it in)");
  const group = `type:${n.name}`;
  const phases: Phase[] = [backupPhase(c, `before making ${n.name} a ${p.type} node`)];
  phases.push({ title: "Safe to stop", steps: queueSafetyGates(n.name) });
  const out = rotationSteps(c, n.name, "maint");
  const down = nodesDown([n.name]);
  if (out.length) phases.push({ title: "Out of the load balancers' rotation", steps: out, expectedOutage: down });
  phases.push({
    title: `${nodeName(n.name)} becomes a ${p.type} node`,
    expectedOutage: down,
    steps: [
      { kind: "command", key: `stop_app:${n.name}`, title: "Stop the RabbitMQ application", host: n.name, argv: rabbitmqctl("stop_app"), group,
        check: rmqScript(JOINED, nodeName(other), p.type === "disc" ? "disk" : "ram", nodeName(n.name)),
        destructive: `${n.name} stops serving while it changes type (its clients reconnect to the other nodes)` },
      { kind: "command", key: `change:${n.name}`, title: `change_cluster_node_type ${p.type}`, host: n.name, argv: rabbitmqctl("change_cluster_node_type", p.type), group },
      { kind: "command", key: `start_app:${n.name}`, title: "Start the RabbitMQ application", host: n.name, argv: rabbitmqctl("start_app"), group, timeoutMs: 5 * 60_000 },
      { kind: "gate", key: `running:${n.name}`, title: "Running in the cluster again", host: n.name, waitingFor: `${nodeName(n.name)} in every running node list`,
        argv: rmqScript(RUNNING_IN_CLUSTER, nodeName(n.name)), intervalMs: 2000, timeoutMs: 120_000 },
    ],
  });
  phases.push({ ...verifyPhase(after), expectedOutage: down });
  const back = rotationSteps(c, n.name, "ready");
  if (back.length) phases.push({ title: "Back in the load balancers' rotation", steps: back, expectedOutage: down });
  return { type: "change-node-type", phases };
}

export const changeNodeTypeOperation = defineOperation({
  type: "change-node-type",
  title: "Change a node's type (disc/ram)",
  description: "Backs up the definitions, takes the node out of rotation, waits until no queue depends on it alone, changes it between disc and ram (stop_app, change_cluster_node_type, start_app), verifies every node's view, and puts it back. Never leaves the cluster without a disc node.",
  role: "operator",
  params: ChangeNodeTypeParams,
  secrets: [],
  ui: "form",
  plan: (c, p) => planChangeNodeType(c, p),
  membership: (_c, p) => [{ op: "type", host: p.node, nodeType: p.type }],
  nextSpec: (c, p) => ({ ...requireSpec(c), members: specMembers({ ...c, nodes: c.nodes.map((n) => (n.name === p.node ? { ...n, type: p.type } : n)) }) }),
});
