import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshOk } from "@/lab/client";
import { runLoad } from "@/lab/amqp-load";
import { requireLab } from "../support/lab";
import { holderOf, until } from "../support/instances";
import { startPostgres, type TestPostgres } from "../support/postgres";
import { ADMIN, startWarren, type WarrenServer } from "../support/warren-server";

// Issue #28 on the lab: a database made by today's Warren on SQLite (a setup
// of node16–18 with load balancers node19–20 and the VIP .116, a failed run,
// audit and health history) copied into PostgreSQL and checked table by
// table; two instances on that copy; instance A killed -9 in the middle of a
// rolling Erlang upgrade under AMQP load through the VIP (publisher with
// confirms, consumer with acks) — instance B takes the cluster over and
// finishes the run, nothing lost — with Chromium on B's cluster page all the
// while; then B frozen (SIGSTOP) past its lease in a node restart, A taking
// over, B thawed: B does not run one more step, and the node restarted once.
const lab = requireLab();
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const NODES = ["node16", "node17", "node18"];
const LBS = ["node19", "node20"];
const VIP = addr("node16").replace(/\.\d+$/, ".116");
const ERLANG_OLD = "1:25.2.3+dfsg-1+deb12u1";
const ERLANG_NEW = "1:25.2.3+dfsg-1+deb12u4";
const PG_PORT = 55442;
const LEASE_S = 3;

type Run = { status: string; error: string | null; steps: { key: string; hostName: string; status: string; note: string | null }[] };

let pg: TestPostgres;
let sqlite: WarrenServer, a: WarrenServer, b: WarrenServer;
let browser: Browser | undefined;
let clusterId = "";
let secretKey = "";

const run = async (w: WarrenServer, id: string) => (await w.api<{ run: Run }>("GET", `/runs/${id}`)).body.run;
const finished = (r: Run) => ["succeeded", "failed", "cancelled", "interrupted"].includes(r.status);
const holder = (w: WarrenServer) => holderOf(w, clusterId);
async function operate(w: WarrenServer, cid: string, type: string, params: unknown): Promise<string> {
  const plan = await w.api<{ token: string }>("POST", `/clusters/${cid}/plan`, { type, params });
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const start = await w.api<{ runId: string }>("POST", `/clusters/${cid}/operations`, { type, params, confirmDestructive: true, planToken: plan.body.token });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  return start.body.runId;
}
async function fullLog(w: WarrenServer, runId: string): Promise<string> {
  const out: string[] = [];
  for (let after = 0; ;) {
    const r = (await w.api<{ lines: { text: string }[]; next: number }>("GET", `/runs/${runId}/log?after=${after}`)).body;
    if (!r.lines.length) return out.join("\n");
    out.push(...r.lines.map((l) => l.text));
    after = r.next;
  }
}
const erlangOf = (n: string) => sshOk(lab, n, "dpkg-query -W -f='${Version}' erlang-base").then((s) => s.trim());

beforeAll(() => { pg = startPostgres(PG_PORT); });
afterAll(async () => {
  await browser?.close();
  for (const w of [sqlite, a, b]) { w?.signal("SIGCONT"); await w?.stop(); }
  pg?.stop();
});

