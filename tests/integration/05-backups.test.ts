import fs from "node:fs";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshOk, sshRun } from "@/lab/client";
import { startWarren, type WarrenServer } from "../support/warren-server";
import { psPoller } from "../support/ps-poller";
import { randomBytes } from "node:crypto";
import amqp from "amqplib";
import { labTarget, requireLab } from "../support/lab";
import { MARKER } from "../support/attack-strings";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";
import type { ClusterSpec } from "@/lib/inventory/spec";
import { defineShovels, deleteUser, enableShovels, MIGRATION_USER, shovelUser } from "@/lib/migration/commands";
import { drainVerdict, queueProgress, type DrainSample } from "@/lib/migration/progress";
import { greenHealthProblems } from "@/lib/migration/readiness";
import type { ReadinessReport } from "@/lib/migration/service";
import { isMigrationShovel, removeShovelArgv, shovelDefinitions, shovelsFor } from "@/lib/migration/shovels";
import { clientConnections, parseConnections, parseNodes, parseQueueCounts, parseShovelStatus } from "@/lib/rabbitmq/management";
import { SshPool } from "@/lib/ssh";
import { runLoad } from "@/lab/amqp-load";

// Definitions backups, diff and restore (issue #26) on lab hosts, through a
// real Warren's API, checked on the hosts themselves (lab/client.ts, the
// system ssh client) and through RabbitMQ's own management API:
//   bk12  node10 (seed), node11, node12: Debian 12, RabbitMQ 3.10.8, a
//         mirrored-queue policy (ha-all), on the older Erlang;
//   bk13  node13 (seed), node14, node15: Debian 13, RabbitMQ 4.0.5, quorum queues.
// That an upgrade run's first step is a backup is checked on the wizard's
// cluster by e2e 10 (its rolling Erlang upgrade), not by another upgrade here.
// No other suite uses these hosts. The integration lab must have them:
// `npm run lab -- up --hosts 15 --os 13-15:debian13` (scripts/test.sh boots
// 9 Debian 12 hosts for the other files; it must boot these six too).
const lab = requireLab();
const D12 = ["node10", "node11", "node12"], D13 = ["node13", "node14", "node15"];
const LB12 = ["node10", "node11"];
const VIP12 = "10.213.77.109";
const OLD_E = "1:25.2.3+dfsg-1+deb12u1";
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;
const SHOP_PASSWORD = "shop-app-pw-7d1f0c";
const VIEWER = { username: "bk-viewer", password: "bk-viewer-password" };
let warren: WarrenServer;

type Run = { status: string; error: string | null; steps: { key: string; status: string; note: string | null; hostName: string }[] };
interface Backup { id: string; createdBy: string; source: string; rabbitmqVersion: string | null; counts: Record<string, number> }
interface Summary { create: { total: number; byKind: Record<string, number> }; extra: { total: number }; findings: { id: string; items: { label: string }[]; more: number }[] }

async function waitFor(runId: string, timeoutMs = 15 * 60_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = (await warren.api<{ run: Run }>("GET", `/runs/${runId}`)).body.run;
    if (!["queued", "running"].includes(r.status)) return r;
    if (Date.now() > until) throw new Error(`run ${runId} still ${r.status}`);
    await new Promise((res) => setTimeout(res, 1000));
  }
}

/** Plans (as an operator would look at it first) and starts an operation with the plan's token; the plan and the finished run. */
async function operate(clusterId: string, type: string, params: unknown): Promise<{ plan: { restore?: Summary }; run: Run; runId: string }> {
  const plan = await warren.api<{ plan: { restore?: Summary }; token: string }>("POST", `/clusters/${clusterId}/plan`, { type, params });
  expect(plan.status, JSON.stringify(plan.body)).toBe(200);
  const start = await warren.api<{ runId: string }>("POST", `/clusters/${clusterId}/operations`, { type, params, confirmDestructive: true, planToken: plan.body.token });
  expect(start.status, JSON.stringify(start.body)).toBe(202);
  return { plan: plan.body.plan, run: await waitFor(start.body.runId), runId: start.body.runId };
}

async function setUp(name: string, nodes: string[], lbs: string[] = []): Promise<string> {
  const ids: string[] = [];
  for (const n of nodes) {
    const r = await warren.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: addr(n), authType: "key", privateKey: key });
    expect(r.status).toBe(201);
    ids.push(r.body.host.id);
  }
  const lbIds = lbs.map((n) => ids[nodes.indexOf(n)]);
  const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name, members: [
    ...ids.map((hostId, i) => ({ hostId, role: "rabbitmq", nodeType: "disc", isSeed: i === 0 })),
    ...lbIds.map((hostId) => ({ hostId, role: "loadbalancer" })),
  ] });
  expect(c.status).toBe(201);
  return c.body.cluster.id;
}

const reveal = async (clusterId: string) => (await warren.api<{ value: string }>("POST", `/clusters/${clusterId}/secrets/managementPassword/reveal`)).body.value;

