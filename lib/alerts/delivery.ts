import "server-only";
// The delivery worker, in the server process (started from
// instrumentation.ts like the runner). It sends what the outbox holds:
// woken when a notification is written, otherwise asleep until the next
// retry is due — no polling. Each attempt is recorded with the receiver's
// answer; the state machine is outbox.ts.
import { EventEmitter } from "node:events";
import { db, severalInstances } from "@/lib/db";
import { logError } from "@/lib/log";
import { deliver } from "./channels";
import { afterAttempt, truncate, type AttemptResult } from "./outbox";
import type { Payload } from "./render";

/** Sends in flight at once (receivers are independent; one slow one must not hold the rest). */
const CONCURRENCY = 8;
/** A safety net: look again at least this often, whatever the timers say. */
const MAX_SLEEP_MS = 60_000;
/** With several instances, notifications another instance wrote are looked for this often. */
const SHARED_SLEEP_MS = 2000;

export class DeliveryWorker {
  private readonly inflight = new Set<string>();
  private readonly events = new EventEmitter();
  private timer?: NodeJS.Timeout;
  private timerAt = Infinity;
  private pumping = false;
  private again = false;
  private started = false;

  constructor() {
    this.events.setMaxListeners(100);
  }

  /** Notifications a previous process left "sending" are sent again (at least once; receivers dedupe by id). */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.requeueOrphans("interrupted: Warren stopped during this attempt (the receiver may have it; it is sent again with the same id)");
    this.wake();
  }

  /**
   * Rows "sending" that no send of this process holds go back to pending:
   * left by a crash, or by an attempt whose result could not be recorded —
   * otherwise they would hold back every later notice of their incident.
   */
  private async requeueOrphans(answer: string): Promise<void> {
    const stale = await db().notification.findMany({ where: { status: "sending", id: { notIn: [...this.inflight] } }, select: { id: true } });
    const now = new Date();
    for (const n of stale) {
      if (this.inflight.has(n.id)) continue;
      await db().$transaction([
        db().deliveryAttempt.create({ data: { notificationId: n.id, at: now, ok: false, status: null, answer, durationMs: 0 } }),
        db().notification.updateMany({ where: { id: n.id, status: "sending" }, data: { status: "pending", nextAttemptAt: now } }),
      ]);
    }
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.started = false;
  }

  /** Something was written to the outbox (or a retry is due): look now. */
  wake(): void {
    // Only the instance holding the scheduled-work lease sends (lib/instances/work.ts); the
    // others only write the outbox, and the holder finds their rows within SHARED_SLEEP_MS.
    if (!this.started) return;
    if (this.pumping) { this.again = true; return; }
    void this.pump();
  }

  /** Resolves after the notification's next attempt is recorded, or after `timeoutMs`. */
  attempted(id: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => { clearTimeout(t); this.events.off(id, done); resolve(); };
      const t = setTimeout(done, timeoutMs);
      this.events.on(id, done);
    });
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    try {
      do {
        this.again = false;
        await this.requeueOrphans("its result could not be recorded (the receiver may have it; it is sent again with the same id)");
        const now = new Date();
        const due = await db().notification.findMany({ where: { status: "pending", nextAttemptAt: { lte: now } }, orderBy: { createdAt: "asc" }, take: CONCURRENCY * 4, select: { id: true, incidentId: true, channelId: true, createdAt: true } });
        for (const n of due) {
          if (this.inflight.size >= CONCURRENCY) break;
          if (this.inflight.has(n.id) || (await this.waitsForEarlier(n))) continue;
          this.launch(n.id);
        }
        // Full: the next send to finish looks again.
        if (this.inflight.size >= CONCURRENCY) continue;
        const next = await db().notification.findFirst({ where: { status: "pending", id: { notIn: [...this.inflight] } }, orderBy: { nextAttemptAt: "asc" }, select: { nextAttemptAt: true } });
        this.schedule(next?.nextAttemptAt?.getTime() ?? null);
      } while (this.again);
    } catch (e) {
      logError("delivery worker failed", e);
      this.schedule(Date.now() + 5000);
    } finally {
      this.pumping = false;
    }
  }

  /**
   * A receiver hears about an incident in order (firing before resolved): a
   * notification waits while an earlier one of the same incident to the same
   * channel is still to be delivered, until that one's next attempt (it is
   * looked at again whenever a send ends).
   */
  private async waitsForEarlier(n: { id: string; incidentId: string | null; channelId: string; createdAt: Date }): Promise<boolean> {
    if (!n.incidentId) return false;
    const earlier = await db().notification.findFirst({
      where: { incidentId: n.incidentId, channelId: n.channelId, status: { in: ["pending", "sending"] }, createdAt: { lt: n.createdAt } },
      orderBy: { createdAt: "asc" }, select: { status: true, nextAttemptAt: true },
    });
    if (!earlier) return false;
    const until = earlier.status === "pending" && earlier.nextAttemptAt ? Math.max(earlier.nextAttemptAt.getTime(), Date.now()) + 1 : Date.now() + 2000;
    await db().notification.update({ where: { id: n.id }, data: { nextAttemptAt: new Date(until) } });
    return true;
  }

  private schedule(at: number | null) {
    const when = Math.min(at ?? Infinity, Date.now() + (severalInstances() ? SHARED_SLEEP_MS : MAX_SLEEP_MS));
    if (this.timer && this.timerAt <= when) return;
    clearTimeout(this.timer);
    this.timerAt = when;
    this.timer = setTimeout(() => { this.timer = undefined; this.timerAt = Infinity; this.wake(); }, Math.max(0, when - Date.now()));
    this.timer.unref();
  }

  private launch(id: string) {
    this.inflight.add(id);
    void this.attempt(id)
      .catch((e) => logError("delivery failed", e))
      .finally(() => {
        this.inflight.delete(id);
        this.events.emit(id);
        this.wake();
      });
  }

  private async attempt(id: string): Promise<void> {
    // Claimed only if still pending: one attempt at a time per notification, whatever wakes the worker.
    const claimed = await db().notification.updateMany({ where: { id, status: "pending" }, data: { status: "sending" } });
    if (!claimed.count) return;
    const n = await db().notification.findUnique({ where: { id }, include: { channel: { select: { id: true, type: true, config: true, secretEnc: true } } } });
    if (!n) return;
    const t0 = Date.now();
    let r: AttemptResult;
    try {
      r = await deliver(n.channel, JSON.parse(n.payload) as Payload);
    } catch (e) {
      const ref = logError("channel send failed", e);
      r = { ok: false, retryable: true, status: null, answer: `internal error (ref ${ref})` };
    }
    const end = Date.now();
    const next = afterAttempt({ attempts: n.attempts, createdAt: n.createdAt.getTime() }, r, end);
    const record = () => db().$transaction([
      db().deliveryAttempt.create({ data: { notificationId: id, at: new Date(t0), ok: r.ok, status: r.status, answer: truncate(r.answer), durationMs: end - t0 } }),
      db().notification.update({
        where: { id },
        data: {
          status: next.status, attempts: next.attempts, nextAttemptAt: next.nextAttemptAt === null ? null : new Date(next.nextAttemptAt),
          sentAt: r.ok ? new Date(end) : null, lastError: r.ok ? null : truncate(r.answer),
        },
      }),
    ]);
    // A busy database must not lose a delivered notice's record: tried again; if it still fails, the
    // row stays "sending" and the next pump sends it again (same id) rather than holding its incident back.
    for (let i = 0; ; i++) {
      try { await record(); return; } catch (e) {
        if (i >= 2) throw e;
        await new Promise((res) => setTimeout(res, 250 * (i + 1)));
      }
    }
  }
}

const g = globalThis as unknown as { warrenDelivery?: DeliveryWorker };
export function deliveryWorker(): DeliveryWorker {
  g.warrenDelivery ??= new DeliveryWorker();
  return g.warrenDelivery;
}
