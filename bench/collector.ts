// lab-hosts: 20
// What watching costs. Four clusters set up by Warren (each 3 RabbitMQ nodes,
// 2 load balancers with a VIP: hosts node1-5, node6-10, node11-15, node16-20),
// then, 60 s per measurement, with nothing else running:
//   baseline  Warren stopped: the machine's CPU with every host idle (measured
//             before and after the others; their mean is the baseline).
//   Warren    watching 20, then 10, then 5 hosts (clusters removed from its
//             inventory in between; the brokers keep running): CPU of Warren's
//             server processes as % of one core, the machine's CPU minus the
//             baseline (what watching costs the hosts too), and the SSH
//             connections open per watched host (sampled every 2 s).
//   naive     Warren stopped; the bench itself, for the same 10 hosts, once a
//             second per host: a new SSH connection running
//             `rabbitmqctl cluster_status` on a node, or HAProxy's `show stat`,
//             `ip addr` and `systemctl is-active` on a load balancer (the next
//             one starts when the previous has ended and a second has passed).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { Client } from "ssh2";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { addr, lab, setUpCluster, sleep, type ClusterSpec } from "./support";

const SECONDS = Number(process.env.SECONDS_PER_MEASUREMENT ?? 60);
const host = (i: number) => `node${i}`;
const clusters: ClusterSpec[] = [0, 1, 2, 3].map((k) => ({
  name: `watch-${k + 1}`,
  nodes: [{ host: host(5 * k + 1), type: "disc" }, { host: host(5 * k + 2), type: "disc" }, { host: host(5 * k + 3), type: "ram" }],
  lbs: [host(5 * k + 4), host(5 * k + 5)], vip: `10.213.77.${100 + k}`, routerId: 61 + k,
}));
const hostsOf = (specs: ClusterSpec[]) => specs.flatMap((c) => [...c.nodes.map((n) => n.host), ...(c.lbs ?? [])]);

/** Busy CPU time of the whole machine (every lab host shares its kernel), in seconds. */
function machineBusySeconds(): number {
  const f = fs.readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + (steal ?? 0)) / 100;
}

/** Established SSH connections from this machine, per watched host address. */
function sshConnections(hosts: string[]): number[] {
  const out = execFileSync("ss", ["-Htn", "state", "established"], { encoding: "utf8" });
  const peers = out.split("\n").map((l) => l.trim().split(/\s+/).at(-1) ?? "");
  return hosts.map((h) => peers.filter((p) => p === `${addr(h)}:22`).length);
}

interface Figures { cpuPctOfCore: number; machinePctOfCore: number; connectionsPerHost: number }

/** Samples for SECONDS: `cpu()` is the watcher's own CPU seconds so far. */
async function measure(label: string, hosts: string[], cpu: () => number): Promise<Figures> {
  const m0 = machineBusySeconds(), c0 = cpu(), t0 = performance.now();
  const conns: number[] = [];
  while (performance.now() - t0 < SECONDS * 1000) {
    await sleep(2000);
    if (hosts.length) conns.push(...sshConnections(hosts));
  }
  const wall = (performance.now() - t0) / 1000;
  const f = {
    cpuPctOfCore: round(((cpu() - c0) / wall) * 100),
    machinePctOfCore: round(((machineBusySeconds() - m0) / wall) * 100),
    connectionsPerHost: conns.length ? round(conns.reduce((a, b) => a + b, 0) / conns.length) : 0,
  };
  console.log(`${label.padEnd(28)} watcher CPU ${f.cpuPctOfCore}% of a core, machine ${f.machinePctOfCore}% of a core, SSH connections per host ${f.connectionsPerHost} (max ${conns.length ? Math.max(...conns) : 0})`);
  return f;
}
const round = (x: number) => Math.round(x * 10) / 10;

/** Removes a cluster from Warren's inventory (its hosts keep running), or fails the bench. */
async function forget(warren: WarrenServer, id: string) {
  const r = await warren.api("DELETE", `/clusters/${id}`);
  if (r.status !== 200) throw new Error(`DELETE /clusters/${id}: ${r.status} ${JSON.stringify(r.body)}`);
}

/** Until every watched cluster reports its health (its watches are up). */
async function watching(warren: WarrenServer, ids: string[]) {
  for (let i = 0; i < 120; i++) {
    const st = await Promise.all(ids.map((id) => warren.api<{ status: string }>("GET", `/clusters/${id}/health`).then((r) => r.body.status)));
    if (st.every((s) => s === "ok")) return;
    await sleep(1000);
  }
  throw new Error("the clusters were not all healthy in Warren's view");
}

