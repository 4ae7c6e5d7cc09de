// The outbox's state machine, pure: a notification is written "pending" in
// the same transaction as the incident transition it announces; the worker
// claims it ("sending"), and each attempt either delivers it ("sent", never
// sent again), schedules the next attempt with exponential backoff, or —
// refused for good, or out of its retry window — gives up ("failed").
// A notification left "sending" by a Warren that died goes back to
// "pending" at start-up: at least once to the receiver, which drops a
// repeat by the notification id every channel carries.

export const NOTIFICATION_STATUSES = ["pending", "sending", "sent", "failed"] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

/** How long Warren keeps trying a receiver that is down. */
export const RETRY_WINDOW_MS = 3600_000;
/** The longest wait between two attempts: a receiver back from an outage gets its notifications within this. */
export const MAX_BACKOFF_MS = 30_000;
/** What of a receiver's answer the delivery log keeps. */
export const ANSWER_MAX = 500;

/** The wait after `failures` failed attempts: 1 s, 2 s, 4 s … up to 30 s, plus up to 20% so receivers coming back are not hit all at once. */
export function backoffMs(failures: number, rand = Math.random()): number {
  const base = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.max(0, failures - 1));
  return Math.round(base * (1 + 0.2 * rand));
}

/** What one attempt came to. `retryAfterMs`: the receiver asked for a wait (HTTP 429/503 Retry-After). */
export interface AttemptResult { ok: boolean; retryable: boolean; status: number | null; answer: string; retryAfterMs?: number }

/** An HTTP answer: 2xx delivered; 408, 429 and 5xx worth another try; any other refusal is final (a bad URL, a rejected signature). */
export function classifyHttp(status: number): { ok: boolean; retryable: boolean } {
  if (status >= 200 && status < 300) return { ok: true, retryable: false };
  return { ok: false, retryable: status === 408 || status === 429 || status >= 500 };
}

/** An SMTP reply code of a failed send: 4xx is temporary, 5xx final. A connection that failed (no code) is worth another try. */
export function classifySmtp(code: number | null): { retryable: boolean } {
  return { retryable: code === null || (code >= 400 && code < 500) };
}

export interface OutboxRow { attempts: number; createdAt: number }

/** The row after an attempt: its status, attempt count and when to try next (null: never again). */
export function afterAttempt(row: OutboxRow, r: AttemptResult, now: number, rand = Math.random()): { status: NotificationStatus; attempts: number; nextAttemptAt: number | null } {
  const attempts = row.attempts + 1;
  if (r.ok) return { status: "sent", attempts, nextAttemptAt: null };
  if (!r.retryable) return { status: "failed", attempts, nextAttemptAt: null };
  const wait = Math.max(backoffMs(attempts, rand), Math.min(r.retryAfterMs ?? 0, MAX_BACKOFF_MS * 4));
  const next = now + wait;
  if (next > row.createdAt + RETRY_WINDOW_MS) return { status: "failed", attempts, nextAttemptAt: null };
  return { status: "pending", attempts, nextAttemptAt: next };
}

/** A Retry-After header (seconds, or an HTTP date) as a wait in ms. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (!header) return undefined;
  const s = Number(header);
  if (Number.isFinite(s) && s >= 0) return s * 1000;
  const t = Date.parse(header);
  return Number.isFinite(t) ? Math.max(0, t - now) : undefined;
}

export const truncate = (s: string, max = ANSWER_MAX) => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
