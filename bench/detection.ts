// lab-hosts: 5
// How soon Warren's health API reports a fault, from the moment it happens:
//   nodeKill    `lab kill <node> rabbitmq-server` (SIGKILL) → the node is reported not running.
//               Baseline, measured in the same trial: when HAProxy itself (on the VIP
//               holder, its runtime socket read every 100 ms) marks that server DOWN.
//   vipMove     Keepalived stopped on the VIP holder → the health API names the other
//               load balancer as the VIP's owner.
//   hostFreeze  `lab freeze <host>` (every process SIGSTOPped; the host stays on the
//               network) → the host is reported unreachable. Rotates over nodes and
//               load balancers.
// The health API is read every 50 ms, as a client would. Each fault is undone
// right after it was seen, and the next trial waits for the cluster to be
// healthy again. TRIALS (default 20) per fault.
//   node1, node2 disc, node3 ram; node4, node5 HAProxy + Keepalived, VIP .100
import { labCommand } from "@/lab/client";
import { SshPool } from "@/lib/ssh";
import type { ClusterHealth } from "@/lib/health/derive";
import { labTarget } from "../tests/support/lab";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { lab, percentile, setUpCluster, sleep } from "./support";

const TRIALS = Number(process.env.TRIALS ?? 20);
const LIMIT_MS = 30_000;
const pool = new SshPool();
let warren: WarrenServer;
let clusterId = "";

async function health(): Promise<ClusterHealth> {
  return (await warren.api<ClusterHealth>("GET", `/clusters/${clusterId}/health`)).body;
}

/** Seconds from t0 until the health API satisfies `seen`, or null after the limit. */
async function until(t0: number, seen: (h: ClusterHealth) => boolean): Promise<number | null> {
  while (performance.now() - t0 < LIMIT_MS) {
    if (seen(await health())) return (performance.now() - t0) / 1000;
    await sleep(50);
  }
  return null;
}

async function healthy(what: string) {
  const t = performance.now();
  let last: ClusterHealth | null = null;
  while (performance.now() - t < 120_000) {
    last = await health();
    if (last.status === "ok" && last.loadBalancers.every((l) => l.backends.every((b) => b.status === "UP"))) return;
    await sleep(250);
  }
  throw new Error(`the cluster did not become healthy again after ${what}: ${last?.alarms.map((a) => a.message).join("; ")}`);
}

/** Seconds from t0 until HAProxy on `lb` reports `server` DOWN (its own check), read from its runtime socket. */
async function haproxyDown(t0: number, lb: string, server: string): Promise<number | null> {
  while (performance.now() - t0 < LIMIT_MS) {
    const r = await pool.run(labTarget(lab, lb), ["sh", "-c", 'echo "show stat" | socat -t 1 stdio unix-connect:/run/haproxy/admin.sock'], { allowFailure: true, timeoutMs: 2000 }).catch(() => null);
    const row = r?.stdout.split("\n").find((l) => l.startsWith(`rabbitmq_amqp,${server},`));
    if (row && row.split(",")[17]?.startsWith("DOWN")) return (performance.now() - t0) / 1000;
    await sleep(100);
  }
  return null;
}

const fmt = (s: number | null) => (s === null ? `never (${LIMIT_MS / 1000} s)` : `${s.toFixed(2)} s`);

