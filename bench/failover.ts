// lab-hosts: 6
// How fast clients get through the VIP again when the VIP holder fails:
// Warren's load-balancer configuration against, in the same run and on the
// same RabbitMQ cluster, seed 004's (its values: checks every 5 s × 3, advert
// 1 s, priorities 100/50, weight 10; its broken `${ps …}` script fixed to
// `$(ps …)`, so the baseline is the seeds' timing, not their bug).
//   node1, node2  RabbitMQ (set up by Warren)
//   node3, node4  Warren's HAProxy + Keepalived, VIP .100, router id 51
//   node5, node6  the seeds' HAProxy + Keepalived, VIP .101, router id 52
// Faults: Keepalived stopped, HAProxy killed (SIGKILL), the holder's power cut
// (`lab stop --hard`: off the network at once, nothing shuts down cleanly, so
// no priority-0 advert: the backup must notice the silence). Per trial, from
// the moment the fault is sent: when another load balancer holds the VIP
// (polled every 50 ms over pooled SSH connections), and when a new AMQP
// connection through the VIP publishes a confirmed message (amqplib, tried
// every 50 ms from the moment the fault command has returned: a probe that
// started earlier could be served by the old holder before the fault bit). An AMQP publisher (confirms) and consumer (acks) run through
// the VIP during every trial; `lost` counts confirmed messages never consumed.
import amqp from "amqplib";
import { labCommand, labCommandAsync, sshOk } from "@/lab/client";
import { runLoad } from "@/lab/amqp-load";
import { SshPool } from "@/lib/ssh";
import { labTarget } from "../tests/support/lab";
import { startWarren } from "../tests/support/warren-server";
import { addr, lab, percentile, setUpCluster, sleep } from "./support";

const pool = new SshPool();
const TRIALS = { keepalivedStop: Number(process.env.TRIALS ?? 10), haproxyKill: Number(process.env.TRIALS ?? 10), powerOff: Number(process.env.POWER_TRIALS ?? 5) };
type Fault = keyof typeof TRIALS;

interface Setup { name: "warren" | "seeds"; vip: string; lbs: [string, string]; url: string }

const SEED_HAPROXY = (nodes: string[]) => `global
    log /dev/log local0
    chroot /var/lib/haproxy
    stats socket /run/haproxy/admin.sock mode 660 level admin
    user haproxy
    group haproxy
    daemon
defaults
    log global
    mode tcp
    option tcplog
    option dontlognull
    retries 3
    timeout connect 5s
    timeout client 120s
    timeout server 120s
listen rabbitmq_cluster
    bind :5672
    mode tcp
    balance roundrobin
${nodes.map((n) => `    server ${n} ${addr(n)}:5672 check inter 5000 rise 2 fall 3 weight 1`).join("\n")}
listen monitor
    bind :8100
    mode http
    stats enable
    stats uri /stats
    stats refresh 5s
`;
// Seed 004's check with its command substitution fixed; everything else as written.
const SEED_CHECK = `#!/bin/bash
if [ $(ps -C haproxy --no-header | wc -l) -eq 0 ] ; then
    haproxy -f /etc/haproxy/haproxy.cfg
fi
sleep 3
if [ $(ps -C haproxy --no-header | wc -l) -eq 0 ] ; then
    systemctl stop keepalived
fi
`;
const SEED_KEEPALIVED = (self: string, master: boolean) => `global_defs {
   router_id ${self}
}
vrrp_script chk_haproxy {
    script "/etc/keepalived/haproxy_check.sh"
    interval 5
    weight 10
}
vrrp_instance VI_1 {
    state ${master ? "MASTER" : "BACKUP"}
    interface eth0
    virtual_router_id 52
    priority ${master ? 100 : 50}
    advert_int 1
    authentication {
        auth_type PASS
        auth_pass 123456
    }
    track_script {
        chk_haproxy
    }
    virtual_ipaddress {
        10.213.77.101
    }
}
`;

async function put(host: string, path: string, content: string, mode: string) {
  await pool.upload(labTarget(lab, host), path, content, { mode });
}

