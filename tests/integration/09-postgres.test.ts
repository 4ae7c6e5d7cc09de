import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { holderOf, until, type Instances } from "../support/instances";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { ADMIN, startWarren, type WarrenServer } from "../support/warren-server";

// Issue #28 without the lab: Debian's PostgreSQL started here (its own
// directory and port, as the unprivileged postgres user), the PostgreSQL
// schema and migrations checked against the SQLite ones, a SQLite database
// copied into it and checked table by table, and two Warren instances on it
// sharing what must be shared (users, the login throttle, the live view) and
// handing a cluster's lease over when one dies. Clusters here are on
// loopback addresses where nothing listens (nothing is contacted).
const PG_PORT = 55441;
const [PORT_A, PORT_B] = [3411, 3412];
let pg: TestPostgres;
const servers: WarrenServer[] = [];

beforeAll(() => { pg = startPostgres(PG_PORT); });
afterAll(async () => {
  for (const s of servers) await s.stop();
  pg?.stop();
});


describe("one set of models for SQLite and PostgreSQL", () => {
  it("the PostgreSQL schema is the SQLite one's models (scripts/postgres-schema.mjs --check), and its migrations build exactly what the schema says", () => {
    expect(execFileSync("node", ["scripts/postgres-schema.mjs", "--check"]).toString()).toMatch(/in step/);
    pg.createDatabase("migrated");
    pg.createDatabase("declared");
    execFileSync("node", ["scripts/postgres-migrate.mjs"], { env: { ...process.env, WARREN_DATABASE_URL: pg.url("migrated") } });
    const declared = execFileSync("npx", ["--no-install", "prisma", "migrate", "diff", "--from-empty", "--to-schema-datamodel", "prisma/postgresql/schema.prisma", "--script"], { env: { ...process.env, WARREN_DATABASE_URL: pg.url("declared") } }).toString();
    pg.psql("declared", declared);
    const dump = (db: string) => execFileSync("pg_dump", ["--schema-only", "--no-owner", "-T", "_prisma_migrations", "-h", "127.0.0.1", "-p", String(PG_PORT), "-U", "warren", db]).toString().replace(/^--.*$/gm, "").replace(/^\\(un)?restrict .*$/gm, "").replace(/\n{2,}/g, "\n");
    const [a, b] = [dump("migrated"), dump("declared")];
    expect(a).toContain('CREATE TABLE public."Lease"');
    expect(a).toBe(b);
  });
});

describe("copying a SQLite database into PostgreSQL", () => {
  it("copies every table of a database made on lab hosts (runs with their logs, audit, health history, sealed secrets) and checks each by counts and spot checks; a second copy into the same database is refused", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-copy-"));
    for (const f of ["warren.db", "secret.key"]) fs.copyFileSync(path.join("tests/fixtures/legacy-db", f), path.join(dir, f));
    pg.createDatabase("copied");
    const out = execFileSync("npx", ["--no-install", "tsx", "scripts/db-copy.ts", "--from", dir, "--to", pg.url("copied"), "--json"]).toString();
    const tables = (JSON.parse(out.trim().split("\n").pop()!) as { tables: { model: string; source: number; copied: number; ok: boolean }[] }).tables;
    expect(tables.every((t) => t.ok), JSON.stringify(tables.filter((t) => !t.ok))).toBe(true);
    const n = Object.fromEntries(tables.map((t) => [t.model, t.copied]));
    for (const m of ["User", "Host", "KnownHost", "Cluster", "ClusterSecret", "Run", "RunStep", "RunLog", "AuditLog", "HealthEvent", "HealthSample"]) expect(n[m], m).toBeGreaterThan(0);
    expect(pg.psql("copied", `SELECT count(*) FROM "RunLog"`).trim()).toBe(String(n.RunLog));
    expect(() => execFileSync("npx", ["--no-install", "tsx", "scripts/db-copy.ts", "--from", dir, "--to", pg.url("copied")], { stdio: "pipe" })).toThrow(/not empty/);
  }, 120_000);
});

