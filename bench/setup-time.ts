// lab-hosts: 12
// Time from "run" to a verified 3-node cluster (2 disc + 1 ram, name, ha-all policy):
// Warren (API → run succeeded) against the seeds' procedure as a plain sequential
// script over SSH, one host and one command after another. Same work on both
// sides: hosts file, install, shared cookie, joins, name, policy, a check.
// Two rounds on fresh hosts (node1-3 and 4-6, then 7-9 and 10-12), the order
// swapped in the second so neither side always runs on a warmer machine; each
// finished cluster is stopped so idle brokers do not tax the next measurement.
import fs from "node:fs";
import { loadLab, sshOk } from "@/lab/client";
import { startWarren } from "../tests/support/warren-server";

const lab = loadLab();
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;

async function baseline(nodes: Trio): Promise<number> {
  const [seed, disc, ram] = nodes;
  const t0 = performance.now();
  const hostsLines = nodes.map((n) => `${addr(n)} ${n}`).join("\\n");
  for (const n of nodes) await sshOk(lab, n, `printf '${hostsLines}\\n' >> /etc/hosts`);
  for (const n of nodes) await sshOk(lab, n, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >/dev/null", 600_000);
  const cookie = (await sshOk(lab, seed, "cat /var/lib/rabbitmq/.erlang.cookie")).trim();
  for (const n of [disc, ram]) {
    await sshOk(lab, n, "systemctl stop rabbitmq-server");
    await sshOk(lab, n, `printf '%s' '${cookie}' > /var/lib/rabbitmq/.erlang.cookie`);
    await sshOk(lab, n, "chown rabbitmq:rabbitmq /var/lib/rabbitmq/.erlang.cookie");
    await sshOk(lab, n, "chmod 400 /var/lib/rabbitmq/.erlang.cookie");
    await sshOk(lab, n, "systemctl start rabbitmq-server");
  }
  for (const [n, ramFlag] of [[disc, ""], [ram, "--ram "]] as const) {
    await sshOk(lab, n, "rabbitmqctl stop_app");
    await sshOk(lab, n, "rabbitmqctl reset");
    await sshOk(lab, n, `rabbitmqctl join_cluster ${ramFlag}rabbit@${seed}`);
    await sshOk(lab, n, "rabbitmqctl start_app");
  }
  await sshOk(lab, seed, "rabbitmqctl set_cluster_name rabbit-baseline");
  await sshOk(lab, seed, `rabbitmqctl set_policy ha-all '^' '{"ha-mode":"all","ha-sync-mode":"automatic"}' --apply-to queues`);
  for (const n of nodes) {
    const s = JSON.parse(await sshOk(lab, n, "rabbitmqctl -q cluster_status --formatter json"));
    if (s.running_nodes.length !== 3 || s.ram_nodes[0] !== `rabbit@${ram}`) throw new Error(`baseline cluster wrong on ${n}`);
  }
  return (performance.now() - t0) / 1000;
}

interface StepTimes { phase: number; key: string; status: string; startedAt: string | null; finishedAt: string | null }

/** Where Warren's time went: each phase's wall time and its slowest step. */
function printPhases(steps: StepTimes[]) {
  const phases = new Map<number, StepTimes[]>();
  for (const s of steps) phases.set(s.phase, [...(phases.get(s.phase) ?? []), s]);
  for (const [i, list] of phases) {
    const timed = list.filter((s) => s.startedAt && s.finishedAt);
    if (!timed.length) continue;
    const start = Math.min(...timed.map((s) => Date.parse(s.startedAt!)));
    const end = Math.max(...timed.map((s) => Date.parse(s.finishedAt!)));
    const slow = timed.map((s) => ({ k: s.key, ms: Date.parse(s.finishedAt!) - Date.parse(s.startedAt!), st: s.status })).sort((a, b) => b.ms - a.ms)[0];
    console.log(`  phase ${i + 1}: ${((end - start) / 1000).toFixed(1)} s (slowest step ${slow.k} ${(slow.ms / 1000).toFixed(1)} s, ${slow.st})`);
  }
}

async function warren(nodes: Trio): Promise<number> {
  const w = await startWarren(3499);
  try {
    const key = fs.readFileSync(lab.privateKeyPath, "utf8");
    const ids: string[] = [];
    for (const n of nodes) ids.push(((await w.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: addr(n), authType: "key", privateKey: key })).body).host.id);
    const c = await w.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "bench", members: [
      { hostId: ids[0], role: "rabbitmq", nodeType: "disc", isSeed: true }, { hostId: ids[1], role: "rabbitmq", nodeType: "disc" }, { hostId: ids[2], role: "rabbitmq", nodeType: "ram" }] });
    const params = { clusterName: "rabbit-bench", ha: { mode: "all" }, management: false, removeGuest: false };
    const t0 = performance.now();
    const cpu0 = w.cpuSeconds();
    const r = await w.api<{ runId: string }>("POST", `/clusters/${c.body.cluster.id}/operations`, { type: "setup", params, confirmDestructive: true });
    for (;;) {
      const run = (await w.api<{ run: { status: string; error: string | null } }>("GET", `/runs/${r.body.runId}`)).body.run;
      if (run.status === "succeeded") {
        printPhases((await w.api<{ run: { steps: StepTimes[] } }>("GET", `/runs/${r.body.runId}`)).body.run.steps);
        console.log(`  Warren's own processes used ${(w.cpuSeconds() - cpu0).toFixed(1)} CPU s during the run`);
        break;
      }
      if (!["queued", "running"].includes(run.status)) throw new Error(`Warren's run ${run.status}: ${run.error}`);
      await new Promise((res) => setTimeout(res, 200));
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await w.stop();
  }
}

