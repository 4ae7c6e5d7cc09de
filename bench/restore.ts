// lab-hosts: 6
// Issue #26: how long a definitions restore takes, and what it leaves.
// node1-3 ("restore-src") are filled with realistic definitions — 20 vhosts,
// 200 users with password hashes and permissions, 1,000 queues (a third of
// them quorum queues, some with arguments), 300 exchanges, 3,000 bindings,
// policies — through RabbitMQ's own management API, and backed up by Warren
// (backupS). node4-6 ("restore-dst") are built by Warren as a fresh cluster
// of the same size, and the backup is restored onto them through Warren's API
// (restoreS: the run from start to end — its own backup first, the import,
// the quorum-leader rebalance and the verification). Then the live
// definitions are compared with the backup as imported (diffAfterRestore)
// and the quorum-queue leaders counted per node (leaderSpread: the largest
// share on one node; 1.0 = all on one).
// Baseline in the same run: restore-dst's definitions deleted again (its 20
// vhosts and 200 users), then the same document Warren imported — the backup
// without Warren's own user and the cluster's name, which would change
// restore-dst's management password and name — fed by hand to
// `rabbitmqctl import_definitions` on node4 (baselineRestoreS: that command
// over ssh, nothing else). Targets: diffAfterRestore 0, leaderSpread <= 0.5,
// restoreS <= 1.5 x baselineRestoreS.
import { createHash, randomBytes } from "node:crypto";
import { SshPool } from "@/lib/ssh";
import { parseDefinitions, serialise, countsOf, totalOf, versionOf } from "@/lib/backups/definitions";
import { prepareForImport } from "@/lib/backups/translate";
import { labTarget } from "../tests/support/lab";
import { ADMIN, startWarren, type WarrenServer } from "../tests/support/warren-server";
import { addr, lab, setUpCluster, sleep, waitForRun } from "./support";

const SRC = ["node1", "node2", "node3"], DST = ["node4", "node5", "node6"];
const VHOSTS = 20, USERS = 200, QUEUES = 1000, EXCHANGES = 300, BINDINGS = 3000;
const pool = new SshPool();
const round = (s: number) => Math.round(s * 100) / 100;
const pad = (n: number, w: number) => String(n).padStart(w, "0");

/** A RabbitMQ password hash (rabbit_password_hashing_sha256): base64 of a 4-byte salt and SHA-256(salt | password). */
function passwordHash(password: string): string {
  const salt = randomBytes(4);
  return Buffer.concat([salt, createHash("sha256").update(Buffer.concat([salt, Buffer.from(password)])).digest()]).toString("base64");
}

/** The realistic definitions: everything in vhosts app-01..app-20, spread evenly. */
function definitions() {
  const vhost = (i: number) => `app-${pad((i % VHOSTS) + 1, 2)}`;
  const users = Array.from({ length: USERS }, (_, i) => ({ name: `user-${pad(i + 1, 3)}`, password_hash: passwordHash(`pw-${i}`), hashing_algorithm: "rabbit_password_hashing_sha256", tags: i % 50 === 0 ? ["monitoring"] : [], limits: {} }));
  const queues = Array.from({ length: QUEUES }, (_, i) => {
    const quorum = i % 3 === 0;
    const args: Record<string, unknown> = quorum ? { "x-queue-type": "quorum" } : {};
    if (i % 7 === 0) args["x-message-ttl"] = 3_600_000;
    if (i % 11 === 0) args["x-max-length"] = 100_000;
    if (!quorum && i % 13 === 0) args["x-max-priority"] = 5;
    return { vhost: vhost(i), name: `${quorum ? "orders" : "events"}.q${pad(i, 4)}`, durable: true, auto_delete: false, arguments: args };
  });
  const types = ["topic", "direct", "fanout", "headers"];
  const exchanges = Array.from({ length: EXCHANGES }, (_, i) => ({ vhost: vhost(i), name: `ex.${pad(i, 3)}`, type: types[i % types.length], durable: true, auto_delete: false, internal: false, arguments: {} }));
  // Each binding joins an exchange and a queue of the same vhost; its routing key makes it unique.
  const inVhost = <T extends { vhost: string }>(xs: T[]) => Array.from({ length: VHOSTS }, (_, v) => xs.filter((x) => x.vhost === vhost(v)));
  const qs = inVhost(queues), xs = inVhost(exchanges);
  const bindings = Array.from({ length: BINDINGS }, (_, i) => {
    const v = i % VHOSTS, k = Math.floor(i / VHOSTS);
    const x = xs[v][k % xs[v].length], q = qs[v][(k * 7) % qs[v].length];
    return { vhost: x.vhost, source: x.name, destination: q.name, destination_type: "queue", routing_key: `key.${i}`, arguments: x.type === "headers" ? { "x-match": "all", n: i } : {} };
  });
  const vhosts = Array.from({ length: VHOSTS }, (_, i) => ({ name: vhost(i), description: `application ${i + 1}`, tags: [] as string[] }));
  return {
    users,
    vhosts,
    permissions: [
      ...vhosts.map((v) => ({ user: "warren-admin", vhost: v.name, configure: ".*", write: ".*", read: ".*" })),
      ...users.map((u, i) => ({ user: u.name, vhost: vhost(i), configure: "^$", write: ".*", read: ".*" })),
    ],
    topic_permissions: users.slice(0, 20).map((u, i) => ({ user: u.name, vhost: vhost(i), exchange: "amq.topic", write: "^app\\.", read: ".*" })),
    policies: vhosts.flatMap((v) => [
      { vhost: v.name, name: "events-ttl", pattern: "^events\\.", "apply-to": "queues", priority: 0, definition: { "message-ttl": 86_400_000 } },
      { vhost: v.name, name: "orders-limit", pattern: "^orders\\.", "apply-to": "queues", priority: 1, definition: { "max-length": 1_000_000, "delivery-limit": 20 } },
    ]),
    queues, exchanges, bindings,
  };
}

