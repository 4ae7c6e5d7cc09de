import "server-only";
// The engine's definitions work (lib/ops/engine/types.ts DefinitionsWork),
// wired to Warren's database and the cluster's nodes: a run's first backup,
// the document an import step reads on stdin, deletions, verification.
import { clusterInventory } from "@/lib/inventory/clusters";
import type { DefinitionsWork } from "@/lib/ops/engine/types";
import { deleteObjects } from "./access";
import { clusterIo } from "./cluster-io";
import { countsOf, parseDefinitions, serialise, totalOf } from "./definitions";
import { classify, residual, residualLine } from "./restore";
import { backupLine, BackupError, readLive, takeBackup } from "./service";
import { backupText, newestBackup } from "./store";
import { prepareForImport } from "./translate";

async function inventory(clusterId: string) {
  const inv = await clusterInventory(clusterId);
  if (!inv) throw new BackupError("not-found", "the cluster is no longer in the inventory");
  return inv;
}

async function prepared(ref: { backup: string; prepare: Parameters<typeof prepareForImport>[1] }) {
  const b = await backupText(ref.backup);
  if (!b) throw new BackupError("not-found", `backup ${ref.backup} is no longer stored (retention, or deleted with its cluster)`);
  return prepareForImport(parseDefinitions(b.text), ref.prepare).doc;
}

export const definitionsWork: DefinitionsWork = {
  async backup(o) {
    const b = await takeBackup(o.clusterId, { createdBy: `run ${o.runId}`, reason: o.reason, hosts: o.hosts, signal: o.signal });
    return { id: b.id, line: backupLine(b) };
  },

  async latest(clusterId) {
    const b = await newestBackup(clusterId);
    return b && `the newest stored backup is ${b.id}, taken ${b.createdAt.toISOString()} by ${b.createdBy}`;
  },

  async document(ref) {
    const doc = await prepared(ref);
    const mask = doc.users.map((u) => u.password_hash).filter((h): h is string => typeof h === "string" && h.length >= 8);
    return { text: serialise(doc), mask };
  },

  async remove(o) {
    const inv = await inventory(o.clusterId);
    await deleteObjects(await clusterIo(inv), o.hosts, o.objects, { signal: o.signal, say: o.say });
  },

  async verify(o) {
    const inv = await inventory(o.clusterId);
    const desired = await prepared(o.action.against);
    const live = await readLive(inv, { hosts: o.hosts, signal: o.signal });
    const c = classify(parseDefinitions(live.text), desired, o.action.options);
    const left = residual(c, o.action.options);
    if (left.length) return { problems: residualLine(left), line: "" };
    const kept = [c.keepChanged.length && `${c.keepChanged.length} left as they were (the import does not change them)`, !o.action.options.deleteExtra && c.extra.length && `${c.extra.length} extra kept`, c.cannotDelete.length && `${c.cannotDelete.length} extra exchanges or bindings kept (no management plugin)`].filter(Boolean);
    return { problems: null, line: `the live definitions (read from ${live.node}, ${live.via}) have all ${totalOf(countsOf(desired))} objects of the backup as imported${kept.length ? `; ${kept.join("; ")}` : ""}` };
  },
};