type Trio = [string, string, string];
const trio = (first: number): Trio => [`node${first}`, `node${first + 1}`, `node${first + 2}`];

async function stopBrokers(nodes: Trio) {
  await Promise.all(nodes.map((n) => sshOk(lab, n, "systemctl stop rabbitmq-server")));
}

async function main() {
  const rounds: { warrenS: number; baselineS: number }[] = [];
  for (const [i, warrenFirst] of [true, false].entries()) {
    const [w, b] = [trio(1 + i * 6), trio(4 + i * 6)];
    const measure = async (side: "warren" | "baseline") => {
      const secs = side === "warren" ? await warren(w) : await baseline(b);
      console.log(`round ${i + 1} ${side} (${(side === "warren" ? w : b).join(",")}): ${secs.toFixed(1)} s`);
      await stopBrokers(side === "warren" ? w : b);
      return secs;
    };
    let warrenS: number, baselineS: number;
    if (warrenFirst) { warrenS = await measure("warren"); baselineS = await measure("baseline"); }
    else { baselineS = await measure("baseline"); warrenS = await measure("warren"); }
    rounds.push({ warrenS, baselineS });
    console.log(`round ${i + 1} ratio: ${(warrenS / baselineS).toFixed(3)}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const warrenS = mean(rounds.map((r) => r.warrenS)), baselineS = mean(rounds.map((r) => r.baselineS));
  console.log(`mean: warren ${warrenS.toFixed(1)} s, baseline ${baselineS.toFixed(1)} s, ratio ${(warrenS / baselineS).toFixed(2)} (target ≤ 0.6)`);
  console.log(JSON.stringify({
    warrenS: +warrenS.toFixed(1), baselineS: +baselineS.toFixed(1), ratio: +(warrenS / baselineS).toFixed(3),
    rounds: rounds.map((r) => ({ warrenS: +r.warrenS.toFixed(1), baselineS: +r.baselineS.toFixed(1), ratio: +(r.warrenS / r.baselineS).toFixed(3) })),
  }));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
