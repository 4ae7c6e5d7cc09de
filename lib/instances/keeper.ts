import "server-only";
// This process's leases (lib/instances/lease.ts for the rules): renewed every
// second or so, taken when another instance's expire, given up when their
// work is gone. The runner, the collector and the scheduled work ask it what
// they own; every step of a run asks it first (fencing).
import os from "node:os";
import { randomUUID } from "node:crypto";
import { db, severalInstances } from "@/lib/db";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { goodUntil, leaseAction, LeaseLostError, renewEveryMs, SCHEDULED_WORK, type LeaseRow } from "./lease";

/** Where leases live: each write is one conditional statement, so two instances never both succeed. */
export interface LeaseStore {
  seen(instance: { id: string; name: string; startedAt: Date }, at: Date): Promise<void>;
  gone(instanceId: string): Promise<void>;
  /** The names of the work there is to hold: every cluster, and the scheduled work. */
  work(): Promise<string[]>;
  read(names: string[]): Promise<LeaseRow[]>;
  /** false: a lease of that name exists already. */
  create(row: LeaseRow): Promise<boolean>;
  /** Only if still held by `holderId` at `epoch`. */
  renew(name: string, holderId: string, epoch: number, expiresAt: Date): Promise<boolean>;
  /** Only if still held by `from` at `epoch` and (unless `expiredBy` is null) expired by then. */
  take(name: string, from: string, epoch: number, expiredBy: Date | null, row: LeaseRow): Promise<boolean>;
  /** The work is gone (a deleted cluster): its lease and its live view go too. */
  release(name: string, holderId: string): Promise<void>;
  /** A clean stop: the lease expires now (kept, with its epoch), so another instance takes it — and carries its run on — at once. */
  expire(name: string, holderId: string, at: Date): Promise<void>;
}

export interface Clock { wall(): number; monotonic(): number }
const systemClock: Clock = { wall: () => Date.now(), monotonic: () => performance.now() };

let pruned = false;

export const prismaLeaseStore: LeaseStore = {
  async seen(i, at) {
    await db().instance.upsert({ where: { id: i.id }, create: { ...i, renewedAt: at }, update: { renewedAt: at } });
    // Once per process: rows of instances gone for a week are forgotten.
    if (!pruned) {
      pruned = true;
      await db().instance.deleteMany({ where: { renewedAt: { lt: new Date(at.getTime() - 7 * 24 * 3600_000) } } });
    }
  },
  async gone(id) {
    await db().instance.deleteMany({ where: { id } });
  },
  async work() {
    return [SCHEDULED_WORK, ...(await db().cluster.findMany({ select: { id: true } })).map((c) => c.id)];
  },
  read(names) {
    return db().lease.findMany({ where: { name: { in: names } } });
  },
  async create(row) {
    try {
      await db().lease.create({ data: row });
      return true;
    } catch {
      return false; // another instance created it first: the next pass reads it
    }
  },
  async renew(name, holderId, epoch, expiresAt) {
    return (await db().lease.updateMany({ where: { name, holderId, epoch }, data: { expiresAt } })).count === 1;
  },
  async take(name, from, epoch, expiredBy, row) {
    const expired = expiredBy ? { expiresAt: { lte: expiredBy } } : {};
    return (await db().lease.updateMany({ where: { name, holderId: from, epoch, ...expired }, data: { holderId: row.holderId, epoch: row.epoch, acquiredAt: row.acquiredAt, expiresAt: row.expiresAt } })).count === 1;
  },
  async release(name, holderId) {
    await db().lease.deleteMany({ where: { name, holderId } });
    await db().liveHealth.deleteMany({ where: { clusterId: name } });
  },
  async expire(name, holderId, at) {
    await db().lease.updateMany({ where: { name, holderId }, data: { expiresAt: at } });
  },
};

