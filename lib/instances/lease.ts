// Leases: which Warren instance does a piece of work. Pure decisions here; the
// database side is lib/instances/keeper.ts.
//
// A lease row names its holder and an epoch that grows at every change of
// holder, and is good until expiresAt unless renewed. An instance renews its
// leases well before they expire and takes a lease only once it has expired,
// each by one conditional write (holder and epoch unchanged since read), so
// two instances never both believe they hold one. Fencing: the holder also
// counts its lease good only until (when it last renewed, by its own monotonic
// clock) + ttl − margin — a process frozen past that (a GC pause, SIGSTOP, a
// cut to the database) finds its lease stale before its next step and asks
// the database again instead of acting.

/** The scheduled work (backups, notification outbox, retention) runs on the holder of this lease. */
export const SCHEDULED_WORK = "scheduled-work";

export interface LeaseRow {
  name: string;
  holderId: string;
  epoch: number;
  acquiredAt: Date;
  expiresAt: Date;
}

export type LeaseAction =
  | { do: "create" }
  | { do: "renew"; epoch: number }
  | { do: "take"; epoch: number; from: string }
  | { do: "wait"; holderId: string; expiresAt: Date };

/**
 * What an instance does about one lease it wants, given the row as read (null:
 * none yet). `sole`: no other instance can exist (SQLite), so a lease an earlier
 * process left is taken at once instead of waiting for it to expire.
 */
export function leaseAction(row: LeaseRow | null, me: string, now: Date, sole = false): LeaseAction {
  if (!row) return { do: "create" };
  if (row.holderId === me) return { do: "renew", epoch: row.epoch };
  if (sole || row.expiresAt.getTime() <= now.getTime()) return { do: "take", epoch: row.epoch, from: row.holderId };
  return { do: "wait", holderId: row.holderId, expiresAt: row.expiresAt };
}

/**
 * How long, on the holder's monotonic clock, a lease renewed at `renewedAtMs`
 * may be acted on: the ttl less a margin for the time the write took and for
 * clocks that differ. Never negative.
 */
export function goodUntil(renewStartedMs: number, ttlMs: number): number {
  const margin = Math.min(1000, ttlMs / 4);
  return renewStartedMs + Math.max(0, ttlMs - margin);
}

/** Leases worth renewing: every ttl/4 (at most each second), so one missed write does not lose them. */
export const renewEveryMs = (ttlMs: number) => Math.min(1000, Math.max(250, ttlMs / 4));

export class LeaseLostError extends Error {
  override readonly name = "LeaseLostError";
  constructor(readonly lease: string, why: string) {
    super(`this Warren instance no longer holds the lease on ${lease} (${why}): another instance carries its work on`);
  }
}

/** By name, not instanceof: Next.js may bundle this module more than once in one process. */
export const isLeaseLost = (e: unknown): e is LeaseLostError => e instanceof Error && e.name === "LeaseLostError";
