import "server-only";
// Where backups live: one row per backup in SQLite, the document gzipped and
// sealed (pack.ts); one schedule row per cluster (made with the defaults when
// first needed), holding the last failure of any backup of that cluster.
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { ACTIVE_RUN, RETRYABLE_RUN } from "@/lib/ops/engine/types";
import { countsOf, parseDefinitions, versionOf, type Counts } from "./definitions";
import { pack, unpack } from "./pack";
import { DEFAULT_SCHEDULE, expiredBackups, nextDue, type ScheduleInput } from "./retention";

export interface BackupMeta {
  id: string;
  clusterId: string;
  clusterName: string;
  createdAt: Date;
  createdBy: string;
  reason: string | null;
  source: string;
  node: string | null;
  rabbitmqVersion: string | null;
  sizeBytes: number;
  plainBytes: number;
  counts: Counts;
  sha256: string;
}

const META = {
  id: true, clusterId: true, createdAt: true, createdBy: true, reason: true, source: true, node: true, rabbitmqVersion: true,
  sizeBytes: true, plainBytes: true, counts: true, sha256: true, cluster: { select: { name: true } },
} as const;

type MetaRow = { id: string; clusterId: string; createdAt: Date; createdBy: string; reason: string | null; source: string; node: string | null; rabbitmqVersion: string | null; sizeBytes: number; plainBytes: number; counts: string; sha256: string; cluster: { name: string } };
const meta = ({ cluster, counts, ...r }: MetaRow): BackupMeta => ({ ...r, clusterName: cluster.name, counts: JSON.parse(counts) as Counts });

/** Stores a document (already known to parse) as a backup of the cluster. */
export async function insertBackup(o: { clusterId: string; createdBy: string; reason: string | null; source: string; node: string | null; text: string }): Promise<BackupMeta> {
  const d = parseDefinitions(o.text);
  const p = pack(secretBox(), o.text);
  const row = await db().definitionsBackup.create({
    data: {
      clusterId: o.clusterId, createdBy: o.createdBy.slice(0, 160), reason: o.reason?.slice(0, 300) ?? null, source: o.source, node: o.node,
      rabbitmqVersion: versionOf(d)?.slice(0, 64) ?? null, sizeBytes: p.sizeBytes, plainBytes: p.plainBytes, counts: JSON.stringify(countsOf(d)), sha256: p.sha256,
      blobEnc: new Uint8Array(p.blob),
    },
    select: META,
  });
  return meta(row);
}

export async function listBackups(clusterId?: string, take = 200): Promise<BackupMeta[]> {
  return (await db().definitionsBackup.findMany({ where: clusterId ? { clusterId } : {}, orderBy: { createdAt: "desc" }, take, select: META })).map(meta);
}

export async function backupMeta(id: string): Promise<BackupMeta | null> {
  const r = await db().definitionsBackup.findUnique({ where: { id }, select: META });
  return r ? meta(r) : null;
}

/** The document, opened (it holds password hashes: never for the browser without an admin's audited download). */
export async function backupText(id: string): Promise<{ meta: BackupMeta; text: string } | null> {
  const r = await db().definitionsBackup.findUnique({ where: { id }, select: { ...META, blobEnc: true } });
  if (!r) return null;
  const { blobEnc, ...m } = r;
  return { meta: meta(m), text: unpack(secretBox(), blobEnc, r.sha256) };
}

export async function newestBackup(clusterId: string): Promise<BackupMeta | null> {
  const r = await db().definitionsBackup.findFirst({ where: { clusterId }, orderBy: { createdAt: "desc" }, select: META });
  return r ? meta(r) : null;
}

// ---- Schedule and failures ---------------------------------------------------

export interface ScheduleRow extends ScheduleInput {
  lastAttemptAt: Date | null;
  lastError: string | null;
  lastErrorAt: Date | null;
  lastErrorBy: string | null;
  updatedBy: string | null;
}

export async function getSchedule(clusterId: string): Promise<ScheduleRow> {
  const r = await db().backupSchedule.findUnique({ where: { clusterId } });
  if (!r) return { ...DEFAULT_SCHEDULE, lastAttemptAt: null, lastError: null, lastErrorAt: null, lastErrorBy: null, updatedBy: null };
  return { enabled: r.enabled, everyHours: r.everyHours, keepCount: r.keepCount, keepDays: r.keepDays, lastAttemptAt: r.lastAttemptAt, lastError: r.lastError, lastErrorAt: r.lastErrorAt, lastErrorBy: r.lastErrorBy, updatedBy: r.updatedBy };
}

