// Add a node: the setup plan of the cluster as it will be, cut down to what
// the members may safely see again (hosts file, ports, cluster settings,
// verify) plus the new node's whole part (cookie, install of the versions
// the cluster runs now, join as disc or ram) and the load balancers'
// configuration with the new backend. A member never gets a cookie write,
// an install or a join unit: a check failing for a passing reason (a busy
// node, the seed restarting) must not reset a running member.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { gatherClusterFacts, nodeState, type ClusterFacts } from "../cluster-facts";
import { nodeName } from "@/lib/rabbitmq/cli";
import { defineOperation, FREE_HOST, PlanError, type ClusterInventory, requireSpec } from "../operation";
import { specMembers } from "@/lib/inventory/spec";
import { planSetup } from "./setup";
import { nodesDown } from "../outages";

export const AddNodeParams = z.strictObject({
  host: hostName.meta({ ...FREE_HOST, description: "The host to add (a host of the inventory in no cluster)" }),
  type: z.enum(["disc", "ram"]).default("disc").meta({ description: "Disc keeps the cluster's metadata on disk; ram (legacy) only in memory", "x-labels": { disc: "disc node", ram: "ram node (legacy)" } }),
});

/** The versions the cluster runs now: a new node must not join with others (the remembered setup may predate an upgrade). */
export function currentVersions(c: ClusterInventory, f: ClusterFacts): { rabbitmq?: string; erlang?: string } {
  const seen = c.nodes.map((n) => nodeState(f, n.name)).filter((s) => s?.installed["rabbitmq-server"]);
  const one = (pkg: string) => {
    const vs = [...new Set(seen.map((s) => s!.installed[pkg]).filter(Boolean))];
    if (vs.length > 1) throw new PlanError(`the nodes run different ${pkg} versions (${vs.join(", ")}): finish the upgrade before adding a node`);
    return vs[0];
  };
  return { rabbitmq: one("rabbitmq-server"), erlang: one("erlang-base") };
}

export function planAddNode(c: ClusterInventory, p: z.infer<typeof AddNodeParams>, f: ClusterFacts) {
  const host = c.freeHosts?.find((h) => h.name === p.host);
  if (c.nodes.some((n) => n.name === p.host)) throw new PlanError(`${p.host} is already a node of ${c.name}`);
  if (!host) throw new PlanError(`${p.host} is not a host of the inventory that is free (in no cluster)`);
  if (!c.spec) throw new PlanError(`${c.name} has not been set up by Warren: run the setup first`);
  const v = currentVersions(c, f);
  if (!v.rabbitmq) throw new PlanError(`no node of ${c.name} answered with its RabbitMQ version: the new node must install the same, so the cluster must be reachable`);
  const after: ClusterInventory = { ...c, nodes: [...c.nodes, { name: host.name, address: host.address, type: p.type, seed: false, platform: host.platform }] };
  const st = f.status;
  if (!st) throw new PlanError(`no node of ${c.name} answered cluster_status: the cluster must be running to take a new node`);
  const down = c.nodes.map((n) => nodeName(n.name)).filter((n) => !st.runningNodes.includes(n));
  if (down.length) throw new PlanError(`${down.join(", ")} ${down.length === 1 ? "is" : "are"} not running in the cluster: bring ${down.length === 1 ? "it" : "them"} back (or remove ${down.length === 1 ? "it" : "them"}) before adding a node`);
  const parts = Object.entries(st.partitions).filter(([, x]) => x.length);
  if (parts.length) throw new PlanError(`the cluster is partitioned (${parts.map(([k, x]) => `${k} from ${x.join(", ")}`).join("; ")}): heal it before adding a node`);
  const plan = planSetup(after, { ...c.spec.rabbitmq, rabbitmqVersion: v.rabbitmq, erlangVersion: v.erlang, loadBalancers: c.spec.loadBalancers ?? undefined },
    { runningMembers: c.nodes.map((n) => n.name), rabbitmqVersion: v.rabbitmq });
  // The new node is a member from the run's start and runs only once joined: down on purpose until then.
  const joining = nodesDown([host.name]);
  return {
    type: "add-node",
    phases: plan.phases.filter((ph) => ph.steps.length).map((ph) => ({ ...ph, expectedOutage: [...joining, ...(ph.expectedOutage ?? []).filter((d) => d.host !== host.name && !joining.some((j) => j.host === d.host))] })),
    ...(plan.warnings ? { warnings: plan.warnings } : {}),
  };
}

export const addNodeOperation = defineOperation({
  type: "add-node",
  title: "Add a node",
  description: "Joins a free host of the inventory to the cluster as a disc or ram node, installing the versions the cluster runs now, and adds it to both load balancers. The rest of the cluster's setup is re-checked and left as it is.",
  role: "operator",
  params: AddNodeParams,
  secrets: ["erlangCookie", "managementPassword", "statsPassword", "vrrpPassword"],
  ui: "form",
  gather: (c, _p, read) => gatherClusterFacts(c, read),
  plan: planAddNode,
  membership: (_c, p) => [{ op: "add", host: p.host, role: "rabbitmq", nodeType: p.type }],
  nextSpec: (c, p) => ({ ...requireSpec(c), members: specMembers({ ...c, nodes: [...c.nodes, { name: p.host, address: "", type: p.type, seed: false }] }) }),
});
