// What a 3.x cluster carries that RabbitMQ 4.x no longer has, and the way
// out: classic queue mirroring is removed in 4.0 (quorum queues replace it);
// ram nodes are deprecated and Khepri, 4.x's metadata store, refuses them.
// Read from the inventory: the node types and the queue policy Warren set.
import type { ClusterInventory } from "@/lib/ops/operation";

export interface LegacyFinding {
  id: "ram-nodes" | "mirrored-queues";
  what: string;
  breaks: string;
  todo: string;
}

export function legacyBefore4(c: Pick<ClusterInventory, "nodes" | "spec">): LegacyFinding[] {
  const out: LegacyFinding[] = [];
  const ram = c.nodes.filter((n) => n.type === "ram").map((n) => n.name);
  if (ram.length) out.push({
    id: "ram-nodes",
    what: `${ram.length === 1 ? "ram node" : "ram nodes"} ${ram.join(", ")}`,
    breaks: "ram nodes are deprecated, and Khepri (the metadata store of RabbitMQ 4.x, the default for new clusters from 4.2) refuses them: a cluster with ram nodes cannot move to it.",
    todo: `make ${ram.length === 1 ? "it a disc node" : "each a disc node, one at a time"} with the action "Change a node's type"; disc nodes cost little more and survive a full restart on their own.`,
  });
  const ha = c.spec?.rabbitmq.ha;
  if (ha && ha.mode !== "quorum") out.push({
    id: "mirrored-queues",
    what: `classic mirrored queues: policy ${ha.policyName} (ha-mode ${ha.mode}${ha.mode === "exactly" ? ` ${ha.count}` : ""}, pattern ${ha.pattern})`,
    breaks: "classic queue mirroring is removed in RabbitMQ 4.0: the ha-* keys of the policy no longer apply, and every mirrored queue becomes a single classic queue on one node — a node failure then loses its messages.",
    todo: "move these queues to quorum queues (declare them with x-queue-type quorum, or set the virtual host's default queue type), shift consumers and publishers over, then drop the policy; on a 4.x cluster Warren sets quorum queues up instead.",
  });
  return out;
}
