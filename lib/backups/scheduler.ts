import "server-only";
// Scheduled backups, inside the server process (started from
// instrumentation.ts like the runner and the collector): once a minute, each
// cluster that is set up and due (retention.ts nextDue) is backed up — one at
// a time, never while an operation runs on it (its run backs up first when it
// can lose state) — and retention runs. Failures are recorded on the
// cluster's schedule row: the card and the overview show them.
import { db } from "@/lib/db";
import { logError } from "@/lib/log";
import { ACTIVE_RUN } from "@/lib/ops/engine/types";
import { takeBackup } from "./service";
import { applyRetention, backupStatuses, recordAttempt } from "./store";

const TICK_MS = 60_000;

export class BackupScheduler {
  private timer?: NodeJS.Timeout;
  private ticking = false;

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
    // Not at once: the collector and the runner get the first seconds after a start.
    setTimeout(() => void this.tick(), 15_000).unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  async tick(now = new Date()): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    try {
      // Set up: a spec recorded (the RabbitMQ Warren built is there to read).
      const clusters = await db().cluster.findMany({ where: { specs: { some: {} } }, select: { id: true } });
      const ids = clusters.map((c) => c.id);
      const status = await backupStatuses(ids, now);
      const busy = new Set((await db().run.findMany({ where: { clusterId: { in: ids }, status: { in: [...ACTIVE_RUN] } }, select: { clusterId: true } })).map((r) => r.clusterId));
      for (const id of ids) {
        const s = status[id];
        if (s.nextAt && s.nextAt <= now && !busy.has(id)) {
          await recordAttempt(id, now);
          await takeBackup(id, { createdBy: "schedule", reason: `scheduled (every ${s.schedule.everyHours} h)` }).catch(() => { /* recorded as the cluster's last failure */ });
        }
        await applyRetention(id, now).catch((e) => logError("backup retention failed", e));
      }
    } catch (e) {
      logError("backup scheduler tick failed", e);
    } finally {
      this.ticking = false;
    }
  }
}

const g = globalThis as unknown as { warrenBackupScheduler?: BackupScheduler };
export function backupScheduler(): BackupScheduler {
  g.warrenBackupScheduler ??= new BackupScheduler();
  return g.warrenBackupScheduler;
}
