import "server-only";
// Backups as a service for pages, server actions, the API, the runner and the
// scheduler: take one (from the cluster, or an uploaded file), list, diff,
// download (admins, audited), schedule. Each change writes its audit row here.
// Who may do what: viewers list and diff stored backups (counts and names,
// never a document); operators back up, upload, compare with the live
// cluster (that reads it over SSH) and restore; admins download.
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { roleAllows, type Role } from "@/lib/auth/roles";
import { clusterInventory } from "@/lib/inventory/clusters";
import { logError } from "@/lib/log";
import type { ClusterInventory, GatherContext } from "@/lib/ops/operation";
import { readDefinitions, ReadError } from "./access";
import { clusterIo } from "./cluster-io";
import { countsLine, DefinitionsError, diffDefinitions, INTERNAL_CLUSTER_ID, diffCounts, parseDefinitions, totalOf, versionOf, type DefinitionsDiff } from "./definitions";
import { readOrder } from "./steps";
import { ScheduleInput } from "./retention";
import { applyRetention, backupMeta, backupStatuses, backupText, getSchedule, insertBackup, listBackups, recordFailure, saveSchedule, type BackupMeta } from "./store";
import { prepareForImport, type Finding } from "./translate";

export class BackupError extends Error {
  constructor(readonly code: "not-found" | "invalid" | "failed" | "forbidden", message: string) {
    super(message);
  }
}

function need(who: Principal, role: Role, what: string) {
  if (!roleAllows(who.role, role)) throw new BackupError("forbidden", `${what} needs the ${role} role; you have ${who.role}`);
}