/** RabbitMQ's own management API on a node, straight from this machine. */
async function rmq(host: string, password: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`http://${addr(host)}:15672${path}`, {
    method, headers: { Authorization: `Basic ${Buffer.from(`warren-admin:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300 && !(method === "DELETE" && r.status === 404)) throw new Error(`${method} ${path} on ${host}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** The largest share of quorum-queue leaders on one node. */
async function leaderSpread(host: string, password: string): Promise<{ spread: number; per: Record<string, number> }> {
  const qs = (await rmq(host, password, "GET", "/api/queues?columns=name,vhost,type,leader,node")) as { type: string; leader?: string; node?: string }[];
  const per: Record<string, number> = {};
  const qq = qs.filter((q) => q.type === "quorum");
  for (const q of qq) { const n = q.leader ?? q.node ?? "?"; per[n] = (per[n] ?? 0) + 1; }
  return { spread: qq.length ? round(Math.max(...Object.values(per)) / qq.length) : 0, per };
}

async function queueCount(host: string, password: string) {
  return ((await rmq(host, password, "GET", "/api/queues?columns=name,type")) as { type: string }[]).length;
}

(async () => {
  let warren: WarrenServer | undefined;
  try {
    warren = await startWarren(3654);
    console.error("setting up restore-src (node1-3) and restore-dst (node4-6), RabbitMQ 3.10, quorum queues …");
    const [src, dst] = await Promise.all([
      setUpCluster(warren, { name: "restore-src", nodes: SRC.map((host) => ({ host, type: "disc" as const })), setup: { ha: { mode: "quorum" } } }),
      setUpCluster(warren, { name: "restore-dst", nodes: DST.map((host) => ({ host, type: "disc" as const })), setup: { ha: { mode: "quorum" } } }),
    ]);

    const defs = definitions();
    console.error(`filling restore-src: ${defs.vhosts.length} vhosts, ${defs.users.length} users, ${defs.queues.length} queues, ${defs.exchanges.length} exchanges, ${defs.bindings.length} bindings, ${defs.policies.length} policies …`);
    const tFill = performance.now();
    await rmq("node1", src.password, "POST", "/api/definitions", defs);
    console.error(`  filled in ${round((performance.now() - tFill) / 1000)} s`);

    const tBackup = performance.now();
    const b = await warren.api<{ backup: { id: string; counts: Record<string, number>; sizeBytes: number; plainBytes: number } }>("POST", `/clusters/${src.clusterId}/backups`);
    const backupS = round((performance.now() - tBackup) / 1000);
    if (b.status !== 201) throw new Error(`backing up: ${JSON.stringify(b.body)}`);
    const backup = b.body.backup;
    const objects = Object.values(backup.counts).reduce((a, n) => a + n, 0);
    console.log(`backup ${backup.id}: ${objects} objects ${JSON.stringify(backup.counts)}; ${backup.plainBytes} bytes of JSON, ${backup.sizeBytes} stored; ${backupS} s`);

    console.error("restoring it onto restore-dst through Warren …");
    const plan = await warren.api<{ token: string; plan: { restore: { create: { total: number } } } }>("POST", `/clusters/${dst.clusterId}/plan`, { type: "restore", params: { backupId: backup.id } });
    if (plan.status !== 200) throw new Error(`planning the restore: ${JSON.stringify(plan.body)}`);
    console.log(`the plan creates ${plan.body.plan.restore.create.total} objects`);
    const start = await warren.api<{ runId: string }>("POST", `/clusters/${dst.clusterId}/operations`, { type: "restore", params: { backupId: backup.id }, confirmDestructive: true, planToken: plan.body.token });
    if (!start.body.runId) throw new Error(`starting the restore: ${JSON.stringify(start.body)}`);
    const run = await waitForRun(warren, start.body.runId, "the restore");
    const restoreS = round((Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)) / 1000);
    for (const s of run.steps) console.log(`  ${s.key}: ${round((Date.parse(s.finishedAt!) - Date.parse(s.startedAt!)) / 1000)} s`);

    const diff = await warren.api<{ total: { added: number; removed: number; changed: number } }>("GET", `/clusters/${dst.clusterId}/backups/diff?from=${backup.id}&to=live&prepared=1`);
    if (diff.status !== 200) throw new Error(`the diff: ${JSON.stringify(diff.body)}`);
    const diffAfterRestore = diff.body.total.added + diff.body.total.removed + diff.body.total.changed;
    const spread = await leaderSpread("node4", dst.password);
    console.log(`restore: ${restoreS} s; diff after it ${JSON.stringify(diff.body.total)}; quorum leaders per node ${JSON.stringify(spread.per)}`);

    console.error("baseline: restore-dst emptied again, then the same document through rabbitmqctl import_definitions on node4 …");
    for (const v of defs.vhosts) await rmq("node4", dst.password, "DELETE", `/api/vhosts/${encodeURIComponent(v.name)}`);
    for (const u of defs.users) await rmq("node4", dst.password, "DELETE", `/api/users/${encodeURIComponent(u.name)}`);
    for (let i = 0; (await queueCount("node4", dst.password)) > 0; i++) { if (i > 120) throw new Error("restore-dst's queues did not go"); await sleep(1000); }
    // The document Warren imported: the backup as prepared for restore-dst (lib/backups/translate.ts).
    const text = await (await fetch(`${warren.url}/api/v1/clusters/${src.clusterId}/backups/${backup.id}/download`, { headers: { Authorization: `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}` } })).text();
    const live = parseDefinitions(JSON.stringify(await rmq("node4", dst.password, "GET", "/api/definitions")));
    const doc = serialise(prepareForImport(parseDefinitions(text), { target: versionOf(live), adminUser: "warren-admin", clusterName: "restore-dst" }).doc);
    const tBase = performance.now();
    await pool.run(labTarget(lab, "node4"), ["rabbitmqctl", "import_definitions"], { stdin: doc, timeoutMs: 30 * 60_000 });
    const baselineRestoreS = round((performance.now() - tBase) / 1000);
    const after = parseDefinitions(JSON.stringify(await rmq("node4", dst.password, "GET", "/api/definitions")));
    console.log(`baseline: ${baselineRestoreS} s; ${totalOf(countsOf(after))} objects on restore-dst after it; quorum leaders per node ${JSON.stringify((await leaderSpread("node4", dst.password)).per)}`);

    console.log(`targets: diffAfterRestore 0 ${diffAfterRestore === 0 ? "met" : "MISSED"}; leaderSpread <= 0.5 ${spread.spread <= 0.5 ? "met" : "MISSED"}; restoreS <= 1.5 x baselineRestoreS (${round(1.5 * baselineRestoreS)} s) ${restoreS <= 1.5 * baselineRestoreS ? "met" : "MISSED"}`);
    await warren.stop();
    pool.closeAll();
    console.log(JSON.stringify({ objects, backupS, restoreS, baselineRestoreS, diffAfterRestore, leaderSpread: spread.spread }));
    process.exit(0);
  } catch (e) {
    console.error(e);
    await warren?.stop();
    process.exit(1);
  }
})();