describe("two instances on one PostgreSQL database", () => {
  let a: WarrenServer, b: WarrenServer;
  let clusterId = "";
  beforeAll(async () => {
    pg.createDatabase("shared");
    const env = { WARREN_DATABASE_URL: pg.url("shared"), WARREN_SECRET_KEY: "ab".repeat(32), WARREN_LEASE_SECONDS: "3" };
    a = await startWarren(PORT_A, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "instance-a" } });
    servers.push(a);
    const key = fs.mkdtempSync(path.join(os.tmpdir(), "warren-it-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(key, "k")]);
    const h = await a.api<{ host: { id: string } }>("POST", "/hosts", { name: "quiet81", address: "127.0.0.81", authType: "key", privateKey: fs.readFileSync(path.join(key, "k"), "utf8") });
    expect(h.status).toBe(201);
    const c = await a.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "shared", members: [{ hostId: h.body.host.id, role: "rabbitmq", nodeType: "disc" }] });
    clusterId = c.body.cluster.id;
    await until("instance A to hold the cluster", async () => (await holderOf(a, clusterId))?.self);
    b = await startWarren(PORT_B, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "instance-b" } });
    servers.push(b);
  }, 180_000);

  it("either instance answers every request from the same data; each reports its database and lease state on /api/v1/health without login or details", async () => {
    for (const w of [a, b]) {
      const r = await fetch(`${w.url}/api/v1/health`);
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ status: "ok", database: "ok", leases: "renewing" });
      expect((await w.api<{ clusters: { name: string }[] }>("GET", "/clusters")).body.clusters.map((c) => c.name)).toEqual(["shared"]);
    }
    const view = (await b.api<Instances>("GET", "/instances")).body;
    expect(view.database).toBe("postgresql");
    expect(view.instances.filter((i) => i.alive).map((i) => i.name).sort()).toEqual(["instance-a", "instance-b"]);
    expect(view.instances.find((i) => i.name === "instance-a")!.holds.map((h) => h.label)).toContain("shared");
    // B serves the live view A collects.
    const health = await until("the live view on B", async () => {
      const r = await b.api<{ status: string; observedAt: string }>("GET", `/clusters/${clusterId}/health`);
      return r.body.status !== "unknown" ? r.body : null;
    });
    expect(Date.now() - Date.parse(health.observedAt)).toBeLessThan(10_000);
  });

  it("failed logins count once across instances: twenty wrong passwords spread over both block the account on both", async () => {
    const basic = (pw: string) => ({ Authorization: `Basic ${Buffer.from(`victim:${pw}`).toString("base64")}` });
    expect((await a.api("POST", "/users", { username: "victim", password: "victim-password-1", role: "viewer" })).status).toBe(201);
    for (let i = 0; i < 20; i++) expect((await fetch(`${(i % 2 ? a : b).url}/api/v1/me`, { headers: basic(`wrong-${i}`) })).status).toBe(401);
    for (const w of [a, b]) expect((await fetch(`${w.url}/api/v1/me`, { headers: basic("victim-password-1") })).status).toBe(429);
    expect((await fetch(`${a.url}/api/v1/me`, { headers: { Authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}` } })).status).toBe(200);
  });

  it("when the holder is killed, the other instance takes its cluster and the scheduled work over within the lease, and the live view goes on", async () => {
    const before = (await holderOf(b, clusterId))!;
    expect(before.name).toBe("instance-a");
    const killedAt = Date.now();
    await a.crash();
    const after = await until("B to take the cluster over", async () => {
      const h = await holderOf(b, clusterId);
      return h?.name === "instance-b" ? h : null;
    });
    expect(after.holds.map((h) => h.name)).toContain("scheduled-work");
    expect(after.holds.find((h) => h.name === clusterId)!.epoch).toBeGreaterThan(before.holds.find((h) => h.name === clusterId)!.epoch);
    const view = (await b.api<Instances>("GET", "/instances")).body;
    expect(view.instances.find((i) => i.name === "instance-a")?.alive ?? false).toBe(false);
    await until("B's own live view", async () => {
      const r = await b.api<{ status: string; observedAt: string }>("GET", `/clusters/${clusterId}/health`);
      return r.body.status !== "unknown" && Date.parse(r.body.observedAt) > killedAt ? r : null;
    });
    // A comes back as a standby: B keeps the cluster.
    await a.restart();
    await new Promise((r) => setTimeout(r, 4000));
    expect((await holderOf(a, clusterId))!.name).toBe("instance-b");
  }, 120_000);
});