export interface LeaseListener {
  /** `from`: the instance that held it before (null: nobody had). The lease does not count as held (holds) until every listener's acquired has returned. */
  acquired?(name: string, from: string | null): void | Promise<void>;
  /** After acquired: the work may start (holds is true from now on). */
  ready?(name: string): void;
  lost?(name: string): void;
}

interface Held { epoch: number; goodUntil: number; acquiredAt: Date; ready: boolean }

export class LeaseKeeper {
  readonly id = randomUUID();
  readonly name: string;
  readonly startedAt = new Date();
  private readonly held = new Map<string, Held>();
  private readonly listeners = new Set<LeaseListener>();
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private lastTickOk: Date | null = null;
  private lastError: string | null = null;

  constructor(private readonly o: {
    store: LeaseStore;
    ttlMs: number;
    /** SQLite: this is the only instance there can be, so a lease left by an earlier process is taken at once. */
    sole: boolean;
    name: string;
    clock?: Clock;
  }) {
    this.name = o.name;
    this.ttlMs = o.ttlMs;
    this.sole = o.sole;
    this.store = o.store;
    this.clock = o.clock ?? systemClock;
  }

  private readonly ttlMs: number;
  private readonly sole: boolean;
  private readonly store: LeaseStore;
  private readonly clock: Clock;

