import "server-only";
// Alarm transitions and history samples in SQLite.
import { db } from "@/lib/db";
import type { Alarm } from "./derive";
import { bucket, RESOLUTIONS, type Sample } from "./history";

/** Alarms still open (raised, not cleared) per cluster, so a restart of Warren continues the timeline. */
export async function openAlarms(clusterId: string): Promise<Map<string, { id: string; raisedAt: Date }>> {
  const rows = await db().healthEvent.findMany({ where: { clusterId, clearedAt: null }, select: { id: true, alarmId: true, raisedAt: true } });
  return new Map(rows.map((r) => [r.alarmId, { id: r.id, raisedAt: r.raisedAt }]));
}

export async function raiseAlarm(clusterId: string, a: Alarm, at: Date): Promise<string> {
  const row = await db().healthEvent.create({ data: { clusterId, alarmId: a.id, severity: a.severity, subject: a.subject, message: a.message, raisedAt: at } });
  return row.id;
}

export async function clearAlarm(eventId: string, at: Date): Promise<void> {
  await db().healthEvent.update({ where: { id: eventId }, data: { clearedAt: at } });
}

export async function recordSample(clusterId: string, s: Sample, now: number, windowMs: number): Promise<void> {
  const data = JSON.stringify(s);
  for (const r of RESOLUTIONS) {
    const at = new Date(bucket(now, r.res));
    await db().healthSample.upsert({ where: { clusterId_res_at: { clusterId, res: r.res, at } }, create: { clusterId, res: r.res, at, data }, update: { data } });
    await db().healthSample.deleteMany({ where: { clusterId, res: r.res, at: { lt: new Date(now - (r.keepMs ?? windowMs)) } } });
  }
}

export async function alarmTimeline(clusterId: string, take = 200) {
  return db().healthEvent.findMany({ where: { clusterId }, orderBy: { raisedAt: "desc" }, take, select: { alarmId: true, severity: true, subject: true, message: true, raisedAt: true, clearedAt: true } });
}

/** History for a span: the 10-s samples when it fits in their hour, else the 1-min ones. */
export async function history(clusterId: string, spanMs: number, now = Date.now()) {
  const res = spanMs <= 3600_000 ? 10 : 60;
  const rows = await db().healthSample.findMany({ where: { clusterId, res, at: { gte: new Date(now - spanMs) } }, orderBy: { at: "asc" }, select: { at: true, data: true } });
  return { res, samples: rows.map((r) => ({ at: r.at.toISOString(), ...(JSON.parse(r.data) as Sample) })) };
}
