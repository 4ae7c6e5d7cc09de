import "server-only";
// Password guessing, slowed down: per account, consecutive failures from
// anywhere; per source address, all failures. Over the limit, attempts are
// refused for a while that doubles with each block (1 min up to 15 min) —
// never for good, so the only admin is never locked out. The right password
// resets the account's count. Attempts are counted before any password is
// hashed, so a blocked source costs the server almost nothing. Login and
// "change password" share these counts: both check a password.
//
// The source is the TCP peer (lib/net/client-address.ts), never a header a
// client can write. Failures are audited at most once a minute per source
// and kind (login, "change password"), with the count since, so a flood
// cannot flood the audit log either.
import { env } from "@/lib/env";
import { Pool } from "pg";
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { audit } from "@/lib/audit";
import { logError } from "@/lib/log";

export const ACCOUNT_FAILURES = 20;
export const ADDRESS_FAILURES = 100;
const MAX_BLOCK_S = 15 * 60;
/** The first block's length; each further block within the hour doubles it (tests shorten it). */

export class TooManyAttemptsError extends Error {
  override readonly name = "TooManyAttemptsError";
  constructor(readonly retryAfterS: number) {
    super(`Too many failed logins: try again in ${retryAfterS} s`);
  }
}

/**
 * By name, not instanceof: the throttle is one instance per process, but
 * Next.js bundles this module once per layer (pages, route handlers), so
 * the instance may throw another copy's class.
 */
export function isTooManyAttempts(e: unknown): e is TooManyAttemptsError {
  return e instanceof Error && e.name === "TooManyAttemptsError" && typeof (e as { retryAfterS?: unknown }).retryAfterS === "number";
}

type Limiter = RateLimiterAbstract;

/**
 * The counts live where every instance sees them: in PostgreSQL when Warren runs on it
 * (several instances behind a load balancer must not each allow their own 20 guesses),
 * else in this process — the only one.
 */
function limiter(o: { keyPrefix: string; points: number; duration: number }): Limiter {
  const url = env().WARREN_DATABASE_URL;
  if (!url) return new RateLimiterMemory(o);
  if (!g.warrenThrottlePool) {
    g.warrenThrottlePool = new Pool({ connectionString: url, max: 2 });
    // An idle connection's error (the database restarted) must not end the process; the next query reconnects.
    g.warrenThrottlePool.on("error", (e) => logError("login throttle's database connection failed", e));
  }
  // The table is made once, before the first count (tableReady); the limiter's own creation is off.
  return new RateLimiterPostgres({ ...o, storeClient: g.warrenThrottlePool, storeType: "pool", tableName: THROTTLE_TABLE, tableCreated: true, clearExpiredByTimeout: true });
}

const THROTTLE_TABLE = "warren_login_throttle";

/** rate-limiter-flexible's table (its own layout, outside Prisma's models). Instances starting together may race: the loser's error is harmless. */
async function tableReady(): Promise<void> {
  if (!g.warrenThrottlePool) return;
  g.warrenThrottleTable ??= g.warrenThrottlePool
    .query(`CREATE TABLE IF NOT EXISTS ${THROTTLE_TABLE} (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`)
    .then(() => {}, async (e) => {
      const r = await g.warrenThrottlePool!.query("SELECT to_regclass($1) AS t", [THROTTLE_TABLE]);
      if (!r.rows[0]?.t) { g.warrenThrottleTable = undefined; throw e; }
    });
  await g.warrenThrottleTable;
}

class Throttle {
  private readonly account = limiter({ keyPrefix: "acct", points: ACCOUNT_FAILURES, duration: 60 * 60 });
  private readonly address = limiter({ keyPrefix: "addr", points: ADDRESS_FAILURES, duration: 10 * 60 });
  /** How many times each key was blocked in the last hour: the next block lasts twice as long. */
  private readonly blocks = limiter({ keyPrefix: "blk", points: 1_000_000, duration: 60 * 60 });
  private readonly lastAudit = new Map<string, { at: number; count: number; accounts: Set<string> }>();

  /** One attempt uses a point of the account and of the address before the password is checked (parallel guesses count too). */
  private async take(l: Limiter, key: string, username: string, ip: string): Promise<void> {
    try {
      await l.consume(key);
    } catch (r) {
      const res = r as RateLimiterRes;
      if (!(res instanceof RateLimiterRes)) throw r;
      if (res.consumedPoints === l.points + 1) {
        const n = (await this.blocks.consume(`${l.keyPrefix}:${key}`)).consumedPoints;
        const secs = Math.min(MAX_BLOCK_S, env().WARREN_LOGIN_BLOCK_SECONDS * 2 ** (n - 1));
        await l.block(key, secs);
        await audit(username.slice(0, 64) || "(empty)", "login.blocked", { type: l === this.account ? "user" : "address", name: l === this.account ? username.slice(0, 64) : ip },
          `${l.points} failed logins${l === this.account ? "" : " from this address"} (last from ${ip}); refused for ${secs} s`);
        throw new TooManyAttemptsError(secs);
      }
      throw new TooManyAttemptsError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));
    }
  }

  async attempt(username: string, ip: string): Promise<void> {
    await tableReady();
    await this.take(this.address, ip, username, ip);
    await this.take(this.account, username.toLowerCase(), username, ip);
  }

  /** A wrong password; `what` says where it was tried (the login, or "change password" with a session). */
  async failed(username: string, ip: string, what: "login" | "password-change" = "login"): Promise<void> {
    const name = username.slice(0, 64).toLowerCase();
    const key = `${what}|${ip}`;
    const last = this.lastAudit.get(key);
    if (last && Date.now() - last.at < 60_000) {
      last.count++;
      if (last.accounts.size < 100) last.accounts.add(name);
      return;
    }
    this.lastAudit.set(key, { at: Date.now(), count: 0, accounts: new Set([name]) });
    if (this.lastAudit.size > 10_000) this.lastAudit.clear();
    const action = what === "login" ? "login.failed" : "user.change-password-failed";
    const since = last?.count ? `${last.count + 1} failed attempts from this address in the last minute or so, on ${last.accounts.size}${last.accounts.size >= 100 ? "+" : ""} account(s)` : undefined;
    await audit(username.slice(0, 64) || "(empty)", action, { type: "address", name: ip }, since);
  }

  /** The right password: the account's count starts again, and the address gets its point back (only failures count). */
  async succeeded(username: string, ip: string): Promise<void> {
    await this.account.delete(username.toLowerCase());
    await this.address.reward(ip, 1);
  }
}

const g = globalThis as unknown as { warrenThrottle?: Throttle; warrenThrottlePool?: Pool; warrenThrottleTable?: Promise<void> };
export const throttle = () => (g.warrenThrottle ??= new Throttle());

