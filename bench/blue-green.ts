// lab-hosts: 8
// lab-os: 6-8:debian13
// Issue #27: a blue-green migration behind the same VIP, under load.
// Blue: node1-3 (Debian 12, RabbitMQ 3.10, Warren's ha-all policy mirroring
// every queue of "/") behind node4 and node5 (HAProxy, Keepalived, the VIP);
// green: node6-8 (Debian 13, RabbitMQ 4.0), built by Warren's setup.
//
// Warren: 10 queues with a backlog of 50,000 messages (5,000 each, published
// with confirms); during the whole migration one publisher (confirms) and one
// consumer (acks) per queue run through the VIP as the application's user,
// reconnecting after any failure and never reconfigured. The migration runs
// through Warren's API (plan, start, Continue at its confirmation) to the
// end: blue stopped. lost: confirmed (or backlog) messages never received;
// dup: received more than once; longestGapS: the longest stretch without a
// confirmed publish on any queue; totalS: the run from start to end;
// queuesQuorumOnGreen: the 10 queues on green that are quorum queues.
//
// Baseline in the same run ("stop the world", what an operator does by hand
// without Warren): the same 10 queues and backlog in a vhost of their own,
// clients configured with blue's node1; two seconds after they start (the
// backlog still there), stop the publishers, let the consumers drain blue, export the vhost's definitions from blue and import
// them into green (queues made quorum queues, ha-* policies dropped, the
// user copied with its hash), then repoint the clients — a configuration
// change — at green's node6 and start them again. longestGapS: from the last
// confirm on blue to the first on green; totalS: from stopping the
// publishers to every client publishing on green again. The baseline's vhost
// is deleted from both clusters before Warren's migration.
//
// Targets: warren.lost 0, warren.longestGapS <= 5, warren.queuesQuorumOnGreen
// 10, no client reconfigured.
import amqp from "amqplib";
import { runLoad, type LoadReport } from "@/lab/amqp-load";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { addr, setUpCluster, sleep, startOperation } from "./support";

const VIP = "10.213.77.100";
const BLUE = ["node1", "node2", "node3"], LBS = ["node4", "node5"], GREEN = ["node6", "node7", "node8"];
const QUEUES = 10, BACKLOG = 5000;
const APP = { user: "app", password: "app-pw-bench-4f1e" };
const round = (s: number) => Math.round(s * 100) / 100;