async function inventory(clusterId: string): Promise<ClusterInventory> {
  const inv = await clusterInventory(clusterId);
  if (!inv) throw new BackupError("not-found", "no such cluster");
  return inv;
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1 << 20 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / (1 << 20)).toFixed(1)} MiB`);
/** One line about a backup, for logs and audit rows. */
export const backupLine = (b: BackupMeta) => `backup ${b.id}: ${countsLine(b.counts)}; ${size(b.sizeBytes)} stored${b.rabbitmqVersion ? `; RabbitMQ ${b.rabbitmqVersion}` : ""}${b.node ? `; read from ${b.node} (${b.source === "management-api" ? "management API" : b.source})` : ""}`;

/** The cluster's live definitions, read from the first node that answers (nothing stored). */
export async function readLive(inv: ClusterInventory, o: { hosts?: string[]; signal?: AbortSignal } = {}) {
  if (!inv.nodes.length) throw new BackupError("invalid", `${inv.name} has no RabbitMQ nodes`);
  try {
    return await readDefinitions(await clusterIo(inv), o.hosts ?? readOrder(inv), o.signal);
  } catch (e) {
    if (e instanceof ReadError) throw new BackupError("failed", e.message);
    throw e;
  }
}

/**
 * Reads the cluster's definitions and stores them. A failure is recorded as
 * the cluster's last backup failure (the card and the overview show it) and
 * thrown. Retention runs after each backup.
 */
export async function takeBackup(clusterId: string, o: { createdBy: string; reason: string | null; hosts?: string[]; signal?: AbortSignal }): Promise<BackupMeta> {
  const inv = await inventory(clusterId);
  let read: Awaited<ReturnType<typeof readLive>>;
  try {
    read = await readLive(inv, o);
  } catch (e) {
    await recordFailure(clusterId, e instanceof Error ? e.message : String(e), o.createdBy);
    throw e;
  }
  const b = await insertBackup({ clusterId, createdBy: o.createdBy, reason: o.reason, source: read.via === "management API" ? "management-api" : "rabbitmqctl", node: read.node, text: read.text });
  await applyRetention(clusterId).catch((e) => logError("backup retention failed", e));
  return b;
}

export async function backupNow(clusterId: string, who: Principal): Promise<BackupMeta> {
  need(who, "operator", "Backing up");
  const inv = await inventory(clusterId);
  const b = await takeBackup(clusterId, { createdBy: who.username, reason: "asked for" });
  await audit(who, "backup.create", { type: "cluster", id: clusterId, name: inv.name }, backupLine(b));
  return b;
}

/** An external definitions file kept as a backup of the cluster (it can be restored like any other). */
export async function uploadBackup(clusterId: string, text: string, who: Principal, reason: string | null): Promise<BackupMeta> {
  need(who, "operator", "Uploading a backup");
  const inv = await inventory(clusterId);
  try {
    parseDefinitions(text);
  } catch (e) {
    if (e instanceof DefinitionsError) throw new BackupError("invalid", `The file is ${e.message}`);
    throw e;
  }
  const b = await insertBackup({ clusterId, createdBy: `upload by ${who.username}`, reason: reason || "uploaded", source: "upload", node: null, text });
  await applyRetention(clusterId).catch((e) => logError("backup retention failed", e));
  await audit(who, "backup.upload", { type: "cluster", id: clusterId, name: inv.name }, backupLine(b));
  return b;
}

/** The document as RabbitMQ wrote it: admins only, every download audited. */
export async function downloadBackup(backupId: string, who: Principal): Promise<{ meta: BackupMeta; text: string }> {
  need(who, "admin", "Downloading a backup (it holds password hashes)");
  const b = await backupText(backupId);
  if (!b) throw new BackupError("not-found", "no such backup");
  await audit(who, "backup.download", { type: "cluster", id: b.meta.clusterId, name: b.meta.clusterName }, backupLine(b.meta));
  return b;
}

export async function clusterBackups(clusterId: string): Promise<BackupMeta[]> {
  await inventory(clusterId);
  return listBackups(clusterId);
}

/** Every cluster's backups (what a restore may choose from), newest first. */
export const allBackups = (take = 500) => listBackups(undefined, take);

export async function backupInfo(clusterId: string, backupId: string): Promise<BackupMeta> {
  const b = await backupMeta(backupId);
  if (!b || b.clusterId !== clusterId) throw new BackupError("not-found", "no such backup of this cluster");
  return b;
}

export interface DiffResult {
  from: { kind: "backup"; backup: BackupMeta };
  to: { kind: "backup"; backup: BackupMeta } | { kind: "live"; cluster: string; node: string; via: string; rabbitmqVersion: string | null; prepared: boolean };
  diff: DefinitionsDiff;
  counts: ReturnType<typeof diffCounts>;
  total: { added: number; removed: number; changed: number };
  /** Comparing with the live cluster "as restored": what the restore would translate or leave out. */
  findings: Finding[];
}

/**
 * What differs from one backup to another, or from a backup to the live
 * cluster (`to` = "live": read now over SSH, so operators only). With
 * `prepared`, the backup is compared as a restore onto this cluster would
 * import it (translated for its version, Warren's own user and the cluster's
 * name left out): after a restore, that diff lists only what the restore kept.
 */
export async function diffBackups(clusterId: string, fromId: string, toId: string, who: Principal, o: { prepared?: boolean } = {}): Promise<DiffResult> {
  const inv = await inventory(clusterId);
  const from = await backupText(fromId);
  if (!from) throw new BackupError("not-found", `no backup ${fromId}`);
  let a = parseDefinitions(from.text);
  if (toId === "live") {
    need(who, "operator", "Comparing with the live cluster (Warren reads it over SSH)");
    const live = await readLive(inv);
    const b = parseDefinitions(live.text);
    let findings: Finding[] = [];
    if (o.prepared) {
      const rmq = inv.spec?.rabbitmq;
      const p = prepareForImport(a, { target: versionOf(b), adminUser: rmq?.management ? rmq.adminUser : null, clusterName: rmq?.clusterName ?? null });
      a = p.doc;
      findings = p.findings;
      // What the restore never touches is not a difference it left: Warren's own user, the cluster's name.
      b.users = b.users.filter((u) => !rmq?.management || u.name !== rmq.adminUser);
      b.global_parameters = b.global_parameters.filter((g) => g.name !== "cluster_name" && g.name !== INTERNAL_CLUSTER_ID);
      b.operator_policies = [];
    }
    const diff = diffDefinitions(a, b);
    return { from: { kind: "backup", backup: from.meta }, to: { kind: "live", cluster: inv.name, node: live.node, via: live.via, rabbitmqVersion: versionOf(b), prepared: !!o.prepared }, diff, counts: diffCounts(diff), total: totals(diff), findings };
  }
  const to = await backupText(toId);
  if (!to) throw new BackupError("not-found", `no backup ${toId}`);
  const diff = diffDefinitions(a, parseDefinitions(to.text));
  return { from: { kind: "backup", backup: from.meta }, to: { kind: "backup", backup: to.meta }, diff, counts: diffCounts(diff), total: totals(diff), findings: [] };
}
const totals = (d: DefinitionsDiff) => ({ added: d.added.length, removed: d.removed.length, changed: d.changed.length });

export async function backupSchedule(clusterId: string) {
  await inventory(clusterId);
  const [s, st] = await Promise.all([getSchedule(clusterId), backupStatuses([clusterId])]);
  return { schedule: { enabled: s.enabled, everyHours: s.everyHours, keepCount: s.keepCount, keepDays: s.keepDays }, status: st[clusterId], updatedBy: s.updatedBy };
}

export async function setBackupSchedule(clusterId: string, raw: unknown, who: Principal) {
  need(who, "operator", "Changing the backup schedule");
  const inv = await inventory(clusterId);
  const s = ScheduleInput.parse(raw);
  await saveSchedule(clusterId, s, who.username);
  const deleted = await applyRetention(clusterId);
  await audit(who, "backup.schedule", { type: "cluster", id: clusterId, name: inv.name },
    `${s.enabled ? `every ${s.everyHours} h` : "no scheduled backups"}; keep ${s.keepCount === null ? "any number" : `the newest ${s.keepCount}`}${s.keepDays === null ? "" : ` and everything from the last ${s.keepDays} days`}${deleted ? `; ${deleted} older backup(s) deleted` : ""}`);
  return backupSchedule(clusterId);
}

/** What a restore's planning reads (lib/ops/operation.ts GatherContext). */
export const gatherDefinitions: Omit<GatherContext, "migration"> = {
  async backup(id) {
    const b = await backupText(id);
    return b && { id: b.meta.id, clusterId: b.meta.clusterId, clusterName: b.meta.clusterName, createdAt: b.meta.createdAt, rabbitmqVersion: b.meta.rabbitmqVersion, text: b.text };
  },
  async liveDefinitions(inv) {
    const r = await readLive(inv);
    return { text: r.text, node: r.node, via: r.via };
  },
};

export { backupStatuses, totalOf };
