import fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { goodUntil, isLeaseLost, leaseAction, SCHEDULED_WORK, type LeaseRow } from "@/lib/instances/lease";
import { LeaseKeeper, type Clock, type LeaseStore } from "@/lib/instances/keeper";
import { safeToStartAgain, takeoverDecision } from "@/lib/ops/engine/takeover";
import { insertOrder, PROCESS_STATE_MODELS, readModels } from "@/lib/db/models";
import type { Plan, Step } from "@/lib/ops/plan";

const t = (s: number) => new Date(s * 1000);
const row = (o: Partial<LeaseRow>): LeaseRow => ({ name: "c1", holderId: "a", epoch: 1, acquiredAt: t(0), expiresAt: t(4), ...o });

describe("lease decisions", () => {
  it("creates a missing lease, renews its own, takes an expired one and waits for a live one", () => {
    expect(leaseAction(null, "b", t(1))).toEqual({ do: "create" });
    expect(leaseAction(row({}), "a", t(10))).toEqual({ do: "renew", epoch: 1 });
    expect(leaseAction(row({}), "b", t(4))).toEqual({ do: "take", epoch: 1, from: "a" });
    expect(leaseAction(row({}), "b", t(3.9))).toMatchObject({ do: "wait", holderId: "a" });
    // Alone on SQLite, a lease left by the process before is taken at once.
    expect(leaseAction(row({}), "b", t(1), true)).toEqual({ do: "take", epoch: 1, from: "a" });
  });

  it("a holder acts on its lease for less than the ttl after its renewal began", () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), fc.integer({ min: 1000, max: 120_000 }), (start, ttl) => {
      const until = goodUntil(start, ttl);
      expect(until).toBeGreaterThanOrEqual(start);
      expect(until).toBeLessThan(start + ttl);
    }));
  });
});

/** A lease table with the same conditional writes as prismaLeaseStore; each call takes some time. */
class MemoryLeases implements LeaseStore {
  rows = new Map<string, LeaseRow>();
  constructor(private readonly clock: FakeClock, private readonly latency: () => number, private readonly names = ["c1", SCHEDULED_WORK]) {}
  private async slow() { this.clock.ms += this.latency(); }
  async seen() { await this.slow(); }
  async gone() {}
  async work() { return [...this.names]; }
  async read(names: string[]) { await this.slow(); return names.flatMap((n) => (this.rows.has(n) ? [{ ...this.rows.get(n)! }] : [])); }
  async create(r: LeaseRow) { await this.slow(); if (this.rows.has(r.name)) return false; this.rows.set(r.name, { ...r }); return true; }
  async renew(name: string, holderId: string, epoch: number, expiresAt: Date) {
    await this.slow();
    const r = this.rows.get(name);
    if (!r || r.holderId !== holderId || r.epoch !== epoch) return false;
    r.expiresAt = expiresAt;
    return true;
  }
  async take(name: string, from: string, epoch: number, expiredBy: Date | null, next: LeaseRow) {
    await this.slow();
    const r = this.rows.get(name);
    if (!r || r.holderId !== from || r.epoch !== epoch || (expiredBy && r.expiresAt > expiredBy)) return false;
    // The write happens now: a lease renewed meanwhile is not expired any more.
    if (expiredBy && r.expiresAt.getTime() > this.clock.ms) return false;
    this.rows.set(name, { ...next });
    return true;
  }
  async release(name: string, holderId: string) { if (this.rows.get(name)?.holderId === holderId) this.rows.delete(name); }
  async expire(name: string, holderId: string, at: Date) { const r = this.rows.get(name); if (r?.holderId === holderId) r.expiresAt = at; }
}

class FakeClock implements Clock {
  ms = 1_000_000;
  wall() { return this.ms; }
  monotonic() { return this.ms; }
}

