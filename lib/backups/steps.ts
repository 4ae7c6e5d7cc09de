// "Back up first": the phase every operation that can lose state starts with
// (remove a node, change a node's type, stop the whole cluster, rolling
// upgrades, force-boot, restore). Warren reads the definitions from the
// first node that answers and stores them; a failure stops the run before
// anything changed. Pure.
import type { ClusterInventory } from "@/lib/ops/operation";
import type { DefinitionsStep, Phase } from "@/lib/ops/plan";

/** The cluster's nodes, the seed first, then the others (any answering node has the whole cluster's definitions). */
export function readOrder(c: Pick<ClusterInventory, "nodes">, avoid: string[] = []): string[] {
  const nodes = [...c.nodes].sort((a, b) => Number(b.seed) - Number(a.seed));
  return [...nodes.filter((n) => !avoid.includes(n.name)), ...nodes.filter((n) => avoid.includes(n.name))].map((n) => n.name);
}

/** The run variable holding the id of the backup a run took first. */
export const BACKUP_VAR = "backupId";

/**
 * The backup phase. `why` names the operation ("before removing node3");
 * `avoid`: nodes to ask last (the one being removed or force-booted);
 * `ifRunning`: a cluster that does not answer is no failure (force-boot runs
 * on a stopped cluster).
 */
export function backupPhase(c: Pick<ClusterInventory, "nodes">, why: string, o: { avoid?: string[]; ifRunning?: boolean } = {}): Phase {
  const hosts = readOrder(c, o.avoid);
  const step: DefinitionsStep = {
    kind: "definitions", key: "backup", title: "Back up the definitions (users, vhosts, permissions, policies, queues, exchanges, bindings) into Warren",
    host: hosts[0] ?? "", hosts, action: { do: "backup", reason: why, record: BACKUP_VAR, ...(o.ifRunning ? { ifRunning: true } : {}) },
  };
  return { title: o.ifRunning ? "Back up the definitions, if a node answers" : "Back up the definitions first", steps: hosts.length ? [step] : [] };
}
