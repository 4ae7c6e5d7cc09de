// lab-hosts: 5
// Issue #23: a hung RabbitMQ node must leave the load balancers. node1-3
// RabbitMQ (set up through Warren), node4-5 HAProxy + Keepalived, VIP .100.
// Each trial freezes one node for 20 s (`lab freeze`: every process
// SIGSTOPped, the kernel still completes TCP handshakes), each node in turn,
// TRIALS (default 10) times. Meanwhile a client opens a new AMQP connection
// through the VIP every 250 ms and counts it failed when the broker's
// greeting (connection.start) does not arrive within 3 s; both load
// balancers' runtime sockets are read every 100 ms for when they mark the
// frozen node DOWN; after the thaw, 15 s more for it to come back UP once and
// stay UP (a DOWN after that is a flap).
// Baseline in the same run, on the same hosts: the seeds' HAProxy backend
// (seed 004: `check inter 5000 rise 2 fall 3`, a plain TCP check), the rest of
// the file as Warren deployed it (Keepalived's check needs its health endpoint).
import net from "node:net";
import { labCommand } from "@/lab/client";
import { SshPool } from "@/lib/ssh";
import { labTarget } from "../tests/support/lab";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { lab, percentile, setUpCluster, sleep } from "./support";

const TRIALS = Number(process.env.TRIALS ?? 10);
const FREEZE_MS = 20_000, AFTER_MS = 15_000, GREETING_MS = 3000, EVERY_MS = 250;
const VIP = "10.213.77.100";
const NODES = ["node1", "node2", "node3"], LBS = ["node4", "node5"];
const CFG = "/etc/haproxy/haproxy.cfg";
const pool = new SshPool();
let warren: WarrenServer;

/** A new AMQP connection through the VIP: did the broker greet it (a method frame on channel 0) within 3 s? */
function greeting(): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: VIP, port: 5672 });
    const done = (ok: boolean) => { clearTimeout(timer); s.destroy(); resolve(ok); };
    const timer = setTimeout(() => done(false), GREETING_MS);
    let buf = Buffer.alloc(0);
    s.on("connect", () => s.write(Buffer.from("AMQP\x00\x00\x09\x01", "latin1")));
    s.on("data", (d) => { buf = Buffer.concat([buf, d]); if (buf.length >= 3) done(buf[0] === 1 && buf[1] === 0 && buf[2] === 0); });
    s.on("error", () => done(false));
    s.on("close", () => done(false));
  });
}

async function status(lb: string, server: string): Promise<string | null> {
  const r = await pool.run(labTarget(lab, lb), ["sh", "-c", 'echo "show stat" | socat -t 1 stdio unix-connect:/run/haproxy/admin.sock'], { allowFailure: true, timeoutMs: 2000 }).catch(() => null);
  const row = r?.stdout.split("\n").find((l) => l.startsWith(`rabbitmq_amqp,${server},`));
  return row ? row.split(",")[17] ?? null : null;
}

async function allUp() {
  const t = Date.now();
  while (Date.now() - t < 120_000) {
    const s = await Promise.all(LBS.flatMap((lb) => NODES.map((n) => status(lb, n))));
    if (s.every((x) => x === "UP")) return;
    await sleep(500);
  }
  throw new Error("the backends did not all come back UP");
}

interface Trial { node: string; downS: Record<string, number | null>; failed: number; failedAfter3s: number; attempts: number; flaps: number }

async function trial(node: string): Promise<Trial> {
  await allUp();
  const downS: Record<string, number | null> = Object.fromEntries(LBS.map((l) => [l, null]));
  const attempts: { at: number; ok: boolean }[] = [];
  labCommand("freeze", node);
  const t0 = performance.now();
  const elapsed = () => performance.now() - t0;
  let stop = false;
  const client = (async () => {
    const inflight: Promise<void>[] = [];
    while (!stop) {
      const at = elapsed();
      inflight.push(greeting().then((ok) => { if (at < FREEZE_MS) attempts.push({ at, ok }); }));
      await sleep(EVERY_MS);
    }
    await Promise.all(inflight);
  })();
  while (elapsed() < FREEZE_MS) {
    await Promise.all(LBS.map(async (lb) => {
      if (downS[lb] !== null) return;
      const s = await status(lb, node);
      if (s?.startsWith("DOWN")) downS[lb] = elapsed() / 1000;
    }));
    await sleep(100);
  }
  labCommand("thaw", node);
  // Back UP once, and then never DOWN again: a DOWN after UP is a flap.
  const thawed = performance.now();
  const seenUp = new Set<string>();
  let flaps = 0;
  while (performance.now() - thawed < AFTER_MS) {
    for (const lb of LBS) {
      const s = await status(lb, node);
      if (s === "UP") seenUp.add(lb);
      else if (s?.startsWith("DOWN") && seenUp.has(lb)) { flaps++; seenUp.delete(lb); }
    }
    await sleep(200);
  }
  stop = true;
  await client;
  return { node, downS, attempts: attempts.length, failed: attempts.filter((a) => !a.ok).length, failedAfter3s: attempts.filter((a) => !a.ok && a.at >= 3000).length, flaps };
}