async function holds(host: string, vip: string): Promise<boolean> {
  const asked = pool.run(labTarget(lab, host), ["sh", "-c", 'ip -o -4 addr show | grep -qF " inet $1/"', "h", vip], { allowFailure: true, timeoutMs: 3000 }).then((r) => r.exitCode === 0, () => false);
  return Promise.race([asked, sleep(400).then(() => false)]);
}

async function holders(s: Setup): Promise<string[]> {
  const r = await Promise.all(s.lbs.map(async (h) => ((await holds(h, s.vip)) ? h : null)));
  return r.filter((x): x is string => !!x);
}

async function probeOnce(url: string): Promise<boolean> {
  let conn: amqp.ChannelModel | undefined;
  try {
    conn = await amqp.connect(url, { timeout: 1000 });
    conn.on("error", () => {});
    const ch = await conn.createConfirmChannel();
    await Promise.race([
      new Promise<void>((res, rej) => ch.publish("", "warren-failover-probe", Buffer.from("x"), {}, (e) => (e ? rej(e) : res()))),
      sleep(1500).then(() => { throw new Error("no confirm"); }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    await conn?.close().catch(() => {});
  }
}

async function settle(s: Setup) {
  for (let i = 0; i < 180; i++) {
    const st = await Promise.all(s.lbs.map((h) => pool.run(labTarget(lab, h), ["sh", "-c", "systemctl is-active --quiet keepalived && systemctl is-active --quiet haproxy"], { allowFailure: true, timeoutMs: 5000 }).then((r) => r.exitCode === 0, () => false)));
    if (st.every(Boolean) && (await holders(s)).length === 1 && (await probeOnce(s.url))) return;
    // A pair left broken by the last fault (the seeds' check starts HAProxy outside systemd) is restarted, as its operator would.
    if (i === 60) {
      console.log(`${s.name}: not settled after 30 s; restarting HAProxy and Keepalived on ${s.lbs.join(", ")}`);
      await Promise.all(s.lbs.map((h) => pool.run(labTarget(lab, h), ["sh", "-c", "pkill -x haproxy; systemctl reset-failed haproxy keepalived; systemctl restart haproxy && systemctl restart keepalived"], { allowFailure: true, timeoutMs: 30_000 })));
    }
    await sleep(500);
  }
  throw new Error(`${s.name}: the load balancers did not settle`);
}

async function trial(s: Setup, fault: Fault): Promise<{ vipS: number | null; amqpS: number | null; lost: number }> {
  await settle(s);
  const [owner] = await holders(s);
  const load = runLoad({ url: s.url, seconds: fault === "powerOff" ? 12 : 8, drainSeconds: 20 });
  await sleep(1500);
  const t0 = performance.now();
  // Not awaited before measuring: the clock runs from the moment the fault is sent.
  // Never a synchronous call here: the VIP poll below runs while the fault happens.
  const reportFault = (e: unknown) => console.error(`fault: ${(e as Error).message}`);
  const faultDone: Promise<unknown> = (fault === "keepalivedStop" ? sshOk(lab, owner, "systemctl stop keepalived")
    : fault === "haproxyKill" ? labCommandAsync("kill", owner, "haproxy")
      : labCommandAsync("stop", owner, "--hard")).catch(reportFault);
  const limit = t0 + 30_000;
  let clientBackAt = Infinity;
  const vip = (async () => {
    // A VIP that has not moved 5 s after clients got through again never will (HAProxy came back in place).
    while (performance.now() < limit && performance.now() < clientBackAt + 5000) {
      const h = await holders(s);
      if (h.length === 1 && h[0] !== owner) return (performance.now() - t0) / 1000;
      await sleep(50);
    }
    return null;
  })();
  const client = (async () => {
    await faultDone;
    while (performance.now() < limit) {
      if (await probeOnce(s.url)) { clientBackAt = performance.now(); return (clientBackAt - t0) / 1000; }
      await sleep(50);
    }
    return null;
  })();
  const [vipS, amqpS] = await Promise.all([vip, client]);
  // Restore what the fault changed (after the fault's own command has ended).
  await faultDone;
  // The seeds' check stops Keepalived itself when HAProxy is gone; its operator starts it again.
  if (fault === "keepalivedStop" || fault === "haproxyKill") await sshOk(lab, owner, "systemctl is-active --quiet keepalived || systemctl start keepalived");
  else if (fault === "powerOff") labCommand("start", owner);
  const r = await load;
  return { vipS, amqpS, lost: r.lost };
}

(async () => {
  console.log("setting up: RabbitMQ on node1-2, Warren's load balancers on node3-4 (VIP .100), the seeds' on node5-6 (VIP .101)");
  process.env.WARREN_POWER_COMMAND = `bash ${process.cwd()}/lab/lab.sh`;
  const warren = await startWarren(3650);
  const { password } = await setUpCluster(warren, {
    name: "bench", nodes: [{ host: "node1", type: "disc" }, { host: "node2", type: "disc" }],
    lbs: ["node3", "node4"], vip: "10.213.77.100", routerId: 51,
  });
  await warren.stop();
  // The seeds' pair, configured by hand as seed 004 does.
  await Promise.all(["node5", "node6"].map((n) => sshOk(lab, n, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy keepalived >/dev/null", 600_000)));
  for (const [n, master] of [["node5", true], ["node6", false]] as const) {
    await put(n, "/etc/haproxy/haproxy.cfg", SEED_HAPROXY(["node1", "node2"]), "0644");
    await put(n, "/etc/keepalived/haproxy_check.sh", SEED_CHECK, "0755");
    await put(n, "/etc/keepalived/keepalived.conf", SEED_KEEPALIVED(n, master), "0644");
    await sshOk(lab, n, "systemctl restart haproxy && systemctl enable --now keepalived && systemctl restart keepalived");
  }
  const user = `warren-admin:${encodeURIComponent(password)}`;
  const setups: Setup[] = [
    { name: "warren", vip: "10.213.77.100", lbs: ["node3", "node4"], url: `amqp://${user}@10.213.77.100:5672` },
    { name: "seeds", vip: "10.213.77.101", lbs: ["node5", "node6"], url: `amqp://${user}@10.213.77.101:5672` },
  ];
  const results: Record<string, Record<Fault, { vip: number[]; amqp: number[]; n: number }>> = {};
  let lost = 0;
  for (const s of setups) results[s.name] = { keepalivedStop: { vip: [], amqp: [], n: 0 }, haproxyKill: { vip: [], amqp: [], n: 0 }, powerOff: { vip: [], amqp: [], n: 0 } };
  for (const fault of Object.keys(TRIALS) as Fault[]) {
    for (let i = 0; i < TRIALS[fault]; i++) {
      // Interleaved, so both configurations see the same machine at the same time.
      for (const s of i % 2 ? [...setups].reverse() : setups) {
        const r = await trial(s, fault);
        const agg = results[s.name][fault];
        agg.n++;
        if (r.vipS !== null) agg.vip.push(r.vipS);
        if (r.amqpS !== null) agg.amqp.push(r.amqpS);
        lost += r.lost;
        console.log(`${s.name.padEnd(6)} ${fault.padEnd(14)} #${i + 1}: VIP moved ${r.vipS === null ? "never (30 s)" : `${r.vipS.toFixed(2)} s`}, client through the VIP ${r.amqpS === null ? "never (30 s)" : `${r.amqpS.toFixed(2)} s`}, lost ${r.lost}`);
      }
    }
  }
  pool.closeAll();
  const summary = (name: string) => Object.fromEntries((Object.keys(TRIALS) as Fault[]).map((f) => {
    const a = results[name][f];
    return [f, { vipP50S: percentile(a.vip, 50), vipP95S: percentile(a.vip, 95), amqpP50S: percentile(a.amqp, 50), amqpP95S: percentile(a.amqp, 95), n: a.n }];
  }));
  const out = { warren: summary("warren"), seeds: summary("seeds"), lost };
  for (const name of ["warren", "seeds"] as const) for (const [f, v] of Object.entries(out[name])) {
    const a = results[name][f as Fault];
    console.log(`${name} ${f}: VIP p50 ${v.vipP50S} s p95 ${v.vipP95S} s (moved in ${a.vip.length}/${a.n}); client p50 ${v.amqpP50S} s p95 ${v.amqpP95S} s`);
  }
  console.log(JSON.stringify(out));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
