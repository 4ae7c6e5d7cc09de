import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarren, type WarrenServer } from "../support/warren-server";

// Issue #24: existing data migrates. tests/fixtures/legacy-db is a database
// the main of 2026-12-04 (ddbda52, before the typed cluster spec) made on lab
// hosts (scripts/fixtures/make-legacy-db.sh): cluster "legacy" set up with
// the VIP .121, then its load balancers deployed again with .122 — its
// Cluster.settings holds both runs' parameters, and only the later one is true.
// Today's build starts on a copy of it (migrations, then the spec made from
// those settings) and must say the truth. No lab needed: nothing is contacted.
const FIXTURE = path.resolve("tests/fixtures/legacy-db");
let warren: WarrenServer;

type SpecVersion = { version: number; createdBy: string; note: string | null; spec: { rabbitmq: { clusterName: string; queueType?: string }; loadBalancers: { vip: string; routerId: number; members: string[] } | null; members: { nodes: { name: string }[] } } };

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-legacy-"));
  for (const f of ["warren.db", "secret.key"]) fs.copyFileSync(path.join(FIXTURE, f), path.join(dir, f));
  fs.chmodSync(dir, 0o700);
  fs.chmodSync(path.join(dir, "secret.key"), 0o600); // git keeps no modes
  warren = await startWarren(3408, dir);
}, 120_000);
afterAll(async () => { await warren?.stop(); });

describe("a database made before the cluster spec", () => {
  it("starts: the old runs and the cluster are there, and the cluster has a spec made from the settings of its runs, the later load-balancer deploy winning", async () => {
    const clusters = (await warren.api<{ clusters: { id: string; name: string }[] }>("GET", "/clusters")).body.clusters;
    const legacy = clusters.find((c) => c.name === "legacy");
    expect(legacy, JSON.stringify(clusters)).toBeDefined();
    const r = await warren.api<{ current: SpecVersion | null; history: SpecVersion[]; drift: unknown }>("GET", `/clusters/${legacy!.id}/spec`);
    expect(r.status).toBe(200);
    expect(r.body.history).toHaveLength(1);
    expect(r.body.current).toMatchObject({ version: 1, createdBy: "(migration)" });
    const spec = r.body.current!.spec;
    expect(spec.rabbitmq.clusterName).toBe("rabbit-legacy");
    expect(spec.loadBalancers).toMatchObject({ vip: "10.213.77.122", routerId: 71 });
    expect(JSON.stringify(spec)).not.toContain("10.213.77.121");
    expect(r.body.drift).toBeNull();
    // The old runs are still readable, with their steps.
    const runs = (await warren.api<{ runs: { type: string; status: string }[] }>("GET", `/clusters/${legacy!.id}/operations`)).body.runs;
    expect(runs.map((x) => `${x.type} ${x.status}`).sort()).toEqual(["load-balancers succeeded", "setup succeeded"]);
  });

  it("a restart does not make another version", async () => {
    await warren.stop();
    await warren.restart();
    const id = (await warren.api<{ clusters: { id: string; name: string }[] }>("GET", "/clusters")).body.clusters.find((c) => c.name === "legacy")!.id;
    expect((await warren.api<{ history: SpecVersion[] }>("GET", `/clusters/${id}/spec`)).body.history).toHaveLength(1);
  }, 120_000);

  it("the audit log says the spec was made by the migration", async () => {
    const entries = (await warren.api<{ entries: { actor: string; action: string; detail: string }[] }>("GET", "/audit?action=cluster.spec-migrated")).body.entries;
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: "(migration)" });
  });
});