describe("leases between instances (property: never two holders)", () => {
  const event = fc.oneof(
    fc.record({ kind: fc.constant("tick" as const), who: fc.nat(2) }),
    fc.record({ kind: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 3000 }) }),
    fc.record({ kind: fc.constant("step" as const), who: fc.nat(2) }),
  );

  it("whatever the order of renewals, pauses (a frozen instance simply does not tick) and steps: at most one instance acts on a lease at any moment, and a step runs only under the current holder", async () => {
    await fc.assert(fc.asyncProperty(fc.array(event, { minLength: 5, maxLength: 120 }), fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 20 }), async (events, lat) => {
      const clock = new FakeClock();
      let i = 0;
      const store = new MemoryLeases(clock, () => lat[i++ % lat.length]);
      const keepers = [0, 1, 2].map((n) => new LeaseKeeper({ store, ttlMs: 4000, sole: false, name: `i${n}`, clock }));
      for (const e of events) {
        if (e.kind === "wait") clock.ms += e.ms;
        else if (e.kind === "tick") await keepers[e.who].tick();
        else {
          const k = keepers[e.who];
          try {
            await k.assertHeld("c1");
            // Fenced through: at this moment the database names this instance.
            expect(store.rows.get("c1")?.holderId).toBe(k.id);
            expect(store.rows.get("c1")!.expiresAt.getTime()).toBeGreaterThan(clock.ms);
          } catch (err) {
            if (!isLeaseLost(err)) throw err;
          }
        }
        const holding = keepers.filter((k) => k.holds("c1"));
        expect(holding.length).toBeLessThanOrEqual(1);
        if (holding.length) expect(store.rows.get("c1")?.holderId).toBe(holding[0].id);
      }
    }), { numRuns: 300 });
  });

  it("a surviving instance takes the work of one that stopped renewing within the ttl and one renewal", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeases(clock, () => 5);
    const [a, b] = [0, 1].map((n) => new LeaseKeeper({ store, ttlMs: 4000, sole: false, name: `i${n}`, clock }));
    const acquired: string[] = [];
    b.on({ acquired: (name, from) => { acquired.push(`${name} from ${from}`); } });
    await a.tick();
    await b.tick();
    expect(a.heldNames().sort()).toEqual(["c1", SCHEDULED_WORK].sort());
    expect(b.heldNames()).toEqual([]);
    // a dies; b keeps ticking each second.
    let waited = 0;
    while (!b.holds("c1")) { clock.ms += 1000; waited += 1000; await b.tick(); }
    expect(waited).toBeLessThanOrEqual(5000);
    expect(acquired).toContain(`c1 from ${a.id}`);
    // a wakes up: its next step is refused and it gives the lease up.
    await expect(a.assertHeld("c1")).rejects.toSatisfy(isLeaseLost);
    expect(a.holds("c1")).toBe(false);
  });
});

describe("tenures, readiness and a clean stop", () => {
  it("a run is fenced to the tenure it began in: lost and taken again is another epoch, and the old run's fence refuses", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeases(clock, () => 5);
    const [a, b] = [0, 1].map((n) => new LeaseKeeper({ store, ttlMs: 3000, sole: false, name: `i${n}`, clock }));
    await a.tick();
    const first = a.epochOf("c1")!;
    await expect(a.assertHeld("c1", first)).resolves.toBeUndefined();
    // a frozen past its lease; b takes it; b dies; a takes it again.
    clock.ms += 4000; await b.tick();
    expect(b.epochOf("c1")).toBe(first + 1);
    clock.ms += 4000; await a.tick();
    expect(a.epochOf("c1")).toBe(first + 2);
    await expect(a.assertHeld("c1", first)).rejects.toSatisfy(isLeaseLost);
    await expect(a.assertHeld("c1", first + 2)).resolves.toBeUndefined();
  });

  it("a lease counts as held only once its listeners are done (a run left behind goes back to the queue before anything starts)", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeases(clock, () => 5);
    const k = new LeaseKeeper({ store, ttlMs: 3000, sole: false, name: "i0", clock });
    const seen: string[] = [];
    k.on({ acquired: async (name) => { seen.push(`${name} acquired, holds=${k.holds(name)}`); }, ready: (name) => { seen.push(`${name} ready, holds=${k.holds(name)}`); } });
    await k.tick();
    expect(seen.filter((x) => x.startsWith("c1"))).toEqual(["c1 acquired, holds=false", "c1 ready, holds=true"]);
  });

  it("a clean stop lets another instance take the work at its next pass, from the instance that stopped (so it carries a run on)", async () => {
    const clock = new FakeClock();
    const store = new MemoryLeases(clock, () => 5);
    const [a, b] = [0, 1].map((n) => new LeaseKeeper({ store, ttlMs: 3000, sole: false, name: `i${n}`, clock }));
    const from: (string | null)[] = [];
    b.on({ acquired: (name, f) => { if (name === "c1") from.push(f); } });
    await a.tick();
    const epoch = a.epochOf("c1")!;
    await a.stop();
    await b.tick();
    expect(b.holds("c1")).toBe(true);
    expect(from).toEqual([a.id]);
    expect(b.epochOf("c1")).toBe(epoch + 1);
  });
});