export async function saveSchedule(clusterId: string, s: ScheduleInput, by: string): Promise<void> {
  await db().backupSchedule.upsert({ where: { clusterId }, create: { clusterId, ...s, updatedBy: by }, update: { ...s, updatedBy: by } });
}

export async function recordAttempt(clusterId: string, at: Date): Promise<void> {
  await db().backupSchedule.upsert({ where: { clusterId }, create: { clusterId, ...DEFAULT_SCHEDULE, lastAttemptAt: at }, update: { lastAttemptAt: at } });
}

export async function recordFailure(clusterId: string, message: string, by: string): Promise<void> {
  const data = { lastError: message.slice(0, 2000), lastErrorAt: new Date(), lastErrorBy: by.slice(0, 160) };
  await db().backupSchedule.upsert({ where: { clusterId }, create: { clusterId, ...DEFAULT_SCHEDULE, ...data }, update: data });
}

/** Backups a restore that may still run (queued, running, paused, or failed and retryable) reads: retention keeps them. */
async function inUse(): Promise<Set<string>> {
  const runs = await db().run.findMany({ where: { type: "restore", status: { in: [...ACTIVE_RUN, ...RETRYABLE_RUN] } }, select: { params: true } });
  return new Set(runs.map((r) => { try { return String((JSON.parse(r.params) as { backupId?: unknown }).backupId ?? ""); } catch { return ""; } }).filter(Boolean));
}

/** Deletes what the cluster's retention no longer keeps; how many. */
export async function applyRetention(clusterId: string, now = new Date()): Promise<number> {
  const s = await getSchedule(clusterId);
  const all = await db().definitionsBackup.findMany({ where: { clusterId }, select: { id: true, createdAt: true } });
  const expired = expiredBackups(all, s, now, await inUse());
  if (expired.length) await db().definitionsBackup.deleteMany({ where: { id: { in: expired } } });
  return expired.length;
}

export interface BackupStatus {
  latest: { id: string; createdAt: Date; createdBy: string } | null;
  count: number;
  schedule: ScheduleInput;
  nextAt: Date | null;
  /** The last backup that failed, and whether none has succeeded since. */
  lastFailure: { message: string; at: Date; by: string | null; since: boolean } | null;
}

/** Each cluster's backups at a glance (the overview, the card). */
export async function backupStatuses(clusterIds: string[], now = new Date()): Promise<Record<string, BackupStatus>> {
  if (!clusterIds.length) return {};
  const [latest, counts, schedules] = await Promise.all([
    db().definitionsBackup.groupBy({ by: ["clusterId"], where: { clusterId: { in: clusterIds } }, _max: { createdAt: true } }),
    db().definitionsBackup.groupBy({ by: ["clusterId"], where: { clusterId: { in: clusterIds } }, _count: { _all: true } }),
    db().backupSchedule.findMany({ where: { clusterId: { in: clusterIds } } }),
  ]);
  const newest = await Promise.all(latest.filter((l) => l._max.createdAt).map((l) =>
    db().definitionsBackup.findFirst({ where: { clusterId: l.clusterId, createdAt: l._max.createdAt! }, select: { id: true, clusterId: true, createdAt: true, createdBy: true } })));
  const out: Record<string, BackupStatus> = {};
  for (const id of clusterIds) {
    const r = schedules.find((x) => x.clusterId === id);
    const s: ScheduleInput = r ? { enabled: r.enabled, everyHours: r.everyHours, keepCount: r.keepCount, keepDays: r.keepDays } : DEFAULT_SCHEDULE;
    const l = newest.find((n) => n?.clusterId === id) ?? null;
    const failing = !!r?.lastErrorAt && (!l || r.lastErrorAt > l.createdAt);
    out[id] = {
      latest: l && { id: l.id, createdAt: l.createdAt, createdBy: l.createdBy },
      count: counts.find((c) => c.clusterId === id)?._count._all ?? 0,
      schedule: s,
      nextAt: nextDue(s, { latestAt: l?.createdAt ?? null, lastAttemptAt: r?.lastAttemptAt ?? null, lastErrorAt: failing ? r!.lastErrorAt : null }, now),
      lastFailure: r?.lastError && r.lastErrorAt ? { message: r.lastError, at: r.lastErrorAt, by: r.lastErrorBy, since: failing } : null,
    };
  }
  return out;
}