async function series(label: string) {
  const trials: Trial[] = [];
  for (let i = 0; i < TRIALS; i++) {
    const t = await trial(NODES[i % NODES.length]);
    trials.push(t);
    console.log(`${label} #${i + 1} ${t.node} frozen: marked DOWN by ${LBS.map((l) => `${l} ${t.downS[l] === null ? "never" : `${t.downS[l]!.toFixed(2)} s`}`).join(", ")}; ${t.failed}/${t.attempts} new connections without a greeting within 3 s (${t.failedAfter3s} of them 3 s or more into the freeze); flaps after the thaw: ${t.flaps}`);
  }
  // Per load balancer, then the worse of the two; a node never marked down counts as never (null).
  const p95 = LBS.map((lb) => trials.some((t) => t.downS[lb] === null) ? null : percentile(trials.map((t) => t.downS[lb]!), 95));
  return {
    result: { markedDownP95S: p95.includes(null) ? null : Math.max(...(p95 as number[])), failedConnectsAfter3s: trials.reduce((s, t) => s + t.failedAfter3s, 0), failedConnectsTotal: trials.reduce((s, t) => s + t.failed, 0), n: trials.length },
    flaps: trials.reduce((s, t) => s + t.flaps, 0),
  };
}

/** The seeds' backend: the same servers with seed 004's plain TCP check and timings, no default-server line. */
function seedsConfig(cfg: string): string {
  const lines = cfg.split("\n").filter((l) => !/^\s*(default-server|option tcp-check|tcp-check)\b/.test(l));
  let inAmqp = false;
  return lines.map((l) => {
    if (/^\S/.test(l)) inAmqp = l.startsWith("backend rabbitmq_amqp");
    const m = inAmqp ? /^(\s*server \S+ \S+) check.*$/.exec(l) : null;
    return m ? `${m[1]} check inter 5000 rise 2 fall 3 weight 1` : l;
  }).join("\n");
}

async function deploy(content: string) {
  for (const lb of LBS) {
    await pool.run(labTarget(lab, lb), ["sh", "-c", `cat > ${CFG}.bench && haproxy -c -q -f ${CFG}.bench && mv ${CFG}.bench ${CFG} && systemctl reload haproxy`], { stdin: content, timeoutMs: 30_000 });
  }
  await sleep(3000);
}

(async () => {
  console.log(`setting up: RabbitMQ on node1-3, load balancers node4-5, VIP ${VIP}; ${TRIALS} freezes of ${FREEZE_MS / 1000} s per configuration`);
  warren = await startWarren(3653);
  await setUpCluster(warren, { name: "hungnode", nodes: NODES.map((h) => ({ host: h, type: "disc" as const })), lbs: LBS, vip: VIP, routerId: 58 });
  // Warren watches on: the bench measures the hosts, not Warren, but Warren stays as an operator runs it.
  const deployed = (await pool.run(labTarget(lab, LBS[0]), ["cat", CFG])).stdout;
  console.log("Warren's check:", deployed.split("\n").filter((l) => /default-server|tcp-check|timeout check/.test(l)).map((l) => l.trim()).join(" | "));
  const w = await series("warren");
  await deploy(seedsConfig(deployed));
  console.log("the seeds' check:", seedsConfig(deployed).split("\n").filter((l) => /server node1 /.test(l)).map((l) => l.trim()).join(" | "));
  const s = await series("seeds ");
  await deploy(deployed);
  await warren.stop();
  pool.closeAll();
  console.log(`warren: marked down p95 ${w.result.markedDownP95S} s; failed new connections ${w.result.failedConnectsTotal} (${w.result.failedConnectsAfter3s} 3 s or more into a freeze); flaps ${w.flaps}`);
  console.log(`seeds:  marked down p95 ${s.result.markedDownP95S ?? "never"}${s.result.markedDownP95S === null ? " (a plain TCP check keeps a frozen node UP)" : " s"}; failed new connections ${s.result.failedConnectsTotal} (${s.result.failedConnectsAfter3s} 3 s or more into a freeze); flaps ${s.flaps}`);
  console.log(JSON.stringify({ warren: w.result, seeds: s.result }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