describe("from one Warren on SQLite to several on PostgreSQL", () => {
  it("a database made on the lab — a setup run, a failed run, audit, health history — is copied into PostgreSQL and checked table by table", async () => {
    sqlite = await startWarren(3413);
    const ids: Record<string, string> = {};
    for (const n of [...NODES, ...LBS]) {
      const r = await sqlite.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: addr(n), authType: "key", privateKey: key });
      expect(r.status).toBe(201);
      ids[n] = r.body.host.id;
    }
    const c = await sqlite.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "ha", members: [
      ...NODES.map((n, i) => ({ hostId: ids[n], role: "rabbitmq", nodeType: "disc", isSeed: i === 0 })),
      ...LBS.map((n) => ({ hostId: ids[n], role: "loadbalancer" })),
    ] });
    expect(c.status).toBe(201);
    clusterId = c.body.cluster.id;
    // A run that fails (its host, on loopback, does not answer), beside the setup.
    const q = await sqlite.api<{ host: { id: string } }>("POST", "/hosts", { name: "quiet82", address: "127.0.0.82", authType: "key", privateKey: key });
    const broken = await sqlite.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "broken", members: [{ hostId: q.body.host.id, role: "rabbitmq", nodeType: "disc" }] });
    const failing = await sqlite.api<{ runId: string }>("POST", `/clusters/${broken.body.cluster.id}/operations`, { type: "cluster-stop", params: {}, confirmDestructive: true });
    expect(failing.status).toBe(202);
    const setup = await operate(sqlite, clusterId, "setup", { clusterName: "rabbit-ha", ha: { mode: "all" }, erlangVersion: ERLANG_OLD, loadBalancers: { vip: VIP, interface: "eth0", routerId: 116 } });
    const done = await until("the setup", async () => { const r = await run(sqlite, setup); return finished(r) ? r : null; }, 10 * 60_000);
    expect(done.status, JSON.stringify(done.steps.filter((s) => s.status === "failed"))).toBe("succeeded");
    expect((await until("the failed run", async () => { const r = await run(sqlite, failing.body.runId); return finished(r) ? r : null; })).status).toBe("failed");
    // Health history: a sample every 10 s once the cluster is up.
    await new Promise((r) => setTimeout(r, 11_000)); // a health sample every 10 s
    await sqlite.stop();
    secretKey = fs.readFileSync(path.join(sqlite.dataDir, "secret.key"), "utf8").trim();

    pg.createDatabase("warren");
    const out = execFileSync("npx", ["--no-install", "tsx", "scripts/db-copy.ts", "--from", sqlite.dataDir, "--to", pg.url("warren"), "--json"]).toString();
    const tables = (JSON.parse(out.trim().split("\n").pop()!) as { tables: { model: string; copied: number; spotChecked: number; ok: boolean }[] }).tables;
    expect(tables.filter((t) => !t.ok)).toEqual([]);
    const n = Object.fromEntries(tables.map((t) => [t.model, t.copied]));
    for (const m of ["User", "Host", "KnownHost", "Cluster", "ClusterSpecVersion", "ClusterSecret", "ClusterMember", "Run", "RunStep", "RunLog", "AuditLog", "HealthSample"]) expect(n[m], m).toBeGreaterThan(0);
    expect(pg.psql("warren", `SELECT string_agg(DISTINCT status::text, ',' ORDER BY status::text) FROM "Run"`).trim()).toBe("failed,succeeded");
  }, 12 * 60_000);

  it("two instances: A owns the cluster, Chromium on B's cluster page sees it live; A is killed -9 mid-step of a rolling Erlang upgrade under AMQP load through the VIP — B takes over, the run finishes, nothing is lost, and B's page keeps updating", async () => {
    const env = { WARREN_DATABASE_URL: pg.url("warren"), WARREN_SECRET_KEY: secretKey, WARREN_LEASE_SECONDS: String(LEASE_S) };
    a = await startWarren(3414, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "instance-a" } });
    await until("A to hold the cluster", async () => (await holder(a))?.name === "instance-a", 60_000);
    b = await startWarren(3415, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "instance-b" } });

    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
    const page: Page = await browser.newPage();
    await page.goto(`${b.url}/login`);
    await page.getByLabel("Username").fill(ADMIN.user);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("whoami").waitFor();
    await page.goto(`${b.url}/clusters/${clusterId}`);
    const observed = async () => Date.parse((await page.getByTestId("cluster-live").getAttribute("data-observed-at", { timeout: 30_000 })) ?? "");
    const first = await until("B's page to show A's live view", async () => (Number.isFinite(await observed()) ? observed() : null));
    await until("B's page to update", async () => (await observed()) > first);
    expect(await page.getByTestId("vip-owners").getAttribute("data-owners")).toMatch(/node19|node20/);

    for (const n of NODES) expect(await erlangOf(n)).toBe(ERLANG_OLD);
    const pw = (await b.api<{ value: string }>("POST", `/clusters/${clusterId}/secrets/managementPassword/reveal`)).body.value;
    let stopLoad!: () => void;
    const until_ = new Promise<void>((r) => { stopLoad = r; });
    const load = runLoad({ url: `amqp://warren-admin:${encodeURIComponent(pw)}@${VIP}:5672`, queue: "ha-load", queueType: "quorum", seconds: 3600, until: until_, drainSeconds: 60 });

    // Started through B; run by A, the cluster's owner.
    const runId = await operate(b, clusterId, "rolling-upgrade", { erlangVersion: ERLANG_NEW });
    // Mid-way: the first node done, A in the middle of a step on the next.
    const at = await until("A in the middle of the second node", async () => {
      const r = await run(b, runId);
      const second = r.steps.filter((s) => s.hostName === "node17");
      return r.status === "running" && second.some((s) => s.status === "done") && second.some((s) => s.status === "running") ? r : null;
    }, 6 * 60_000);
    const inFlight = at.steps.filter((s) => s.status === "running").map((s) => s.key);
    const killedAt = Date.now();
    await a.crash();
    console.log(`[10] A killed -9 with ${inFlight.join(", ")} in flight`);
    await until("B to take the cluster over", async () => (await holder(b))?.name === "instance-b", 60_000);
    const end = await until("the run to finish on B", async () => { const r = await run(b, runId); return finished(r) ? r : null; }, 10 * 60_000);
    expect(end.status, JSON.stringify({ error: end.error, inFlight })).toBe("succeeded");
    const log = await fullLog(b, runId);
    expect(log).toMatch(/taken over: the instance running it stopped renewing its lease/);
    // The steps in flight at the kill started again only through their checks.
    for (const k of inFlight) expect(["done", "skipped"]).toContain(end.steps.find((s) => s.key === k)!.status);
    // B's page went on after A died.
    await until("B's page after A died", async () => (await observed()) > killedAt + 2000, 60_000);
    stopLoad();
    const report = await load;
    console.log(`[10] load: ${JSON.stringify({ sent: report.sent, confirmed: report.confirmed, received: report.received, lost: report.lost, longestGapMs: report.longestGapMs })}`);
    expect(report.lost, JSON.stringify(report)).toBe(0);
    expect(report.confirmed).toBeGreaterThan(0);
    for (const n of NODES) expect(await erlangOf(n)).toBe(ERLANG_NEW);
  }, 20 * 60_000);

  it("fencing: B frozen (SIGSTOP) past its lease in the middle of a node restart, A takes over; thawed, B runs no further step — node17 restarted exactly once", async () => {
    await a.restart(); // a standby now: B holds the cluster
    const since = Math.floor(Date.now() / 1000);
    await new Promise((r) => setTimeout(r, 1000));
    const runId = await operate(a, clusterId, "restart-node", { node: "node17" });
    await until("B in the run's gates", async () => (await run(a, runId)).steps.some((s) => s.status === "running"), 60_000);
    b.signal("SIGSTOP");
    await until("A to take the cluster over from the frozen B", async () => (await holder(a))?.name === "instance-a", 60_000);
    await new Promise((r) => setTimeout(r, 3000));
    b.signal("SIGCONT");
    let end = await until("the run to end on A", async () => { const r = await run(a, runId); return finished(r) ? r : null; }, 10 * 60_000);
    console.log(`[10] fencing run ended ${end.status}${end.error ? `: ${end.error}` : ""}`);
    if (end.status === "interrupted") {
      // A step without a check was in flight: A does not repeat it on its own; a person resumes.
      expect(end.error).toMatch(/no check/);
      expect((await a.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
      end = await until("the resumed run", async () => { const r = await run(a, runId); return finished(r) ? r : null; }, 10 * 60_000);
    }
    expect(end.status, JSON.stringify(end)).toBe("succeeded");
    const starts = (await sshOk(lab, "node17", `journalctl -u rabbitmq-server --since @${since} -o cat | grep -c '^Started ' || true`)).trim();
    expect(starts).toBe("1");
    // B noticed: it stopped the run without writing, and serves requests as a standby.
    expect(fs.readFileSync(b.logFile, "utf8")).toMatch(/run stopped on this instance/);
    expect((await fetch(`${b.url}/api/v1/health`)).status).toBe(200);
  }, 15 * 60_000);
});
