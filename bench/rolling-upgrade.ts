// lab-hosts: 5
// What a client sees while Erlang is upgraded on a 3-node cluster (node1,
// node2 disc, node3 ram) behind two load balancers and a VIP (node4, node5):
//   warren   Warren's rolling upgrade (one node at a time: queue-safety gates,
//            out of both HAProxy rotations, drain, stop, upgrade, start, back
//            in the cluster with mirrors synchronised, back in rotation);
//   stopAll  in the same run and on the same cluster, the naive procedure:
//            stop every node (ram first, seed last), upgrade all, start all.
// Between the two, the nodes are put back on the older Erlang (not measured).
// During each, an AMQP publisher (confirms) and consumer (acks) run through
// the VIP against a queue mirrored on every node; `lost` counts confirmed
// messages never consumed, `longestGapS` the longest time with no confirmed
// publish.
import { sshOk } from "@/lab/client";
import { runLoad, type LoadReport } from "@/lab/amqp-load";
import { ERLANG_PACKAGES } from "@/lib/rabbitmq/cli";
import { startWarren } from "../tests/support/warren-server";
import { lab, setUpCluster, sleep, startOperation, waitForRun } from "./support";

const OLD = "1:25.2.3+dfsg-1+deb12u1";
const NEW = "1:25.2.3+dfsg-1+deb12u4";
const NODES = [{ host: "node1", type: "disc" as const }, { host: "node2", type: "disc" as const }, { host: "node3", type: "ram" as const }];
const VIP = "10.213.77.100";
const round = (s: number) => Math.round(s * 10) / 10;

const running = async () => {
  try {
    const s = JSON.parse(await sshOk(lab, "node1", "rabbitmqctl -q cluster_status --formatter json", 30_000)) as { running_nodes: string[] };
    return s.running_nodes.length === NODES.length;
  } catch { return false; }
};

/** Load through the VIP while `work` runs, and 10 s after it (clients settle back). */
async function underLoad(url: string, work: () => Promise<void>): Promise<LoadReport> {
  let stop!: () => void;
  const until = new Promise<void>((r) => { stop = r; });
  const load = runLoad({ url, seconds: 60 * 60, until, drainSeconds: 120, log: (l) => console.error(`  load: ${l}`) });
  await sleep(5000);
  try { await work(); } finally { await sleep(10_000); stop(); }
  return load;
}

/** Every node to `version` the naive way: all stopped, all upgraded, all started. */
async function stopAllUpgradeAll(version: string, downgrade = false) {
  for (const n of [...NODES].reverse()) await sshOk(lab, n.host, "systemctl stop rabbitmq-server", 300_000);
  const pkgs = ERLANG_PACKAGES.map((p) => `${p}=${version}`).join(" ");
  await Promise.all(NODES.map((n) => sshOk(lab, n.host, `DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${downgrade ? "--allow-downgrades" : ""} ${pkgs} >/dev/null`, 900_000)));
  // The seed stopped last, so it starts first; the others wait for it.
  await Promise.all(NODES.map((n, i) => sleep(i ? 2000 : 0).then(() => sshOk(lab, n.host, "systemctl start rabbitmq-server", 600_000))));
  while (!(await running())) await sleep(500);
}

(async () => {
  const warren = await startWarren(3652);
  console.error("setting up node1, node2 disc, node3 ram on the older Erlang, behind node4 and node5 …");
  const { clusterId, password } = await setUpCluster(warren, { name: "upgrade", nodes: NODES, lbs: ["node4", "node5"], vip: VIP, setup: { erlangVersion: OLD } });
  const url = `amqp://warren-admin:${encodeURIComponent(password)}@${VIP}:5672`;

  console.error(`warren: rolling upgrade to Erlang ${NEW} …`);
  let totalS = 0;
  const perNodeS: Record<string, number> = {};
  const w = await underLoad(url, async () => {
    const runId = await startOperation(warren, clusterId, "rolling-upgrade", { erlangVersion: NEW, enableFeatureFlags: false });
    const run = await waitForRun(warren, runId, "the rolling upgrade");
    totalS = (Date.parse(run.finishedAt!) - Date.parse(run.startedAt!)) / 1000;
    for (const n of NODES) {
      const own = run.steps.filter((s) => s.key.endsWith(`:${n.host}`) || s.key.includes(`:${n.host}@`)).filter((s) => s.startedAt && s.finishedAt && !s.key.startsWith("verify") && !s.key.startsWith("versions"));
      perNodeS[n.host] = round((Math.max(...own.map((s) => Date.parse(s.finishedAt!))) - Math.min(...own.map((s) => Date.parse(s.startedAt!)))) / 1000);
    }
  });
  for (const n of NODES) {
    const v = (await sshOk(lab, n.host, "dpkg-query -W -f='${Version}' erlang-base")).trim();
    if (v !== NEW) throw new Error(`${n.host} runs Erlang ${v} after Warren's upgrade`);
  }
  const warrenOut = { lost: w.lost, dup: w.duplicated, longestGapS: round(w.longestGapMs / 1000), totalS: round(totalS), perNodeS };
  console.log(`warren:  ${JSON.stringify(w)}`);
  console.log(`warren:  lost ${warrenOut.lost}, duplicated ${warrenOut.dup}, longest publish gap ${warrenOut.longestGapS} s, ${warrenOut.totalS} s in all; per node ${JSON.stringify(perNodeS)}`);

  console.error(`back to Erlang ${OLD} (not measured) …`);
  await stopAllUpgradeAll(OLD, true);

  console.error(`stopAll: stop every node, upgrade to ${NEW}, start every node …`);
  let stopAllS = 0;
  const s = await underLoad(url, async () => {
    const t = Date.now();
    await stopAllUpgradeAll(NEW);
    stopAllS = (Date.now() - t) / 1000;
  });
  const stopAll = { lost: s.lost, dup: s.duplicated, longestGapS: round(s.longestGapMs / 1000), totalS: round(stopAllS) };
  console.log(`stopAll: ${JSON.stringify(s)}`);
  console.log(`stopAll: lost ${stopAll.lost}, duplicated ${stopAll.dup}, longest publish gap ${stopAll.longestGapS} s, ${stopAll.totalS} s in all`);

  await warren.stop();
  console.log(JSON.stringify({ warren: warrenOut, stopAll }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