(async () => {
  console.log(`setting up: RabbitMQ on node1-3 (disc, disc, ram), load balancers on node4-5 (VIP .100); ${TRIALS} trials per fault`);
  warren = await startWarren(3651);
  ({ clusterId } = await setUpCluster(warren, {
    name: "detection", nodes: [{ host: "node1", type: "disc" }, { host: "node2", type: "disc" }, { host: "node3", type: "ram" }],
    lbs: ["node4", "node5"], vip: "10.213.77.100", routerId: 53,
  }));
  await healthy("setup");

  const nodeKill = { warren: [] as number[], haproxy: [] as number[], n: 0 };
  for (let i = 0; i < TRIALS; i++) {
    const victim = ["node1", "node2", "node3"][i % 3];
    const owner = (await health()).vip!.owners[0];
    labCommand("kill", victim, "rabbitmq-server");
    const t0 = performance.now();
    const [w, hp] = await Promise.all([until(t0, (h) => h.nodes.some((n) => n.host === victim && !n.running)), haproxyDown(t0, owner, victim)]);
    nodeKill.n++;
    if (w !== null) nodeKill.warren.push(w);
    if (hp !== null) nodeKill.haproxy.push(hp);
    console.log(`nodeKill   #${i + 1} ${victim}: Warren ${fmt(w)}, HAProxy on ${owner} ${fmt(hp)}`);
    // Started at once rather than after systemd's restart delay.
    await pool.run(labTarget(lab, victim), ["systemctl", "start", "rabbitmq-server"], { timeoutMs: 120_000 });
    await healthy(`restarting ${victim}`);
  }

  const vipMove = { warren: [] as number[], n: 0 };
  for (let i = 0; i < TRIALS; i++) {
    const owner = (await health()).vip!.owners[0];
    const other = owner === "node4" ? "node5" : "node4";
    const stop = pool.run(labTarget(lab, owner), ["systemctl", "stop", "keepalived"], { timeoutMs: 30_000 });
    const t0 = performance.now();
    const w = await until(t0, (h) => h.vip?.owners.length === 1 && h.vip.owners[0] === other);
    await stop;
    vipMove.n++;
    if (w !== null) vipMove.warren.push(w);
    console.log(`vipMove    #${i + 1} ${owner}→${other}: Warren ${fmt(w)}`);
    await pool.run(labTarget(lab, owner), ["systemctl", "start", "keepalived"], { timeoutMs: 30_000 });
    await healthy(`restarting Keepalived on ${owner}`);
  }

  const hostFreeze = { warren: [] as number[], n: 0 };
  for (let i = 0; i < TRIALS; i++) {
    const victim = ["node3", "node5", "node2", "node4"][i % 4];
    labCommand("freeze", victim);
    const t0 = performance.now();
    const w = await until(t0, (h) => h.nodes.some((n) => n.host === victim && !n.reachable) || h.loadBalancers.some((l) => l.host === victim && !l.reachable));
    labCommand("thaw", victim);
    hostFreeze.n++;
    if (w !== null) hostFreeze.warren.push(w);
    console.log(`hostFreeze #${i + 1} ${victim}: Warren ${fmt(w)}`);
    await healthy(`thawing ${victim}`);
  }

  await warren.stop();
  pool.closeAll();
  const out = {
    nodeKill: { warrenP50S: percentile(nodeKill.warren, 50), warrenP95S: percentile(nodeKill.warren, 95), haproxyP95S: percentile(nodeKill.haproxy, 95), n: nodeKill.n },
    vipMove: { warrenP50S: percentile(vipMove.warren, 50), warrenP95S: percentile(vipMove.warren, 95), n: vipMove.n },
    hostFreeze: { warrenP50S: percentile(hostFreeze.warren, 50), warrenP95S: percentile(hostFreeze.warren, 95), n: hostFreeze.n },
  };
  console.log(`nodeKill:   Warren p50 ${out.nodeKill.warrenP50S} s, p95 ${out.nodeKill.warrenP95S} s (seen ${nodeKill.warren.length}/${nodeKill.n}); HAProxy p50 ${percentile(nodeKill.haproxy, 50)} s, p95 ${out.nodeKill.haproxyP95S} s`);
  console.log(`vipMove:    Warren p50 ${out.vipMove.warrenP50S} s, p95 ${out.vipMove.warrenP95S} s (seen ${vipMove.warren.length}/${vipMove.n})`);
  console.log(`hostFreeze: Warren p50 ${out.hostFreeze.warrenP50S} s, p95 ${out.hostFreeze.warrenP95S} s (seen ${hostFreeze.warren.length}/${hostFreeze.n})`);
  console.log("for comparison: the management UI refreshes every 5 s; Prometheus scrapes every 15-60 s; Erlang declares a silent peer down after 45-75 s");
  console.log(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