/** The naive collector, for `specs`' hosts, until stopped; counts the connections it opened. */
function naive(specs: ClusterSpec[]) {
  const key = fs.readFileSync(lab.privateKeyPath, "utf8");
  let stopped = false;
  let opened = 0;
  const once = (h: string, command: string) => new Promise<void>((resolve) => {
    const c = new Client();
    opened++;
    const done = () => { c.end(); resolve(); };
    c.on("ready", () => c.exec(command, (err, s) => {
      if (err) return done();
      s.on("data", () => {}).stderr.on("data", () => {});
      s.on("close", done);
    }));
    c.on("error", done);
    c.connect({ host: addr(h), username: "root", privateKey: key, readyTimeout: 10_000, hostVerifier: () => true });
  });
  const loops = specs.flatMap((c) => [
    ...c.nodes.map((n) => [n.host, "rabbitmqctl cluster_status"] as const),
    ...(c.lbs ?? []).map((l) => [l, 'echo "show stat" | socat stdio unix-connect:/run/haproxy/admin.sock; ip -o -4 addr show; systemctl is-active haproxy keepalived'] as const),
  ]).map(async ([h, command]) => {
    while (!stopped) {
      const t = performance.now();
      await once(h, command);
      await sleep(Math.max(0, 1000 - (performance.now() - t)));
    }
  });
  return { stop: async () => { stopped = true; await Promise.all(loops); }, opened: () => opened };
}

(async () => {
  console.log(`setting up four clusters on node1-20 (3 nodes + 2 load balancers each); ${SECONDS} s per measurement`);
  const warren = await startWarren(3652);
  const ids = await Promise.all(clusters.map((c) => setUpCluster(warren, c).then((r) => r.clusterId)));
  await watching(warren, ids);
  await warren.stop();
  await sleep(5000);

  const before = await measure("baseline (nothing watching)", [], () => 0);

  await warren.restart();
  await watching(warren, ids);
  await sleep(10_000);
  const w20 = await measure("Warren, 20 hosts", hostsOf(clusters), () => warren.cpuSeconds());
  for (const id of ids.slice(2)) await forget(warren, id);
  await sleep(15_000); // the collector follows the inventory every 10 s
  const w10 = await measure("Warren, 10 hosts", hostsOf(clusters.slice(0, 2)), () => warren.cpuSeconds());
  await forget(warren, ids[1]);
  await sleep(15_000);
  const w5 = await measure("Warren, 5 hosts", hostsOf(clusters.slice(0, 1)), () => warren.cpuSeconds());
  await warren.stop();
  await sleep(5000);

  const n = naive(clusters.slice(0, 2));
  await sleep(5000);
  const opened0 = n.opened();
  const self = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  const n10 = await measure("naive, 10 hosts", hostsOf(clusters.slice(0, 2)), self);
  const openedPerHostPerMin = round(((n.opened() - opened0) / 10) * (60 / SECONDS));
  await n.stop();
  await sleep(10_000);

  const after = await measure("baseline again", [], () => 0);
  const base = (before.machinePctOfCore + after.machinePctOfCore) / 2;
  const delta = (f: Figures) => round(f.machinePctOfCore - base);
  console.log(`baseline ${round(base)}% of a core; Warren at 10 hosts adds ${delta(w10)}% (its own process ${w10.cpuPctOfCore}%), the naive collector adds ${delta(n10)}% (its own process ${n10.cpuPctOfCore}%) and opens ${openedPerHostPerMin} SSH connections per host per minute`);
  console.log(`scaling: Warren's own CPU ${w5.cpuPctOfCore}% at 5 hosts, ${w10.cpuPctOfCore}% at 10, ${w20.cpuPctOfCore}% at 20; machine delta ${delta(w5)}%, ${delta(w10)}%, ${delta(w20)}%`);
  console.log(JSON.stringify({
    hosts: 10, cpuPctOfCore: w10.cpuPctOfCore, machineDeltaPctOfCore: delta(w10), connectionsPerHost: w10.connectionsPerHost,
    naive: { hosts: 10, cpuPctOfCore: n10.cpuPctOfCore, machineDeltaPctOfCore: delta(n10), connectionsPerHost: n10.connectionsPerHost },
    scaling: [{ hosts: 5, cpuPctOfCore: w5.cpuPctOfCore }, { hosts: 20, cpuPctOfCore: w20.cpuPctOfCore }],
  }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
