// The whole cluster down and up again, in the order RabbitMQ needs: stop one
// node at a time, disc nodes last and the seed very last; start the node
// that stopped last first (the others wait for it at boot), then the rest.
// When that node is lost, force_boot on another disc node is a separate,
// explicit operation with its consequences spelled out.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { nodeName, rabbitmqctl, rmqScript } from "@/lib/rabbitmq/cli";
import { RABBITMQ_STOPPED, RUNNING_IN_CLUSTER, START_AND_WAIT } from "@/lib/rabbitmq/scripts";
import { serviceRunning } from "@/lib/hosts/systemd";
import { gatherClusterFacts, nodeState, type ClusterFacts } from "../cluster-facts";
import { CLUSTER_NODE, defineOperation, PlanError, type ClusterInventory, type NodeSpec } from "../operation";
import type { Phase, Plan, Step } from "../plan";
import { verifyPhase } from "./cluster-nodes";
import { rotationSteps } from "./rotation";
import { backupPhase } from "@/lib/backups/steps";
import { nodesDown } from "../outages";

/** Ram nodes, then disc nodes, the seed last: the last to stop is a disc node Warren will start first. */
export function stopOrder(nodes: NodeSpec[]): NodeSpec[] {
  const rank = (n: NodeSpec) => (n.seed ? 2 : n.type === "disc" ? 1 : 0);
  return [...nodes].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

export function planClusterStop(c: ClusterInventory): Plan {
  if (!c.nodes.length) throw new PlanError(`${c.name} has no RabbitMQ nodes`);
  const order = stopOrder(c.nodes);
  const out = c.nodes.flatMap((n) => rotationSteps(c, n.name, "maint"));
  // Stopped on purpose: the nodes stay down, without paging, until a later run takes them over (the start).
  const down = nodesDown(c.nodes.map((n) => n.name), { untilNextRun: true });
  return {
    type: "cluster-stop",
    phases: [
      backupPhase(c, "before stopping the whole cluster"),
      ...(out.length ? [{ title: "Every node out of the load balancers' rotation", steps: out, expectedOutage: down }] : []),
      {
        title: `Stop the nodes one at a time: ${order.map((n) => n.name).join(", ")} (the last one starts first)`,
        expectedOutage: down,
        oneHostAtATime: true,
        order: order.map((n) => n.name),
        steps: order.map((n, i): Step => ({
          kind: "command", key: `stop:${n.name}`, title: `Stop rabbitmq-server${i === order.length - 1 ? " (last: it starts first)" : ""}`, host: n.name,
          argv: ["systemctl", "stop", "rabbitmq-server"], timeoutMs: 5 * 60_000,
          check: rmqScript(RABBITMQ_STOPPED),
          destructive: i === 0 ? `the whole cluster stops: clients cannot connect until "Start the cluster" (${c.nodes.length} node${c.nodes.length === 1 ? "" : "s"})` : undefined,
        })),
      },
    ],
  };
}

/** The node to start first: the one that stopped last, as its host's systemd says. */
export function lastStopped(c: ClusterInventory, f: ClusterFacts): { first: NodeSpec; unknown: string[] } {
  const known = c.nodes.map((n) => ({ n, s: nodeState(f, n.name) })).filter((x) => x.s);
  const unknown = c.nodes.filter((n) => !nodeState(f, n.name)).map((n) => n.name);
  const running = known.filter((x) => x.s!.active === "active");
  if (running.length) return { first: running[0].n, unknown };
  const stopped = known.filter((x) => x.s!.stoppedAt !== null).sort((a, b) => b.s!.stoppedAt! - a.s!.stoppedAt!);
  const first = stopped[0]?.n ?? known.find((x) => x.n.seed)?.n ?? known[0]?.n;
  if (!first) throw new PlanError(`no node of ${c.name} answers over SSH: nothing can be started`);
  return { first, unknown };
}

export function planClusterStart(c: ClusterInventory, f: ClusterFacts): Plan {
  if (!c.nodes.length) throw new PlanError(`${c.name} has no RabbitMQ nodes`);
  const { first, unknown } = lastStopped(c, f);
  if (unknown.length)
    throw new PlanError(`${unknown.join(", ")} cannot be reached, so Warren cannot tell which node stopped last. If ${unknown.length === 1 ? "it is" : "they are"} lost for good, use "Force-boot a node" on the disc node that stopped last among the others; otherwise bring ${unknown.length === 1 ? "it" : "them"} back first`);
  const start = (n: NodeSpec): Step[] => [
    { kind: "command", key: `start:${n.name}`, title: "Start rabbitmq-server and wait for it to boot", host: n.name, argv: rmqScript(START_AND_WAIT), check: serviceRunning("rabbitmq-server"), timeoutMs: 6 * 60_000 },
  ];
  const rest = c.nodes.filter((n) => n.name !== first.name);
  const phases: Phase[] = [
    { title: `Start ${first.name} first: it stopped last, the others wait for it`, steps: start(first) },
  ];
  if (rest.length) phases.push({ title: "Start the other nodes", steps: rest.flatMap(start) });
  phases.push({
    title: "Every node runs in the cluster",
    steps: c.nodes.map((n): Step => ({ kind: "gate", key: `running:${n.name}`, title: `${nodeName(n.name)} in the running nodes`, host: n.name, waitingFor: `${nodeName(n.name)} to run`,
      argv: rmqScript(RUNNING_IN_CLUSTER, nodeName(n.name)), intervalMs: 2000, timeoutMs: 300_000 })),
  });
  phases.push(verifyPhase(c));
  const back = c.nodes.flatMap((n) => rotationSteps(c, n.name, "ready"));
  if (back.length) phases.push({ title: "Every node back in the load balancers' rotation", steps: back });
  // Every node is down when the start begins and comes back during it.
  const down = nodesDown(c.nodes.map((n) => n.name));
  return { type: "cluster-start", phases: phases.map((ph) => ({ ...ph, expectedOutage: down })) };
}

export const ForceBootParams = z.strictObject({
  node: hostName.meta({ ...CLUSTER_NODE, description: "The disc node to boot without waiting for its peers" }),
});

export function planForceBoot(c: ClusterInventory, p: z.infer<typeof ForceBootParams>): Plan {
  const n = c.nodes.find((x) => x.name === p.node);
  if (!n) throw new PlanError(`${p.node} is not a RabbitMQ node of ${c.name}`);
  if (n.type !== "disc") throw new PlanError(`${p.node} is a ram node: it has no metadata on disk to boot from; force-boot a disc node`);
  return {
    type: "force-boot",
    phases: [
      // The cluster is down when force-boot is needed: a backup is taken only if some node still answers.
      backupPhase(c, `before force-booting ${n.name}`, { avoid: [n.name], ifRunning: true }),
      {
        title: `Boot ${nodeName(n.name)} without waiting for the node that stopped last`,
        expectedOutage: nodesDown([n.name]),
        steps: [
          { kind: "command", key: `force_boot:${n.name}`, title: "rabbitmqctl force_boot (the node is stopped)", host: n.name, argv: rabbitmqctl("force_boot"),
            destructive: `${n.name} boots from its own copy of the cluster's metadata: changes made on the lost node after ${n.name} stopped (users, queues, policies declared then) are gone, and the lost node, if it ever comes back, must be reset before it rejoins` },
          { kind: "command", key: `start:${n.name}`, title: "Start rabbitmq-server and wait for it to boot", host: n.name, argv: rmqScript(START_AND_WAIT), timeoutMs: 6 * 60_000 },
        ],
      },
    ],
  };
}

export const clusterStopOperation = defineOperation({
  type: "cluster-stop",
  title: "Stop the whole cluster",
  description: "Backs up the definitions, takes every node out of the load balancers' rotation and stops them one at a time, ram nodes first and the seed last, so the node that stops last (a disc node) is known and starts first.",
  role: "operator", params: z.strictObject({}), secrets: [], ui: "form",
  plan: (c) => planClusterStop(c),
});

export const clusterStartOperation = defineOperation({
  type: "cluster-start",
  title: "Start the whole cluster",
  description: "Starts first the node that stopped last (read from each host's systemd), then the others, waits until every node runs in the cluster, verifies it and puts every node back in rotation. Refuses when a node cannot be reached, naming the way out (force-boot).",
  role: "operator", params: z.strictObject({}), secrets: [], ui: "form",
  gather: (c, _p, read) => gatherClusterFacts(c, read),
  plan: (c, _p, f) => planClusterStart(c, f),
});

export const forceBootOperation = defineOperation({
  type: "force-boot",
  title: "Force-boot a node (the last node to stop is lost)",
  description: "Backs up the definitions if a node still answers, then rabbitmqctl force_boot on a stopped disc node and starts it: for when the node that stopped last cannot come back. Changes made on the lost node after this one stopped are lost.",
  role: "operator", params: ForceBootParams, secrets: [], ui: "form",
  plan: (c, p) => planForceBoot(c, p),
});
