import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

// The history's storage stays bounded: a simulated day of samples for one
// cluster (one every 10 s in the last hour, one a minute before: what the
// collector leaves after pruning) in a real SQLite file through Prisma.
describe("health history storage", () => {
  it("stays under 2 MiB per cluster after a day, with 360 ten-second and 1,440 one-minute samples", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-history-"));
    process.env.WARREN_DATA_DIR = dir;
    execFileSync("npx", ["--no-install", "prisma", "migrate", "deploy"], { env: { ...process.env, WARREN_DATA_DIR: dir }, stdio: "ignore" });
    const { db } = await import("@/lib/db");
    const { recordSample } = await import("@/lib/health/store");
    const c = await db().cluster.create({ data: { name: "history" } });
    const sample = (i: number) => ({
      up: 3, nodes: 3, mem: { node1: 120e6 + i, node2: 118e6 + i, node3: 95e6 + i }, messages: 1000 + (i % 500), connections: 40,
      backends: Object.fromEntries(["node4", "node5"].flatMap((lb) => ["node1", "node2", "node3"].map((n) => [`${lb}/${n}`, { s: 13, b: 1e9 + i }]))), alarms: 0,
    });
    const end = Date.UTC(2026, 10, 23);
    const day = 24 * 3600_000;
    let i = 0;
    for (let t = end - day; t < end - 3600_000; t += 60_000) await recordSample(c.id, sample(i++), t, day);
    for (let t = end - 3600_000; t <= end; t += 10_000) await recordSample(c.id, sample(i++), t, day);
    const counts = await db().healthSample.groupBy({ by: ["res"], where: { clusterId: c.id }, _count: true });
    const byRes = Object.fromEntries(counts.map((x) => [x.res, x._count]));
    expect(byRes[10]).toBeLessThanOrEqual(361);
    expect(byRes[60]).toBeLessThanOrEqual(1441);
    expect(byRes[60]).toBeGreaterThan(1400);
    await db().$executeRawUnsafe("VACUUM");
    const size = fs.statSync(path.join(dir, "warren.db")).size;
    console.log(`history after a simulated day: ${byRes[10]} + ${byRes[60]} samples, ${(size / 1048576).toFixed(2)} MiB`);
    expect(size).toBeLessThan(2 * 1048576);
    await db().$disconnect();
  }, 120_000);
});
