import { describe, expect, it } from "vitest";
import { BusyError, FairQueue } from "@/lib/auth/fair-queue";

// Issue #22.3: 32 threads of failed logins made a legitimate login wait 14.7 s
// behind their password hashing. Hashing runs in fair turns between sources.

const tick = () => new Promise((r) => setTimeout(r, 0));

describe("FairQueue: password hashing in turns between sources", () => {
  it("a newcomer waits for one call of each other waiting source, not for a flood's whole queue", async () => {
    const q = new FairQueue(1, 100);
    const order: string[] = [];
    const gates: (() => void)[] = [];
    const job = (name: string) => () => new Promise<void>((r) => gates.push(() => { order.push(name); r(); }));
    const all: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) all.push(q.run("flood", job(`flood${i}`)));
    await tick();
    all.push(q.run("legit", job("legit")));
    for (let i = 0; i < 21; i++) { await tick(); gates.shift()?.(); await tick(); }
    await Promise.all(all);
    // flood0 was running; flood1 had been waiting first; then it is legit's turn.
    expect(order.indexOf("legit")).toBeLessThanOrEqual(2);
  });
  it("never runs more than its slots at once", async () => {
    const q = new FairQueue(2, 100);
    let running = 0, max = 0;
    await Promise.all(Array.from({ length: 30 }, (_, i) => q.run(`s${i % 3}`, async () => {
      running++; max = Math.max(max, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    })));
    expect(max).toBe(2);
  });
  it("a source with its waiting calls full is refused at once", async () => {
    const q = new FairQueue(1, 2);
    let release!: () => void;
    const first = q.run("a", () => new Promise<void>((r) => { release = r; }));
    const waiting = [q.run("a", async () => {}), q.run("a", async () => {})];
    await expect(q.run("a", async () => {})).rejects.toBeInstanceOf(BusyError);
    // Another source still gets in line.
    const other = q.run("b", async () => "b");
    release();
    await Promise.all([first, ...waiting]);
    expect(await other).toBe("b");
    expect(q.queued).toBe(0);
  });
});