  on(l: LeaseListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  async start(): Promise<void> {
    if (this.timer) return;
    await this.tick();
    this.timer = setInterval(() => void this.tick(), renewEveryMs(this.ttlMs));
    this.timer.unref();
  }

  /** Gives every lease up at once (a clean stop), so another instance need not wait for them to expire. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    const names = [...this.held.keys()];
    this.held.clear();
    for (const n of names) for (const l of this.listeners) l.lost?.(n);
    for (const n of names) await this.store.expire(n, this.id, new Date(this.clock.wall())).catch(() => {});
    await this.store.gone(this.id).catch(() => {});
  }

  /** Whether this instance may do the work now (by its own clock; see assertHeld for a step). */
  holds(name: string): boolean {
    const h = this.held.get(name);
    return !!h && h.ready && this.clock.monotonic() < h.goodUntil;
  }

  /** The epoch of a lease this instance holds (a run remembers it: a lease lost and taken again is another tenure). */
  epochOf(name: string): number | undefined {
    const h = this.held.get(name);
    return h?.ready ? h.epoch : undefined;
  }

  heldNames(): string[] {
    return [...this.held.keys()];
  }

  state(): { instanceId: string; name: string; leases: number; lastRenewedAt: string | null; error: string | null } {
    return { instanceId: this.id, name: this.name, leases: this.held.size, lastRenewedAt: this.lastTickOk?.toISOString() ?? null, error: this.lastError };
  }

  /**
   * Fencing, before each step touches a host and before each of its writes:
   * throws LeaseLostError unless this instance still holds `name`. Past the
   * lease's good-until on this process's monotonic clock (it was frozen, or
   * could not reach the database), the database decides: renewed when the
   * lease is still ours and unchanged, else lost.
   */
  async assertHeld(name: string, epoch?: number): Promise<void> {
    const h = this.held.get(name);
    if (!h || !h.ready) throw new LeaseLostError(name, "not held");
    if (epoch !== undefined && h.epoch !== epoch) throw new LeaseLostError(name, `held again since (epoch ${h.epoch}, the run began under ${epoch})`);
    // Close to its end (a step may take a moment to reach its host), the database decides too.
    if (this.clock.monotonic() < h.goodUntil - Math.min(1000, this.ttlMs / 4)) return;
    if (!(await this.renew(name, h.epoch))) {
      this.drop(name);
      throw new LeaseLostError(name, "it expired and another instance may have taken it");
    }
  }

  /** One pass: this instance seen, its leases renewed, expired ones it wants taken. */
  tick(): Promise<void> {
    // A pass that hangs (a database that stopped answering) must not stop every later one: after a ttl the next may start.
    const timeout = new Promise<void>((r) => setTimeout(r, this.ttlMs).unref?.());
    this.ticking ??= Promise.race([this.pass(), timeout]).finally(() => { this.ticking = undefined; });
    return this.ticking;
  }

  private async pass(): Promise<void> {
    try {
      await this.store.seen({ id: this.id, name: this.name, startedAt: this.startedAt }, new Date(this.clock.wall()));
      const wanted = new Set(await this.store.work());
      const rows = new Map((await this.store.read([...new Set([...wanted, ...this.held.keys()])])).map((r) => [r.name, r]));
      for (const name of wanted) await this.want(name, rows.get(name) ?? null);
      // Work that is gone (a deleted cluster): its lease goes too.
      for (const name of [...this.held.keys()]) if (!wanted.has(name)) {
        this.drop(name);
        await this.store.release(name, this.id);
      }
      this.lastTickOk = new Date(this.clock.wall());
      this.lastError = null;
    } catch (e) {
      this.lastError = e instanceof Error ? e.message.split("\n")[0] : String(e);
      logError("lease renewal failed", e);
    }
  }

  private async want(name: string, row: LeaseRow | null): Promise<void> {
    const now = new Date(this.clock.wall());
    const a = leaseAction(row, this.id, now, this.sole);
    const started = this.clock.monotonic();
    const expiresAt = new Date(now.getTime() + this.ttlMs);
    if (a.do === "create") {
      if (await this.store.create({ name, holderId: this.id, epoch: 1, acquiredAt: now, expiresAt })) await this.gained(name, 1, started, now, null);
      return;
    }
    if (a.do === "renew") {
      if (await this.renew(name, a.epoch, started)) {
        if (!this.held.has(name)) await this.gained(name, a.epoch, started, row!.acquiredAt, this.id);
      } else this.drop(name);
      return;
    }
    if (a.do === "take") {
      // Still expired at the write (the holder may have renewed since the read), unless this is the only instance.
      const epoch = a.epoch + 1;
      if (await this.store.take(name, a.from, a.epoch, this.sole ? null : now, { name, holderId: this.id, epoch, acquiredAt: now, expiresAt })) await this.gained(name, epoch, started, now, a.from);
      return;
    }
    this.drop(name); // another instance holds it
  }

  private async renew(name: string, epoch: number, started = this.clock.monotonic()): Promise<boolean> {
    if (!(await this.store.renew(name, this.id, epoch, new Date(this.clock.wall() + this.ttlMs)))) return false;
    const h = this.held.get(name);
    if (h) h.goodUntil = goodUntil(started, this.ttlMs);
    return true;
  }

  private async gained(name: string, epoch: number, started: number, acquiredAt: Date, from: string | null) {
    const h: Held = { epoch, goodUntil: goodUntil(started, this.ttlMs), acquiredAt, ready: false };
    this.held.set(name, h);
    // Adoption first (a run the last holder left goes back to the queue), then the work starts.
    for (const l of this.listeners) {
      try { await l.acquired?.(name, from); } catch (e) { logError("lease listener failed", e); }
    }
    if (this.held.get(name) !== h) return; // lost meanwhile
    h.ready = true;
    for (const l of this.listeners) {
      try { l.ready?.(name); } catch (e) { logError("lease listener failed", e); }
    }
  }

  private drop(name: string) {
    if (!this.held.delete(name)) return;
    for (const l of this.listeners) {
      try { l.lost?.(name); } catch (e) { logError("lease listener failed", e); }
    }
  }
}

const g = globalThis as unknown as { warrenLeases?: LeaseKeeper };
export function leaseKeeper(): LeaseKeeper {
  g.warrenLeases ??= new LeaseKeeper({
    store: prismaLeaseStore,
    ttlMs: env().WARREN_LEASE_SECONDS * 1000,
    sole: !severalInstances(),
    name: env().WARREN_INSTANCE_NAME || `${os.hostname()}:${env().PORT} (pid ${process.pid})`,
  });
  return g.warrenLeases;
}
