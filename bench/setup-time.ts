// lab-hosts: 6
// Time from "run" to a verified 3-node cluster (2 disc + 1 ram, name, ha-all policy):
// Warren (API → run succeeded, on node1-3) against the seeds' procedure as a plain
// sequential script over SSH, one host and one command after another (node4-6).
// Same work on both sides: hosts file, install, shared cookie, joins, name, policy, a check.
import fs from "node:fs";
import { loadLab, sshOk } from "@/lab/client";
import { startWarren } from "../tests/support/warren-server";

const lab = loadLab();
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;

async function baseline(nodes: [string, string, string]): Promise<number> {
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

async function warren(nodes: [string, string, string]): Promise<number> {
  const w = await startWarren(3499);
  try {
    const key = fs.readFileSync(lab.privateKeyPath, "utf8");
    const ids: string[] = [];
    for (const n of nodes) ids.push(((await w.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: addr(n), authType: "key", privateKey: key })).body).host.id);
    const c = await w.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "bench", members: [
      { hostId: ids[0], role: "rabbitmq", nodeType: "disc", isSeed: true }, { hostId: ids[1], role: "rabbitmq", nodeType: "disc" }, { hostId: ids[2], role: "rabbitmq", nodeType: "ram" }] });
    const params = { clusterName: "rabbit-bench", ha: { mode: "all" }, management: false, removeGuest: false };
    const t0 = performance.now();
    const r = await w.api<{ runId: string }>("POST", `/clusters/${c.body.cluster.id}/operations`, { type: "setup", params, confirmDestructive: true });
    for (;;) {
      const run = (await w.api<{ run: { status: string; error: string | null } }>("GET", `/runs/${r.body.runId}`)).body.run;
      if (run.status === "succeeded") {
        printPhases((await w.api<{ run: { steps: StepTimes[] } }>("GET", `/runs/${r.body.runId}`)).body.run.steps);
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

async function main() {
  // Warren first, so the baseline gets any warm caches.
  const warrenS = await warren(["node1", "node2", "node3"]);
  console.log(`warren (setup run, verified): ${warrenS.toFixed(1)} s`);
  const baselineS = await baseline(["node4", "node5", "node6"]);
  console.log(`baseline (sequential SSH script): ${baselineS.toFixed(1)} s`);
  console.log(`ratio: ${(warrenS / baselineS).toFixed(2)} (target ≤ 0.6)`);
  console.log(JSON.stringify({ warrenS: +warrenS.toFixed(1), baselineS: +baselineS.toFixed(1), ratio: +(warrenS / baselineS).toFixed(3) }));
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
