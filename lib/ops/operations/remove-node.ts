// Remove a node: the definitions backed up first, then out of both load balancers, then out of the cluster —
// gracefully (stop_app and reset on the node itself, which tells its peers)
// when it answers, or forced (forget_cluster_node from a running peer) when
// it is gone for good — and finally every remaining node is checked.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { nodeName, rabbitmqctl, rabbitmqQueues, rmqScript } from "@/lib/rabbitmq/cli";
import { DATA_IMPACT } from "@/lib/rabbitmq/scripts";
import { CLUSTER_NODE, defineOperation, PlanError, type ClusterInventory, requireSpec } from "../operation";
import type { Phase, Plan, Step } from "../plan";
import { assertDiscRemains, nodeOf, queueSafetyGates, verifyPhase } from "./cluster-nodes";
import { haproxyPhase } from "./load-balancers";
import { specMembers } from "@/lib/inventory/spec";
import { rotationSteps } from "./rotation";
import { backupPhase } from "@/lib/backups/steps";
import { nodesDown } from "../outages";

export const RemoveNodeParams = z.strictObject({
  node: hostName.meta({ ...CLUSTER_NODE, description: "The node to remove" }),
  mode: z.enum(["graceful", "forced"]).default("graceful").meta({
    description: "Graceful: the node answers and leaves the cluster itself. Forced: the node is gone; a running peer forgets it",
    "x-labels": { graceful: "graceful (the node is reachable)", forced: "forced (the node is dead)" },
  }),
});

/** The cluster without `node`; the first remaining disc node becomes the seed if it was the seed. */
export function without(c: ClusterInventory, node: string): ClusterInventory {
  const rest = c.nodes.filter((n) => n.name !== node);
  const seedGone = !rest.some((n) => n.seed);
  const newSeed = seedGone ? rest.find((n) => n.type === "disc")?.name : undefined;
  return { ...c, nodes: rest.map((n) => ({ ...n, seed: n.seed || n.name === newSeed })) };
}

export function planRemoveNode(c: ClusterInventory, p: z.infer<typeof RemoveNodeParams>): Plan {
  const n = nodeOf(c, p.node);
  if (c.nodes.length === 1) throw new PlanError(`${p.node} is the only node of ${c.name}: delete the cluster instead`);
  const after = without(c, p.node);
  assertDiscRemains(after.nodes, `Removing ${p.node}, the last disc node,`);
  const peer = after.nodes.find((x) => x.seed)!.name;
  const lb = c.spec?.loadBalancers;
  // Definitions first, from a node that stays (a forced removal's node is gone), before anything changes.
  const phases: Phase[] = [backupPhase(c, `before removing ${n.name} (${p.mode})`, { avoid: [n.name] })];
  // The node goes away on purpose; a dead one (forced) is not seen either, and stays so.
  const gone = p.mode === "forced" ? nodesDown([n.name]).map((d) => (d.host === n.name ? { ...d, kinds: [...d.kinds, "node-unreachable" as const], untilNextRun: true as const } : d)) : nodesDown([n.name], { untilNextRun: true });
  // Queues first (a gate may wait minutes for mirrors), then clients move away, then the node goes.
  if (p.mode === "graceful") phases.push({ title: "Safe to stop", steps: queueSafetyGates(n.name) });
  const out = rotationSteps(c, n.name, "maint");
  if (out.length) phases.push({ title: "Out of the load balancers' rotation", steps: out, expectedOutage: gone });
  if (lb) phases.push({ ...haproxyPhase(after, lb), title: `HAProxy without ${n.name}, one load balancer at a time`, expectedOutage: gone });
  if (p.mode === "graceful") {
    const group = `leave:${n.name}`;
    phases.push({
      title: `${nodeName(n.name)} leaves the cluster`,
      expectedOutage: gone,
      steps: [
        { kind: "command", key: `stop_app:${n.name}`, title: "Stop the RabbitMQ application", host: n.name, argv: rabbitmqctl("stop_app"), group },
        { kind: "command", key: `reset:${n.name}`, title: "Reset the node: it leaves the cluster and its peers forget it", host: n.name, argv: rabbitmqctl("reset"), group,
          destructive: `wipes ${n.name}'s RabbitMQ data (its copies of queues and messages) as it leaves; the other nodes keep theirs`, impact: { argv: rmqScript(DATA_IMPACT), format: "rabbitmq-data" } },
        { kind: "command", key: `disable:${n.name}`, title: "Stop and disable rabbitmq-server (a lone broker would accept clients)", host: n.name, group,
          argv: ["systemctl", "disable", "--now", "rabbitmq-server"] },
      ],
    });
    // reset leaves the cluster but not the quorum queues' memberships (forget_cluster_node does both):
    // a dead member would count against every quorum queue's majority from now on.
    phases.push({
      title: `Quorum queues drop their replicas on ${nodeName(n.name)}`,
      expectedOutage: gone,
      steps: [{ kind: "command", key: `shrink:${n.name}`, title: `rabbitmq-queues shrink ${nodeName(n.name)}`, host: peer, argv: rabbitmqQueues("shrink", nodeName(n.name)) }],
    });
  } else {
    phases.push({
      title: `${peer} forgets ${nodeName(n.name)}`,
      expectedOutage: gone,
      steps: [{
        kind: "command", key: `forget:${n.name}`, title: `forget_cluster_node ${nodeName(n.name)}`, host: peer,
        argv: rabbitmqctl("forget_cluster_node", nodeName(n.name)),
        destructive: `removes ${n.name} from the cluster for good: its copies of queues are dropped; if it comes back it must be reset before it may join again`,
      } satisfies Step],
    });
  }
  phases.push(verifyPhase(after, `Verify: no remaining node lists ${n.name}`));
  return { type: "remove-node", phases };
}

export const removeNodeOperation = defineOperation({
  type: "remove-node",
  title: "Remove a node",
  description: "Backs up the definitions, takes the node out of both load balancers, then out of the cluster: gracefully (stop_app, reset, service disabled) when it answers, or forced (forget_cluster_node from a peer) when it is gone. Refuses to remove the last disc node. Every remaining node is checked afterwards.",
  role: "operator",
  params: RemoveNodeParams,
  secrets: ["statsPassword"],
  ui: "form",
  plan: (c, p) => planRemoveNode(c, p),
  membership: (_c, p) => [{ op: "remove", host: p.node, role: "rabbitmq" }],
  nextSpec: (c, p) => ({ ...requireSpec(c), members: specMembers(without(c, p.node)) }),
});