describe("takeover of a run in progress", () => {
  const cmd = (key: string, o: Partial<Step> = {}): Step => ({ kind: "command", key, host: "h", title: key, argv: ["x"], ...o } as Step);
  it("a step in progress starts again on its own only when a check (or its unit) decides whether it is done", () => {
    expect(safeToStartAgain(cmd("a", { check: ["c"] } as Partial<Step>))).toBe(true);
    expect(safeToStartAgain(cmd("a"))).toBe(false);
    expect(safeToStartAgain(cmd("a", { group: "u" } as Partial<Step>))).toBe(true);
    expect(safeToStartAgain(cmd("a", { check: ["c"], checkAtRun: false } as Partial<Step>))).toBe(false);
    const plan: Plan = { type: "t", phases: [{ title: "p", steps: [cmd("ok", { check: ["c"] } as Partial<Step>), cmd("blind")] }] };
    expect(takeoverDecision(plan, ["ok"])).toEqual({ resume: true });
    expect(takeoverDecision(plan, ["ok", "blind"])).toMatchObject({ resume: false, step: { key: "blind" } });
  });
});

describe("the database copy's view of the schema", () => {
  const models = readModels(fs.readFileSync("prisma/schema.prisma", "utf8"));
  it("finds every model with its key, and orders each after those it refers to", () => {
    const names = [...fs.readFileSync("prisma/schema.prisma", "utf8").matchAll(/^model (\w+)/gm)].map((m) => m[1]);
    expect(models.map((m) => m.name).sort()).toEqual(names.sort());
    for (const m of models) expect(m.key.length, m.name).toBeGreaterThan(0);
    const order = insertOrder(models).map((m) => m.name);
    for (const m of models) for (const r of m.refersTo) expect(order.indexOf(r), `${m.name} → ${r}`).toBeLessThan(order.indexOf(m.name));
    expect(models.find((m) => m.name === "RunLog")).toMatchObject({ key: ["runId", "seq"], refersTo: ["Run"], delegate: "runLog" });
    for (const p of PROCESS_STATE_MODELS) expect(names).toContain(p);
  });
  it("any order of the same models gives an order that respects every reference", () => {
    fc.assert(fc.property(fc.shuffledSubarray(models, { minLength: models.length, maxLength: models.length }), (shuffled) => {
      const order = insertOrder(shuffled).map((m) => m.name);
      expect(order).toHaveLength(models.length);
      for (const m of shuffled) for (const r of m.refersTo) expect(order.indexOf(r)).toBeLessThan(order.indexOf(m.name));
    }));
  });
});

describe("rolling restart (the benchmark's run, and an operator's)", () => {
  it("restarts every node one at a time as restart-node does, the seed last; every step of it may be taken over except the restart itself", async () => {
    const { rollingRestartOperation, restartNodeOperation } = await import("@/lib/ops/operations/restart-node");
    const { labCluster } = await import("./support-cluster");
    const { assertWellFormed } = await import("@/lib/ops/plan");
    const c = labCluster();
    const plan = rollingRestartOperation.plan(c, {}, undefined as never) as Plan;
    assertWellFormed(plan);
    const restarts = plan.phases.flatMap((p) => p.steps).filter((s) => s.key.startsWith("restart:")).map((s) => s.host);
    expect(restarts).toEqual(["node2", "node3", "node1"]);
    const one = restartNodeOperation.plan(c, { node: "node2" }, undefined as never) as Plan;
    const node2 = plan.phases.filter((p) => p.title.startsWith("node2: "));
    expect(node2.map((p) => p.title)).toEqual(one.phases.map((p) => `node2: ${p.title}`));
    expect(node2.flatMap((p) => p.steps)).toEqual(one.phases.flatMap((p) => p.steps));
    const blind = plan.phases.flatMap((p) => p.steps).filter((s) => !safeToStartAgain(s)).map((s) => s.key);
    expect(blind).toEqual(["restart:node2", "restart:node3", "restart:node1"]);
    expect(() => rollingRestartOperation.plan(labCluster({ nodes: [labCluster().nodes[0]] }), {}, undefined as never)).toThrow(/one node/);
  });
});