async function rmq(host: string, password: string, method: string, path: string, body?: unknown) {
  const r = await fetch(`http://${addr(host)}:15672${path}`, {
    method, headers: { Authorization: `Basic ${Buffer.from(`warren-admin:${password}`).toString("base64")}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  if (r.status >= 300) throw new Error(`${method} ${path} on ${host}: HTTP ${r.status} ${text.slice(0, 300)}`);
  return text ? JSON.parse(text) : null;
}

/** Publishes `per` messages to each queue with confirms ({"id": n}, n negative: the loads' own ids start at 0); the ids per queue. */
async function backlog(url: string, queues: string[], per: number): Promise<number[][]> {
  const conn = await amqp.connect(url);
  const ch = await conn.createConfirmChannel();
  const out: number[][] = [];
  for (const q of queues) {
    const ids: number[] = [];
    for (let i = 0; i < per; i++) {
      const id = -(i + 1);
      ch.sendToQueue(q, Buffer.from(JSON.stringify({ id })), { persistent: true });
      ids.push(id);
      if (i % 1000 === 999) await ch.waitForConfirms();
    }
    await ch.waitForConfirms();
    out.push(ids);
  }
  await conn.close();
  return out;
}

const sum = (rs: LoadReport[], f: (r: LoadReport) => number) => rs.reduce((n, r) => n + f(r), 0);

async function main() {
  const warren: WarrenServer = await startWarren(3477);
  try {
    console.log("setting up blue (3.10, node1-3, load balancers node4-5) and green (4.0, node6-8) through Warren…");
    const [blue, green] = await Promise.all([
      setUpCluster(warren, { name: "blue", nodes: BLUE.map((host) => ({ host, type: "disc" as const })), lbs: LBS, vip: VIP, routerId: 51 }),
      setUpCluster(warren, { name: "green", nodes: GREEN.map((host) => ({ host, type: "disc" as const })), setup: { ha: { mode: "quorum" } } }),
    ]);
    const bq = Array.from({ length: QUEUES }, (_, i) => `bench.q${i}`);
    await rmq("node1", blue.password, "PUT", `/api/users/${APP.user}`, { password: APP.password, tags: "" });
    for (const v of ["/", "baseline"]) {
      if (v !== "/") {
        await rmq("node1", blue.password, "PUT", `/api/vhosts/${v}`, {});
        await rmq("node1", blue.password, "PUT", `/api/permissions/${v}/warren-admin`, { configure: ".*", write: ".*", read: ".*" });
        await rmq("node1", blue.password, "PUT", `/api/policies/${v}/ha-all`, { pattern: "^", "apply-to": "queues", definition: { "ha-mode": "all", "ha-sync-mode": "automatic" } });
      }
      await rmq("node1", blue.password, "PUT", `/api/permissions/${encodeURIComponent(v)}/${APP.user}`, { configure: "^$", write: ".*", read: ".*" });
      for (const q of bq) await rmq("node1", blue.password, "PUT", `/api/queues/${encodeURIComponent(v)}/${q}`, { durable: true, auto_delete: false, arguments: {} });
    }

    // ---- Baseline: stop the world, by hand.
    console.log("baseline: 50,000 messages on blue's vhost baseline, clients on node1");
    const onBlue = `amqp://${APP.user}:${APP.password}@${addr("node1")}:5672/baseline`;
    const onGreen = `amqp://${APP.user}:${APP.password}@${addr("node6")}:5672/baseline`;
    const baseIds = await backlog(onBlue, bq, BACKLOG);
    let stopBase!: () => void;
    const baseStop = new Promise<void>((r) => { stopBase = r; });
    const before = bq.map((queue, i) => runLoad({ url: onBlue, queue, declare: false, seconds: 3600, until: baseStop, preloaded: baseIds[i], drainSeconds: 900 }));
    // The clients run for a moment; the backlog is still there when the operator stops the publishers (as it is when Warren's migration starts).
    await sleep(2000);
    const t0 = Date.now();
    stopBase(); // 1. the publishers stop (every application, by hand)
    const drained = await Promise.all(before); // 2. the consumers drain blue
    const drainedAt = Date.now();
    // 3. definitions: the vhost's, from blue to green, translated by hand (quorum queues, no ha-* keys), the user copied with its hash.
    const defs = await rmq("node1", blue.password, "GET", "/api/definitions/baseline") as { queues: { name: string; durable: boolean; arguments: Record<string, unknown> }[]; policies?: { definition: Record<string, unknown> }[] };
    const all = await rmq("node1", blue.password, "GET", "/api/definitions") as { users: { name: string; password_hash: string; hashing_algorithm: string }[] };
    const app = all.users.find((u) => u.name === APP.user)!;
    await rmq("node6", green.password, "PUT", "/api/vhosts/baseline", {});
    await rmq("node6", green.password, "PUT", "/api/permissions/baseline/warren-admin", { configure: ".*", write: ".*", read: ".*" });
    await rmq("node6", green.password, "PUT", `/api/users/${APP.user}`, { password_hash: app.password_hash, hashing_algorithm: app.hashing_algorithm, tags: "" });
    await rmq("node6", green.password, "PUT", `/api/permissions/baseline/${APP.user}`, { configure: "^$", write: ".*", read: ".*" });
    await rmq("node6", green.password, "POST", "/api/definitions/baseline", {
      queues: defs.queues.map((q) => ({ ...q, durable: true, arguments: { ...q.arguments, "x-queue-type": "quorum" } })),
      policies: (defs.policies ?? []).filter((p) => !Object.keys(p.definition).some((k) => k.startsWith("ha-"))),
    });
    // 4. the clients' configuration changed to green, and started again.
    const after = await Promise.all(bq.map((queue) => runLoad({ url: onGreen, queue, declare: false, seconds: 10, drainSeconds: 30 })));
    const lastBlue = Math.max(...drained.map((r) => r.lastConfirmAt ?? t0));
    const firstGreen = Math.max(...after.map((r) => r.firstConfirmAt ?? Date.now()));
    const stopTheWorld = {
      lost: sum([...drained, ...after], (r) => r.lost),
      longestGapS: round((Math.min(...after.map((r) => r.firstConfirmAt ?? Date.now())) - lastBlue) / 1000),
      totalS: round((firstGreen - t0) / 1000),
    };
    console.log(`baseline: blue drained ${round((drainedAt - t0) / 1000)} s after the publishers stopped (${sum(drained, (r) => r.received)} messages received there); ${JSON.stringify(stopTheWorld)}`);
    for (const [h, pw] of [["node1", blue.password], ["node6", green.password]] as const) await rmq(h, pw, "DELETE", "/api/vhosts/baseline");

    // ---- Warren: the migration behind the VIP, clients never reconfigured.
    console.log("warren: 50,000 messages on blue's queues through the VIP, clients on the VIP throughout");
    const viaVip = `amqp://${APP.user}:${APP.password}@${VIP}:5672/%2F`;
    const ids = await backlog(viaVip, bq, BACKLOG);
    let stop!: () => void;
    const stopped = new Promise<void>((r) => { stop = r; });
    const log: string[] = [];
    const loads = bq.map((queue, i) => runLoad({ url: viaVip, queue, declare: false, seconds: 3600, until: stopped, preloaded: ids[i], window: 20, drainSeconds: 600, log: (l) => log.push(`${new Date().toISOString()} ${queue}: ${l}`) }));
    await sleep(3000);
    const w0 = Date.now();
    const runId = await startOperation(warren, blue.clusterId, "migrate", { target: green.clusterId });
    let confirmedAt = 0;
    for (;;) {
      const r = (await warren.api<{ run: { status: string; error: string | null } }>("GET", `/runs/${runId}`)).body.run;
      if (r.status === "paused" && !confirmedAt) {
        confirmedAt = Date.now();
        console.log(`warren: at the confirmation after ${round((confirmedAt - w0) / 1000)} s; continuing (blue is stopped)`);
        await warren.api("POST", `/runs/${runId}/continue`, {});
      } else if (r.status === "succeeded") break;
      else if (!["queued", "running", "paused"].includes(r.status)) throw new Error(`the migration ${r.status}: ${r.error}`);
      await sleep(500);
    }
    const totalS = round((Date.now() - w0) / 1000);
    await sleep(5000);
    stop();
    const reports = await Promise.all(loads);
    if (reports.some((r) => r.lost)) console.log(log.slice(-40).join("\n"));
    const greenQueues = await rmq("node6", green.password, "GET", "/api/queues/%2F?columns=name,type,messages") as { name: string; type: string }[];
    const warrenResult = {
      lost: sum(reports, (r) => r.lost),
      dup: sum(reports, (r) => r.duplicated),
      longestGapS: round(Math.max(...reports.map((r) => r.longestGapMs)) / 1000),
      totalS,
      queuesQuorumOnGreen: bq.filter((q) => greenQueues.find((x) => x.name === q)?.type === "quorum").length,
    };
    console.log(`warren: per queue ${JSON.stringify(reports.map((r) => ({ confirmed: r.confirmed, received: r.received, lost: r.lost, dup: r.duplicated, gapS: r.longestGapMs / 1000, reconnects: r.reconnects })))}`);
    console.log(`warren: clients used ${viaVip.replace(APP.password, "***")} from start to end (never reconfigured); backlog ${QUEUES * BACKLOG} messages`);
    console.log(`baseline: clients reconfigured from ${onBlue.replace(APP.password, "***")} to ${onGreen.replace(APP.password, "***")}`);
    console.log(JSON.stringify({ warren: warrenResult, stopTheWorld }));
  } finally {
    await warren.stop();
  }
}

main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
