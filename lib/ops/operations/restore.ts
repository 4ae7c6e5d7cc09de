// Restore a definitions backup onto a cluster — its own, or another's (a new
// cluster the wizard built, a 4.x cluster for a 3.x cluster's backup). The
// plan says, against the cluster's live definitions read before planning,
// what the import will create, change and leave as it is, what the backup
// has that the target's version no longer supports and what the restore does
// instead; deleting what the backup has not is opt-in and destructive. The
// run: back up the cluster as it is, delete (if chosen), import with
// `rabbitmqctl import_definitions` (the document on stdin into a 600 file
// only for the import: lib/backups/commands.ts; never an argument), spread
// quorum queue leaders over the nodes (an import puts them all on the
// importing node), and compare the
// live definitions with the backup again: nothing may be left but what the
// operator chose to keep.
import { z } from "zod";
import { importDefinitions, rebalanceQuorumLeaders } from "@/lib/backups/commands";
import { countsOf, parseDefinitions, totalOf, versionOf, type Definitions } from "@/lib/backups/definitions";
import { classify, summarise, type RestoreOptions } from "@/lib/backups/restore";
import { backupPhase, readOrder } from "@/lib/backups/steps";
import { prepareForImport, type PrepareOptions } from "@/lib/backups/translate";
import { defineOperation, IRREVERSIBLE, PlanError, requireSpec, type ClusterInventory } from "../operation";
import type { Phase, Plan } from "../plan";

export const RestoreParams = z.strictObject({
  backupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "A backup's id").meta({ description: "The backup to restore: one of this cluster's, or another cluster's", "x-warren": "backup" }),
  deleteExtra: z.boolean().default(false).meta({
    ...IRREVERSIBLE,
    description: "Also delete what the cluster has and the backup has not, and declare again the queues and exchanges that differ from it (their messages are lost; not reversible)",
  }),
});
export type RestoreParams = z.infer<typeof RestoreParams>;

export interface RestoreFacts {
  backup: { id: string; clusterId: string; clusterName: string; createdAt: Date; rabbitmqVersion: string | null; doc: Definitions };
  live: { doc: Definitions; node: string; via: string };
}

/** What the restore knows of the cluster from its spec: Warren's management user (never replaced) and the cluster's name (never changed). */
export function restoreOptions(c: ClusterInventory, deleteExtra: boolean): { prepare: Omit<PrepareOptions, "target">; options: RestoreOptions } {
  const rmq = requireSpec(c).rabbitmq;
  const adminUser = rmq.management ? rmq.adminUser : null;
  return { prepare: { adminUser, clusterName: rmq.clusterName }, options: { deleteExtra, management: rmq.management, adminUser } };
}

export function planRestore(c: ClusterInventory, p: RestoreParams, f: RestoreFacts): Plan {
  if (!c.nodes.length) throw new PlanError(`${c.name} has no RabbitMQ nodes to restore onto`);
  const { prepare: base, options } = restoreOptions(c, p.deleteExtra);
  const prepare: PrepareOptions = { ...base, target: versionOf(f.live.doc) };
  const { doc, findings } = prepareForImport(f.backup.doc, prepare);
  const classes = classify(f.live.doc, doc, options);
  // The node that gave the live definitions answers: it imports (the seed when that one is not a member).
  const seed = c.nodes.some((n) => n.name === f.live.node) ? f.live.node : (c.nodes.find((n) => n.seed) ?? c.nodes[0]).name;
  const ref = { backup: f.backup.id, prepare };
  const hosts = [seed, ...readOrder(c).filter((h) => h !== seed)];
  const n = totalOf(countsOf(doc));
  const phases: Phase[] = [backupPhase(c, `before restoring backup ${f.backup.id} of ${f.backup.clusterName}`)];
  if (p.deleteExtra && classes.delete.length) {
    const lost = classes.delete.filter((r) => r.kind === "queues").length;
    phases.push({
      title: "Delete what the backup does not have, and the queues and exchanges to declare again",
      steps: [{
        kind: "definitions", key: "delete", title: `Delete ${classes.delete.length} object${classes.delete.length === 1 ? "" : "s"} (each listed in the plan and the log)`,
        host: seed, hosts, action: { do: "delete", objects: classes.delete },
        destructive: `deletes ${classes.delete.length} object${classes.delete.length === 1 ? "" : "s"} the backup does not have or has otherwise${lost ? `, ${lost} of them queue${lost === 1 ? "" : "s"} whose messages are lost` : ""}`,
      }],
    });
  }
  phases.push({
    title: `Import backup ${f.backup.id} (${n} object${n === 1 ? "" : "s"})`,
    steps: [{
      kind: "command", key: "import", title: "rabbitmqctl import_definitions, the document sent on stdin into a private file, removed afterwards", host: seed,
      argv: importDefinitions(), stdin: { definitions: ref }, timeoutMs: 30 * 60_000,
    }],
  });
  if (c.nodes.length > 1) phases.push({
    title: "Spread quorum queue leaders over the nodes (an import leaves them all on one)",
    steps: [{ kind: "command", key: "rebalance", title: "rabbitmq-queues rebalance quorum", host: seed, argv: rebalanceQuorumLeaders(), timeoutMs: 15 * 60_000 }],
  });
  phases.push({
    title: "Verify: the live definitions are the backup's, but for what the plan keeps",
    steps: [{ kind: "definitions", key: "verify", title: "Compare the live definitions with the backup", host: seed, hosts, action: { do: "verify", against: ref, options } }],
  });
  const warnings: string[] = [];
  if (f.backup.clusterId !== c.id) warnings.push(`The backup is of another cluster, ${f.backup.clusterName}: its users, virtual hosts, queues and policies come to ${c.name}.`);
  return {
    type: "restore", phases, ...(warnings.length ? { warnings } : {}),
    restore: summarise(classes, findings, {
      backup: { id: f.backup.id, cluster: f.backup.clusterName, createdAt: f.backup.createdAt.toISOString(), rabbitmqVersion: f.backup.rabbitmqVersion, counts: countsOf(f.backup.doc) },
      target: { rabbitmqVersion: prepare.target, readFrom: `${f.live.node} (${f.live.via})` },
      deleteExtra: p.deleteExtra,
    }),
  };
}

export const restoreOperation = defineOperation({
  type: "restore",
  title: "Restore a definitions backup",
  description: "Restores users, virtual hosts, permissions, policies, parameters, queues, exchanges and bindings from a backup of this or another cluster: backs the cluster up first, imports the backup (translated for the cluster's RabbitMQ version, every translation listed), spreads quorum queue leaders over the nodes and verifies. Deleting what the backup does not have is opt-in.",
  role: "operator",
  params: RestoreParams,
  secrets: [],
  ui: "backups",
  async gather(c, p, _read, more): Promise<RestoreFacts> {
    requireSpec(c);
    const b = await more.backup(p.backupId);
    if (!b) throw new PlanError(`there is no backup ${p.backupId}`);
    let live: Awaited<ReturnType<typeof more.liveDefinitions>>;
    try {
      live = await more.liveDefinitions(c);
    } catch (e) {
      throw new PlanError(`the live definitions of ${c.name} cannot be read, so the plan cannot say what the restore changes: ${e instanceof Error ? e.message : String(e)}`);
    }
    return { backup: { ...b, doc: parseDefinitions(b.text) }, live: { doc: parseDefinitions(live.text), node: live.node, via: live.via } };
  },
  plan: planRestore,
  runTitle: (p) => `Restore of backup ${p.backupId}${p.deleteExtra ? " (deleting what it does not have)" : ""}`,
});
