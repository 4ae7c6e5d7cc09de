// How long backups are kept and when the next scheduled one is due. Pure.
import { z } from "zod";

/** A cluster's backup schedule and retention, as the API and the card edit them. */
export const ScheduleInput = z.strictObject({
  enabled: z.boolean(),
  everyHours: z.number().int().min(1, "At least every hour").max(24 * 30, "At most every 30 days"),
  /** Keep the newest N backups (null: no limit by count). */
  keepCount: z.number().int().min(1, "Keep at least one").max(1000).nullable(),
  /** Keep every backup younger than N days (null: no limit by age). */
  keepDays: z.number().int().min(1, "At least a day").max(3650).nullable(),
});
export type ScheduleInput = z.infer<typeof ScheduleInput>;

/** Daily, keeping the newest 30 and everything from the last 30 days. */
export const DEFAULT_SCHEDULE: ScheduleInput = { enabled: true, everyHours: 24, keepCount: 30, keepDays: 30 };

/** After a failed scheduled backup, the next try comes sooner than the schedule's interval. */
export const RETRY_AFTER_FAILURE_MS = 3600_000;

/**
 * The backups retention deletes: a backup is kept when it is among the
 * newest keepCount, or younger than keepDays, or protected (a restore that
 * may still run needs it); the newest is always kept. With neither limit
 * set, every backup is kept.
 */
export function expiredBackups(backups: { id: string; createdAt: Date }[], r: Pick<ScheduleInput, "keepCount" | "keepDays">, now: Date, protect: ReadonlySet<string> = new Set()): string[] {
  if (r.keepCount === null && r.keepDays === null) return [];
  const newest = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  return newest.filter((b, i) => {
    if (i === 0 || protect.has(b.id)) return false;
    const byCount = r.keepCount !== null && i < r.keepCount;
    const byAge = r.keepDays !== null && now.getTime() - b.createdAt.getTime() < r.keepDays * 86_400_000;
    return !byCount && !byAge;
  }).map((b) => b.id);
}

/**
 * When the next scheduled backup is due: the schedule's interval after the
 * newest backup (of any kind) or the last scheduled attempt, whichever is
 * later; an hour after a failure that no backup has followed; now when there
 * has been neither. null when the schedule is off.
 */
export function nextDue(s: Pick<ScheduleInput, "enabled" | "everyHours">, o: { latestAt: Date | null; lastAttemptAt: Date | null; lastErrorAt: Date | null }, now: Date): Date | null {
  if (!s.enabled) return null;
  const times = [o.latestAt, o.lastAttemptAt].filter((t): t is Date => !!t).map((t) => t.getTime());
  if (!times.length) return now;
  const failed = !!o.lastErrorAt && (!o.latestAt || o.lastErrorAt > o.latestAt);
  const every = s.everyHours * 3600_000;
  return new Date(Math.max(...times) + (failed ? Math.min(RETRY_AFTER_FAILURE_MS, every) : every));
}