/** RabbitMQ's own management API on a node, straight from the test machine (not through Warren). */
async function rmq(host: string, password: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`http://${addr(host)}:15672${path}`, {
    method, headers: { Authorization: `Basic ${Buffer.from(`warren-admin:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path} on ${host}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** The definitions as the host itself exports them (the system ssh client, rabbitmqctl on the node). */
const exported = async (host: string) => JSON.parse(await sshOk(lab, host, "rabbitmqctl export_definitions - 2>/dev/null", 120_000)) as { users: { name: string; password_hash: string }[]; queues: { vhost: string; name: string; type: string; arguments: Record<string, unknown> }[]; policies: { name: string; definition: Record<string, unknown> }[] };

/**
 * Files on the host holding `needle`, outside RabbitMQ's own database (which keeps what RabbitMQ is given:
 * hashes in binary, a shovel's URI as written). Pruned with find: Debian 13's grep 3.11 searched
 * mnesia/ despite --exclude-dir=mnesia.
 */
const filesHolding = async (host: string, needle: string) =>
  (await sshOk(lab, host, `find /tmp /var/tmp /root /home /var/log /etc /var/lib/rabbitmq \\( -name mnesia -o -name khepri \\) -prune -o -type f -print0 2>/dev/null | xargs -0 -r grep -lF -- '${needle}' 2>/dev/null || true`)).trim();

/** The document rabbitmqctl imports from exists only during the import: mode 600, the rabbitmq user's; nothing left after. */
async function importFileWasPrivate(seen: Map<string, string>, hosts: string[]) {
  console.log(`import files seen while restoring: ${JSON.stringify(Object.fromEntries(seen))}`);
  for (const [file, modeOwner] of seen) expect(modeOwner, file).toBe("600 rabbitmq");
  for (const n of hosts) expect(await sshOk(lab, n, "ls /var/lib/rabbitmq | grep -c '^warren-import' || true"), n).toBe("0\n");
}

const SHOP = (n: number) => `orders.${String(n).padStart(3, "0")}`;
/**
 * Realistic definitions for bk12: vhost shop (131 queues: 110 classic and one transient, mirrored by the
 * vhost's own ha policy — Warren's ha-all is on "/" only; 20 quorum; exchanges; bindings), vhost billing.
 */
function shopDefinitions() {
  const queues = [
    ...Array.from({ length: 110 }, (_, i) => ({ vhost: "shop", name: SHOP(i), durable: true, auto_delete: false, arguments: i % 10 === 0 ? { "x-max-priority": 5 } : {} })),
    ...Array.from({ length: 20 }, (_, i) => ({ vhost: "shop", name: `payments.${i}`, durable: true, auto_delete: false, arguments: { "x-queue-type": "quorum" } })),
    { vhost: "shop", name: "tmp.events", durable: false, auto_delete: true, arguments: {} },
    ...Array.from({ length: 5 }, (_, i) => ({ vhost: "billing", name: `invoices.${i}`, durable: true, auto_delete: false, arguments: { "x-queue-type": "quorum" } })),
  ];
  const exchanges = [{ vhost: "shop", name: "orders", type: "topic", durable: true, auto_delete: false, internal: false, arguments: {} }, { vhost: "billing", name: "invoices", type: "direct", durable: true, auto_delete: false, internal: false, arguments: {} }];
  const bindings = [
    ...Array.from({ length: 110 }, (_, i) => ({ vhost: "shop", source: "orders", destination: SHOP(i), destination_type: "queue", routing_key: `order.${i}`, arguments: {} })),
    ...Array.from({ length: 5 }, (_, i) => ({ vhost: "billing", source: "invoices", destination: `invoices.${i}`, destination_type: "queue", routing_key: `i${i}`, arguments: {} })),
  ];
  return {
    vhosts: [{ name: "shop" }, { name: "billing" }],
    permissions: ["shop", "billing"].flatMap((v) => [{ user: "warren-admin", vhost: v, configure: ".*", write: ".*", read: ".*" }, { user: "shop-app", vhost: v, configure: "", write: ".*", read: ".*" }]),
    policies: [
      { vhost: "shop", name: "shop-ttl", pattern: "^payments\\.", "apply-to": "queues", priority: 1, definition: { "message-ttl": 600000 } },
      { vhost: "shop", name: "shop-mirrored", pattern: "^(orders|tmp)\\.", "apply-to": "queues", priority: 0, definition: { "ha-mode": "all", "ha-sync-mode": "automatic" } },
    ],
    queues, exchanges, bindings,
  };
}

let bk12 = "", bk13 = "";
let pw12 = "", pw13 = "";
let shopHash = "", adminHash = "";
let before: Backup;

beforeAll(async () => {
  for (const [n, os] of [...D12.map((x) => [x, "debian12"]), ...D13.map((x) => [x, "debian13"])]) {
    const h = lab.hosts.find((x) => x.name === n);
    if (!h || (h.os ?? "debian12") !== os) throw new Error(`05-backups needs ${n} on ${os} in the lab: npm run lab -- up --hosts 15 --os 13-15:debian13`);
  }
  warren = await startWarren(3405);
}, 120_000);
const pool = new SshPool();
afterAll(async () => { pool.closeAll(); await warren?.stop(); });

describe("backups on a 3.10 cluster and a 4.0 cluster", () => {
  it("sets up bk12 (RabbitMQ 3.10, mirrored ha-all, the older Erlang) and bk13 (RabbitMQ 4.0, quorum queues), in parallel", async () => {
    // bk12's load balancers share its first two nodes' hosts (seed 004's layout), with a VIP: the migration at the end moves its clients.
    bk12 = await setUp("bk12", D12, LB12);
    bk13 = await setUp("bk13", D13);
    const [a, b] = await Promise.all([
      operate(bk12, "setup", { clusterName: "rabbit-bk12", ha: { mode: "all" }, erlangVersion: OLD_E, loadBalancers: { vip: VIP12, interface: "eth0", routerId: 109 } }),
      operate(bk13, "setup", { clusterName: "rabbit-bk13", ha: { mode: "quorum" } }),
    ]);
    expect(a.run.status, a.run.error ?? "").toBe("succeeded");
    expect(b.run.status, b.run.error ?? "").toBe("succeeded");
    expect((await sshOk(lab, "node10", "dpkg-query -W -f='${Version}' rabbitmq-server"))).toMatch(/^3\.10\./);
    expect((await sshOk(lab, "node13", "dpkg-query -W -f='${Version}' rabbitmq-server"))).toMatch(/^4\.0\./);
    pw12 = await reveal(bk12);
    pw13 = await reveal(bk13);
  }, 20 * 60_000);

  it("fills bk12 through RabbitMQ's own API: two vhosts, 136 queues, exchanges, bindings, a user with a password", async () => {
    await rmq("node10", pw12, "PUT", "/api/users/shop-app", { password: SHOP_PASSWORD, tags: "" });
    await rmq("node10", pw12, "POST", "/api/definitions", shopDefinitions());
    const d = await exported("node11");
    expect(d.queues.filter((q) => q.vhost === "shop")).toHaveLength(131);
    shopHash = d.users.find((u) => u.name === "shop-app")!.password_hash;
    adminHash = d.users.find((u) => u.name === "warren-admin")!.password_hash;
    expect(shopHash.length).toBeGreaterThan(20);
    // shop-mirrored mirrors the classic queues: the 3.x legacy this backup carries to 4.0.
    expect(d.policies.find((p) => p.name === "shop-mirrored")?.definition).toMatchObject({ "ha-mode": "all" });
  }, 5 * 60_000);

  it("Back up now: read through the management API; no password or hash in any process's arguments on any node; no file holds the document", async () => {
    const ps = psPoller(lab, D12, [pw12, SHOP_PASSWORD, shopHash, adminHash]);
    const pause = () => new Promise((res) => setTimeout(res, 1500));
    let r: { status: number; body: { backup: Backup } };
    try {
      await pause(); // the pollers' ssh sessions are up before Warren starts
      r = await warren.api<{ backup: Backup }>("POST", `/clusters/${bk12}/backups`);
      await pause();
    } finally {
      ps.stop();
    }
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    before = r.body.backup;
    expect(before).toMatchObject({ createdBy: "admin", source: "management-api", rabbitmqVersion: "3.10.8" });
    expect(before.counts).toMatchObject({ vhosts: 3, queues: 136, exchanges: 2, bindings: 115, policies: 3, users: 2 });
    expect(ps.samples()).toBeGreaterThan(20);
    expect(ps.hits).toEqual([]);
    for (const n of D12) for (const s of [shopHash, adminHash]) expect(await filesHolding(n, s), n).toBe("");
    // The list never carries the document.
    const list = JSON.stringify((await warren.api("GET", `/clusters/${bk12}/backups`)).body);
    for (const s of [shopHash, adminHash]) expect(list).not.toContain(s);
  }, 3 * 60_000);

  it("a vhost and 100 queues deleted by hand come back from the backup taken before: the plan said so, and the diff with the live cluster is empty", async () => {
    await sshOk(lab, "node11", "rabbitmqctl delete_vhost billing");
    for (let i = 0; i < 100; i++) await rmq("node12", pw12, "DELETE", `/api/queues/shop/${encodeURIComponent(SHOP(i))}`);
    expect((await exported("node10")).queues.filter((q) => q.vhost === "shop")).toHaveLength(31);
    const ps = psPoller(lab, D12, [pw12, SHOP_PASSWORD, shopHash, adminHash]);
    let result: Awaited<ReturnType<typeof operate>>;
    try {
      result = await operate(bk12, "restore", { backupId: before.id });
    } finally {
      ps.stop();
    }
    const { plan, run } = result;
    // billing (the vhost, 5 queues, an exchange, 5 bindings, 2 permissions) and 100 queues with their 100 bindings.
    expect(plan.restore!.create.total).toBe(214);
    expect(plan.restore!.create.byKind).toMatchObject({ vhosts: 1, queues: 105, bindings: 105, exchanges: 1, permissions: 2 });
    expect(plan.restore!.extra.total).toBe(0);
    expect(run.status, run.error ?? "").toBe("succeeded");
    expect(run.steps.map((s) => s.key)).toEqual(["backup", "import", "rebalance", "verify"]);
    expect(ps.hits).toEqual([]);
    await importFileWasPrivate(ps.files, D12);
    const diff = await warren.api<{ total: { added: number; removed: number; changed: number } }>("GET", `/clusters/${bk12}/backups/diff?from=${before.id}&to=live&prepared=1`);
    expect(diff.body.total).toEqual({ added: 0, removed: 0, changed: 0 });
    // Checked on the host: every queue back, the vhost back.
    const d = await exported("node12");
    expect(d.queues.filter((q) => q.vhost === "shop")).toHaveLength(131);
    expect(d.queues.filter((q) => q.vhost === "billing")).toHaveLength(5);
    for (const n of D12) expect(await filesHolding(n, shopHash), n).toBe("");
  }, 15 * 60_000);

  it("the Debian 12 backup onto the Debian 13 cluster: the plan says beforehand that the mirrored queues become quorum queues, and they are", async () => {
    // The management API's export has the cluster's internal id (rabbitmqctl's leaves it out).
    const clusterId = async (host: string, pw: string) => ((await rmq(host, pw, "GET", "/api/definitions")) as { global_parameters: { name: string; value: string }[] }).global_parameters.find((g) => g.name === "internal_cluster_id")?.value;
    const [ownId, blueId] = [await clusterId("node13", pw13), await clusterId("node10", pw12)];
    expect(ownId).toMatch(/^rabbitmq-cluster-id-/);
    expect(ownId).not.toBe(blueId);
    const ps = psPoller(lab, D13, [pw13, pw12, SHOP_PASSWORD, shopHash]);
    let result: Awaited<ReturnType<typeof operate>>;
    try {
      result = await operate(bk13, "restore", { backupId: before.id });
    } finally {
      ps.stop();
    }
    const { plan, run } = result;
    const finding = (id: string) => plan.restore!.findings.find((f) => f.id === id);
    expect(finding("mirrored-to-quorum")!.items.map((i) => i.label)).toContain(`${SHOP(0)} on shop`);
    // The plan lists the first 100 of each finding and counts the rest.
    expect(finding("mirrored-to-quorum")!.items.length + finding("mirrored-to-quorum")!.more).toBe(110);
    expect(finding("quorum-arguments")!.items).toHaveLength(11); // x-max-priority on every tenth
    expect(finding("mirrored-not-quorum")!.items.map((i) => i.label)).toEqual(["tmp.events on shop"]);
    expect(finding("ha-policy-dropped")!.items.map((i) => i.label).sort()).toEqual(["ha-all on /", "shop-mirrored on shop"]);
    expect(finding("admin-user")!.items.map((i) => i.label)).toEqual(["warren-admin"]);
    expect(finding("cluster-id")!.items.map((i) => i.label)).toEqual(["internal_cluster_id"]);
    expect(run.status, run.error ?? "").toBe("succeeded");
    // bk13 is still itself: the backup's internal cluster id was not imported.
    expect(await clusterId("node14", pw13)).toBe(ownId);
    expect(ps.hits).toEqual([]);
    await importFileWasPrivate(ps.files, D13);
    // On the host: the mirrored queues are quorum queues, no ha-* anywhere, Warren still logs in with its own password.
    const d = await exported("node14");
    const shop = d.queues.filter((q) => q.vhost === "shop");
    expect(shop.filter((q) => q.name.startsWith("orders.")).every((q) => q.type === "quorum")).toBe(true);
    expect(shop.find((q) => q.name === "tmp.events")!.type).toBe("classic");
    expect(JSON.stringify(d.policies)).not.toContain("ha-");
    expect((await rmq("node15", pw13, "GET", "/api/whoami")).name).toBe("warren-admin");
    const diff = await warren.api<{ total: { added: number; removed: number; changed: number } }>("GET", `/clusters/${bk13}/backups/diff?from=${before.id}&to=live&prepared=1`);
    // What bk13 had of its own and the backup has not (the plan counted it as kept: no deleteExtra) is all that differs.
    console.log(`bk13 after the restore, against the backup: ${JSON.stringify(diff.body).slice(0, 1500)}`);
    expect(diff.body.total).toEqual({ added: plan.restore!.extra.total, removed: 0, changed: 0 });
    // Quorum leaders spread over the three nodes, not all on the importing one.
    const leaders = (await rmq("node13", pw13, "GET", "/api/queues?columns=name,type,leader,node")) as { type: string; leader?: string; node?: string }[];
    const qq = leaders.filter((q) => q.type === "quorum");
    const per = new Map<string, number>();
    for (const q of qq) per.set(q.leader ?? q.node ?? "?", (per.get(q.leader ?? q.node ?? "?") ?? 0) + 1);
    expect(Math.max(...per.values()) / qq.length).toBeLessThanOrEqual(0.5);
  }, 15 * 60_000);

  // Blue-green migration (#27), its message move on its own: the shovels
  // Warren defines on green pull a 3.10 cluster's mirrored queues into 4.0's
  // quorum queues. Not yet an operation: the commands are Warren's
  // (lib/migration), sent over Warren's SSH layer; the readings are the ones
  // its gate will judge. The hosts and clusters are this file's (bk12 blue,
  // bk13 green after the restore above).
  it("migration: green's shovels move blue's backlog from mirrored queues into quorum queues — nothing lost or doubled, blue drained, no password in any argument list or file", async () => {
    const spec = async (id: string) => (await warren.api<{ current: { spec: ClusterSpec } }>("GET", `/clusters/${id}/spec`)).body.current.spec;
    const inventory = async (id: string, name: string, hosts: string[]): Promise<ClusterInventory> => ({
      id, name, loadBalancers: [], spec: await spec(id),
      nodes: hosts.map((n, i) => ({ name: n, address: addr(n), type: "disc", seed: i === 0 })),
    });
    const green = await inventory(bk13, "bk13", D13);
    const greenNodes = async () => parseNodes(JSON.stringify(await rmq("node13", pw13, "GET", "/api/nodes")));

    // Readiness through Warren's API on the real clusters: green already holds blue's definitions (the
    // restore above), so nothing conflicts and the queues are quorum queues there: nothing blocks.
    // Names and counts only: no hash, no password.
    const ready = await warren.api<ReadinessReport>("GET", `/clusters/${bk12}/migration?target=${bk13}`);
    expect(ready.status, JSON.stringify(ready.body)).toBe(200);
    expect(ready.body.blockers.map((b) => b.id), JSON.stringify(ready.body.blockers)).toEqual([]);
    expect(ready.body).toMatchObject({ ready: true, blue: { rabbitmqVersion: "3.10.8" }, green: { rabbitmqVersion: "4.0.5" } });
    expect(ready.body.moving.items.find((m) => m.vhost === "shop" && m.name === SHOP(0))).toMatchObject({ blueType: "classic", greenType: "quorum" });
    expect(ready.body.moving.total).toBe(136);
    for (const secret of [shopHash, adminHash, pw12, pw13, SHOP_PASSWORD]) expect(JSON.stringify(ready.body)).not.toContain(secret);
    expect((await warren.api("GET", `/clusters/${bk12}/migration?target=${bk12}`)).body).toMatchObject({ ready: false, blockers: expect.arrayContaining([expect.objectContaining({ id: "same-cluster" })]) });
    expect((await warren.api("GET", `/clusters/${bk12}/migration?target=nope`)).status).toBe(404);

    // A backlog on blue: 10 mirrored classic queues and 2 quorum queues, published with confirms straight to node10.
    const moving = [...Array.from({ length: 10 }, (_, i) => SHOP(i)), "payments.0", "payments.1"].map((name) => ({ vhost: "shop", name }));
    const PER = 250;
    const conn = await amqp.connect({ hostname: addr("node10"), port: 5672, username: "warren-admin", password: pw12, vhost: "shop" });
    const ch = await conn.createConfirmChannel();
    const sent = new Set<string>();
    for (const q of moving) for (let i = 0; i < PER; i++) {
      const body = `${q.name}#${i}`;
      ch.sendToQueue(q.name, Buffer.from(body), { persistent: true, messageId: body });
      sent.add(body);
    }
    await ch.waitForConfirms();
    await conn.close();

    // The shovels' user on blue, its password full of what URIs, shells and rabbitmqctl treat specially.
    const tag = randomBytes(6).toString("hex");
    const password = `m1g:r@te/%25?#[x] '"$(touch ${MARKER})\\${tag}`;
    const ps = psPoller(lab, [...D12, ...D13], [password, tag]);
    let drained: ReturnType<typeof drainVerdict> = { drained: false, waitingFor: [] };
    const history: DrainSample[] = [];
    const shovels = shovelsFor(moving, { hosts: D12.map((n) => ({ host: addr(n), port: 5672 })), user: MIGRATION_USER, password });
    try {
      const run = async (host: string, argv: string[], stdin?: string) => {
        const r = await pool.run(labTarget(lab, host), argv, { stdin, secrets: [password], timeoutMs: 120_000 });
        expect(r.exitCode, `${host}: ${argv.slice(-4).join(" ")}: ${r.stderr}`).toBe(0);
        return r.stdout;
      };
      await run("node10", shovelUser(["shop"]), password);
      await Promise.all(D13.map((n) => run(n, enableShovels())));
      await run("node13", defineShovels(), shovelDefinitions(shovels));
      const until = Date.now() + 4 * 60_000;
      while (!drained.drained && Date.now() < until) {
        await new Promise((res) => setTimeout(res, 2000));
        const [blueQ, greenQ, status, conns, nodes] = await Promise.all([
          rmq("node10", pw12, "GET", "/api/queues/shop?columns=name,vhost,type,messages_ready,messages_unacknowledged,consumers"),
          rmq("node13", pw13, "GET", "/api/queues/shop?columns=name,vhost,type,messages_ready,messages_unacknowledged,consumers"),
          rmq("node14", pw13, "GET", "/api/shovels"), rmq("node11", pw12, "GET", "/api/connections?columns=user,peer_host"), greenNodes(),
        ]);
        history.push({
          progress: queueProgress(moving, parseQueueCounts(JSON.stringify(blueQ)), parseQueueCounts(JSON.stringify(greenQ))),
          shovels: parseShovelStatus(JSON.stringify(status)), blueClients: clientConnections(parseConnections(JSON.stringify(conns)), [MIGRATION_USER, "warren-admin"]),
          greenHealthy: greenHealthProblems(green, nodes).length === 0,
        });
        drained = drainVerdict(history, shovels.map((x) => ({ vhost: x.vhost, name: x.name })));
      }
      if (process.env.CAPTURE_FIXTURES) fs.writeFileSync("tests/fixtures/rabbitmq-4.0-api-shovels.json", JSON.stringify(await rmq("node13", pw13, "GET", "/api/shovels"), null, 1));
      console.log(`migration shovels: ${history.length} readings; left on blue per reading: ${history.map((h) => h.progress.reduce((n, q) => n + (q.leftOnBlue ?? 0), 0)).join(" ")}`);
      expect(drained, JSON.stringify(history.at(-1))).toEqual({ drained: true, waitingFor: [] });
      // The shovels' connections are blue's only clients while they run: 3 readings of their state, all alive.
      expect(history.at(-1)!.shovels.filter((x) => isMigrationShovel(x.name)).map((x) => x.state)).toEqual(shovels.map(() => "running"));
      for (const x of shovels) await run("node13", removeShovelArgv(x));
      await run("node10", deleteUser());
    } finally {
      ps.stop();
    }
    expect(ps.samples()).toBeGreaterThan(20);
    expect(ps.hits).toEqual([]);
    await importFileWasPrivate(ps.files, D13);
    for (const n of [...D12, ...D13]) {
      expect(await filesHolding(n, tag), n).toBe("");
      expect((await sshRun(lab, n, `test -e ${MARKER}`)).code, `${MARKER} on ${n}`).not.toBe(0);
    }
    // Cleaned up: no migration shovel on green, no migration user on blue.
    expect(parseShovelStatus(JSON.stringify(await rmq("node15", pw13, "GET", "/api/shovels"))).filter((x) => isMigrationShovel(x.name))).toEqual([]);
    expect(await sshOk(lab, "node12", "rabbitmqctl -q list_users --no-table-headers 2>/dev/null")).not.toContain(MIGRATION_USER);

    // Every message on green, once, in quorum queues; nothing left on blue.
    await sshOk(lab, "node13", "rabbitmqctl set_permissions -p shop warren-admin '.*' '.*' '.*'");
    const g = await amqp.connect({ hostname: addr("node14"), port: 5672, username: "warren-admin", password: pw13, vhost: "shop" });
    const gch = await g.createChannel();
    const got: string[] = [];
    for (const q of moving) expect((await gch.checkQueue(q.name)).messageCount, q.name).toBe(PER);
    // Consumed (a basic.get per message costs a round trip each: minutes for 3,000), acknowledged one by one.
    await gch.prefetch(500);
    let all!: () => void;
    const done = new Promise<void>((res) => { all = res; });
    for (const q of moving) await gch.consume(q.name, (m) => {
      if (!m) return;
      got.push(m.content.toString());
      gch.ack(m);
      if (got.length === sent.size) all();
    });
    await Promise.race([done, new Promise((res) => setTimeout(res, 60_000))]);
    // Nothing more arrives: no message was there twice.
    await new Promise((res) => setTimeout(res, 1000));
    await g.close();
    expect(got.length).toBe(sent.size);
    expect(new Set(got)).toEqual(sent);
    const greenTypes = (await rmq("node13", pw13, "GET", "/api/queues/shop?columns=name,type")) as { name: string; type: string }[];
    for (const q of moving) expect(greenTypes.find((x) => x.name === q.name)?.type, q.name).toBe("quorum");
    const left = parseQueueCounts(JSON.stringify(await rmq("node10", pw12, "GET", "/api/queues/shop?columns=name,vhost,messages_ready,messages_unacknowledged")));
    expect(queueProgress(moving, left, []).map((q) => q.leftOnBlue)).toEqual(moving.map(() => 0));
  }, 10 * 60_000);

  it("a viewer can list and diff but not download; an admin's download is the document as RabbitMQ wrote it, and is audited; it uploads back as a backup", async () => {
    expect((await warren.api("POST", "/users", { ...VIEWER, role: "viewer" })).status).toBe(201);
    const as = (u: typeof VIEWER, p: string) => fetch(`${warren.url}/api/v1${p}`, { headers: { Authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString("base64")}` } });
    expect((await as(VIEWER, `/clusters/${bk12}/backups`)).status).toBe(200);
    const denied = await as(VIEWER, `/clusters/${bk12}/backups/${before.id}/download`);
    expect(denied.status).toBe(403);
    expect(await denied.text()).not.toContain(shopHash);
    const r = await fetch(`${warren.url}/api/v1/clusters/${bk12}/backups/${before.id}/download`, { headers: { Authorization: `Basic ${Buffer.from("admin:integration-admin-pw").toString("base64")}` } });
    expect(r.status).toBe(200);
    const text = await r.text();
    expect(JSON.parse(text).users.find((u: { name: string }) => u.name === "shop-app").password_hash).toBe(shopHash);
    const audit = (await warren.api<{ entries: { actor: string; action: string; detail: string }[] }>("GET", "/audit?action=backup.download")).body.entries;
    expect(audit[0]).toMatchObject({ actor: "admin", action: "backup.download" });
    expect(audit[0].detail).toContain(before.id);
    const up = await fetch(`${warren.url}/api/v1/clusters/${bk12}/backups/upload?reason=round%20trip`, { method: "POST", body: new Uint8Array(gzipSync(Buffer.from(text))), headers: { Authorization: `Basic ${Buffer.from("admin:integration-admin-pw").toString("base64")}`, "content-type": "application/gzip" } });
    expect(up.status).toBe(201);
    const uploaded = (await up.json()).backup as Backup;
    const same = await warren.api<{ total: { added: number; removed: number; changed: number } }>("GET", `/clusters/${bk12}/backups/diff?from=${before.id}&to=${uploaded.id}`);
    expect(same.body.total).toEqual({ added: 0, removed: 0, changed: 0 });
  }, 3 * 60_000);

  it("#27 the migration operation under AMQP load through bk12's VIP: to bk13 through two faults up to its confirmation, then rolled back — nothing lost, the clients back on bk12", async () => {
    // The application's clients: shop-app (imported onto bk13 with its hash), through the VIP on the co-located port, never reconfigured.
    const url = `amqp://shop-app:${SHOP_PASSWORD}@${VIP12}:5670/shop`;
    // Four queues with clients (of the 136 moved): ten made the file's clients compete for the 2 cores with the run it watches (test time, not coverage).
    const queues = Array.from({ length: 4 }, (_, i) => SHOP(i));
    let stop!: () => void;
    const until = new Promise<void>((res) => { stop = res; });
    const lines: string[] = [];
    const loads = queues.map((queue) => runLoad({ url, queue, declare: false, seconds: 3600, until, window: 20, drainSeconds: 90, log: (l) => lines.push(`${queue}: ${l}`) }));
    const haproxyServers = async (host: string) => (await sshOk(lab, host, "grep -E '^ +server ' /etc/haproxy/haproxy.cfg | awk '{print $2}' | sort -u")).trim().split("\n");
    const amqpServers = async (host: string) => (await sshOk(lab, host, "sed -n '/^backend rabbitmq_amqp/,/^$/p' /etc/haproxy/haproxy.cfg | awk '$1 == \"server\" {print $2}' | sort")).trim().split("\n");
    try {
      await new Promise((res) => setTimeout(res, 3000));
      const start = async (type: string) => {
        const preview = () => warren.api<{ token: string; plan: unknown; forecast: unknown }>("POST", `/clusters/${bk12}/plan`, { type, params: { target: bk13 } });
        const plan = await preview();
        expect(plan.status, JSON.stringify(plan.body)).toBe(200);
        const r = await warren.api<{ runId: string }>("POST", `/clusters/${bk12}/operations`, { type, params: { target: bk13 }, confirmDestructive: true, planToken: plan.body.token });
        if (r.status === 409) {
          const again = await preview();
          const a = JSON.stringify(plan.body.plan).split(","), b = JSON.stringify(again.body.plan).split(",");
          console.log(`plan changed: ${JSON.stringify(a.filter((x) => !b.includes(x)).slice(0, 10))} → ${JSON.stringify(b.filter((x) => !a.includes(x)).slice(0, 10))}`);
          const fa = JSON.stringify(plan.body.forecast).split("},"), fb = JSON.stringify(again.body.forecast).split("},");
          console.log(`forecast changed: ${JSON.stringify(fa.filter((x) => !fb.includes(x)).slice(0, 10))} → ${JSON.stringify(fb.filter((x) => !fa.includes(x)).slice(0, 10))}`);
        }
        expect(r.status, JSON.stringify(r.body)).toBe(202);
        return r.body.runId;
      };
      // 1. Migrate, up to the confirmation: bk13 serves the clients, bk12 is drained. Faults on the way: a green node's
      // RabbitMQ killed while the shovels move the messages (started again 8 s later), and Warren killed -9 in the
      // middle of the switch (some load balancers' servers switched, some not) and started again: the run says it
      // was interrupted, and resumes from the step it was in.
      const first = await start("migrate");
      let killedGreen = false, crashed: string[] | null = null;
      for (const until = Date.now() + 15 * 60_000; Date.now() < until;) {
        const r = (await warren.api<{ run: Run }>("GET", `/runs/${first}`)).body.run;
        const done = (k: string) => r.steps.some((x) => x.key === k && ["done", "skipped"].includes(x.status));
        if (!killedGreen && done("shovels")) {
          killedGreen = true;
          await sshOk(lab, "node15", "systemctl kill -s KILL rabbitmq-server");
          void new Promise((res) => setTimeout(res, 8000)).then(() => sshOk(lab, "node15", "systemctl start rabbitmq-server", 180_000));
        }
        const switched = r.steps.filter((x) => x.key.startsWith("switch-green:") && x.status === "done").map((x) => x.key);
        if (!crashed && switched.length > 0) {
          await warren.crash();
          crashed = switched;
          await warren.restart();
          const after = await waitFor(first);
          expect(after.status, "a run whose Warren was killed says so").toBe("interrupted");
          const total = after.steps.filter((x) => x.key.startsWith("switch-green:")).length;
          const doneAfter = after.steps.filter((x) => x.key.startsWith("switch-green:") && ["done", "skipped"].includes(x.status)).length;
          console.log(`Warren killed during the switch: ${crashed.length} of ${total} switch steps done then, ${doneAfter} recorded done; the run is ${after.status}`);
          expect((await warren.api("POST", `/runs/${first}/retry`, {})).status).toBeLessThan(300);
          break;
        }
        if (!["queued", "running"].includes(r.status)) break;
        await new Promise((res) => setTimeout(res, 150));
      }
      expect(killedGreen && crashed, "both faults were injected").toBeTruthy();
      let run = await waitFor(first, 20 * 60_000);
      expect(run.status, `${run.error ?? ""} ${JSON.stringify(run.steps.filter((x) => x.status === "failed"))}`).toBe("paused");
      for (const h of LB12) expect(await amqpServers(h), h).toEqual(D13);
      // 2. Roll back: cancel the paused run, then the roll back brings the clients (and what they published on bk13) back.
      expect((await warren.api("POST", `/runs/${first}/cancel`, {})).status).toBeLessThan(300);
      expect((await waitFor(first)).status).toBe("cancelled");
      const back = await start("migrate-back");
      run = await waitFor(back, 20 * 60_000);
      expect(run.status, `${run.error ?? ""} ${JSON.stringify(run.steps.filter((x) => x.status === "failed"))}`).toBe("succeeded");
      for (const h of LB12) expect(await amqpServers(h), h).toEqual(D12);
      const onGreen = parseQueueCounts(JSON.stringify(await rmq("node13", pw13, "GET", "/api/queues/shop?columns=name,vhost,messages_ready,messages_unacknowledged")));
      expect(queueProgress(queues.map((name) => ({ vhost: "shop", name })), [], onGreen).map((q) => q.onGreen)).toEqual(queues.map(() => 0));
      await new Promise((res) => setTimeout(res, 5000));
    } finally {
      stop();
    }
    const reports = await Promise.all(loads);
    console.log(`migration load: ${JSON.stringify(reports.map((r) => ({ sent: r.sent, confirmed: r.confirmed, lost: r.lost, dup: r.duplicated, gapMs: r.longestGapMs, reconnects: r.reconnects })))}`);
    if (reports.some((r) => r.lost)) console.log(lines.slice(-40).join("\n"));
    for (const r of reports) {
      expect(r.confirmed).toBeGreaterThan(100);
      expect(r.lost).toBe(0);
    }
    // After the roll back, over SSH: both load balancers list bk12's nodes only, bk12 runs, no migration user or shovel on
    // either side. (The migration to its end — blue stopped, the load balancers handed over — is e2e 17's, from the page.)
    for (const h of LB12) expect(await haproxyServers(h), h).toEqual(D12);
    for (const n of D12) expect((await sshRun(lab, n, "systemctl is-active rabbitmq-server")).stdout.trim(), n).toBe("active");
    for (const n of ["node10", "node13"]) expect(await sshOk(lab, n, "rabbitmqctl -q list_users --no-table-headers 2>/dev/null"), n).not.toContain(MIGRATION_USER);
    expect(parseShovelStatus(JSON.stringify(await rmq("node13", pw13, "GET", "/api/shovels"))).filter((x) => isMigrationShovel(x.name))).toEqual([]);
    const c12 = (await warren.api<{ cluster: { members: { role: string; host: { name: string } }[] } }>("GET", `/clusters/${bk12}`)).body.cluster;
    expect(c12.members.filter((m) => m.role === "loadbalancer").map((m) => m.host.name).sort()).toEqual(LB12);
  }, 40 * 60_000);
});
