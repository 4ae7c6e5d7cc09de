// lab-hosts: 5
// apt: postgresql
// Issue #28: Warren's own failover. Two instances (A, B) on one PostgreSQL
// (Debian's, started here in a temporary directory), the lab cluster node1–3
// behind node4–5 and the VIP. Ten times: a rolling restart of RabbitMQ is
// started through the standby's API and run by the cluster's owner; in the
// middle of a step (each time another step of the plan: the targets are
// spread over the plan's steps that a takeover may start again), the owner
// is killed with SIGKILL. Measured each time:
//   takeoverS         from the kill until the survivor has taken the lease
//                     and a step of the run starts on it (the step's
//                     startedAt, stamped by the survivor's engine);
//   collectorGapS     the longest gap in the cluster's live view around the
//                     kill (LiveHealth.observedAt, read from PostgreSQL every
//                     200 ms, as any instance's pages read it);
// and whether the run completed (succeeded, with no one pressing anything).
// The killed instance is started again as the standby for the next round.
// stepsRunTwiceUnsafely: a step in flight at the kill that has no check (the
// restart) yet ran again, or any node whose rabbitmq-server started more than
// once in a round (its journal, read over SSH).
//
// Baseline in the same run: ONE instance (as before this issue), killed the
// same way and started again at once by a supervisor (systemd's
// Restart=always): three rounds, the same measures. (On SQLite, the only
// embedded choice before, the restarted instance marks the run
// "interrupted" and nothing goes on until a person presses Resume.)
//
// Targets: takeoverP95S <= 5, collectorGapP95S <= 6, runsCompleted 10,
// stepsRunTwiceUnsafely 0.
import pg from "pg";
import { sshOk } from "@/lab/client";
import { safeToStartAgain } from "@/lib/ops/engine/takeover";
import { rollingRestartOperation } from "@/lib/ops/operations/restart-node";
import type { Plan, Step } from "@/lib/ops/plan";
import { startPostgres } from "../tests/support/postgres";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { lab, percentile, setUpCluster, sleep, startOperation, type RunSteps } from "./support";

const N = 10, BASELINE_N = 3;
const NODES = ["node1", "node2", "node3"];
const VIP = "10.213.77.100";
const PG_PORT = 55450;
const round = (s: number) => Math.round(s * 100) / 100;

type Instances = { instances: { name: string; holds: { name: string }[] }[] };

async function main() {
  const db = startPostgres(PG_PORT);
  db.createDatabase("warren");
  const env = { WARREN_DATABASE_URL: db.url("warren"), WARREN_SECRET_KEY: "5a".repeat(32) };
  const servers: Record<"A" | "B", WarrenServer | null> = { A: null, B: null };
  const client = new pg.Client({ connectionString: db.url("warren") });
  try {
    servers.A = await startWarren(3521, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "A" } });
    const { clusterId } = await setUpCluster(servers.A, { name: "failover", nodes: NODES.map((host) => ({ host, type: "disc" as const })), lbs: ["node4", "node5"], vip: VIP });
    await client.connect();
    const owner = async (via: WarrenServer) => (await via.api<Instances>("GET", "/instances")).body.instances.find((i) => i.holds.some((h) => h.name === clusterId))?.name as "A" | "B" | undefined;

    // The plan's steps a takeover may start again, in order; the targets spread over them.
    const plan = (await servers.A.api<{ plan: Plan }>("POST", `/clusters/${clusterId}/plan`, { type: "rolling-restart", params: {} })).body.plan;
    const steps = plan.phases.flatMap((p) => p.steps);
    const safe = steps.filter((s: Step) => safeToStartAgain(s)).map((s) => s.key);
    const targets = Array.from({ length: N }, (_, i) => safe[Math.floor(((i + 0.5) * safe.length) / N)]);
    console.log(`rolling restart: ${steps.length} steps, ${safe.length} a takeover may start again (the restarts may not: ${steps.filter((s) => !safeToStartAgain(s)).map((s) => s.key).join(", ")})`);
    if (!rollingRestartOperation) throw new Error("no rolling restart");

    /** One round: a rolling restart, its owner killed in the middle of `target` (or the next safe step after it). */
    async function round_(i: number, target: string, opts: { standby: boolean }) {
      const killedName = (await owner(servers.A ?? servers.B!))!;
      const victim = servers[killedName]!;
      const survivor = opts.standby ? servers[killedName === "A" ? "B" : "A"]! : null;
      const api = survivor ?? victim;
      const since = Math.floor(Date.now() / 1000);
      await sleep(1000);
      const runId = await startOperation(api, clusterId, "rolling-restart", {});
      const order = steps.map((s) => s.key);
      // Wait for the target (or a later step a takeover may start again) to be in progress.
      let inFlight: string[] = [];
      for (;;) {
        const r = (await api.api<{ run: RunSteps }>("GET", `/runs/${runId}`)).body.run;
        inFlight = r.steps.filter((s) => s.status === "running").map((s) => s.key);
        if (inFlight.length && inFlight.every((k) => safe.includes(k) && order.indexOf(k) >= order.indexOf(target))) break;
        if (r.status !== "running" && r.status !== "queued") throw new Error(`round ${i}: the run ended (${r.status}) before the target step ${target}`);
        await sleep(50);
      }
      const killedAt = Date.now();
      await victim.crash();
      servers[killedName] = null;
      let restarted: Promise<WarrenServer> | null = null;
      if (!opts.standby) restarted = startWarren(killedName === "A" ? 3521 : 3522, victim.dataDir, { env: { ...env, WARREN_INSTANCE_NAME: killedName } });
      // The live view as PostgreSQL holds it, every 200 ms, and the first step started after the kill.
      const seen: number[] = [];
      let takeoverS: number | null = null;
      const until = Date.now() + 120_000;
      while (Date.now() < until) {
        const row = await client.query(`SELECT "observedAt" FROM "LiveHealth" WHERE "clusterId" = $1`, [clusterId]);
        const t = row.rows[0]?.observedAt?.getTime();
        if (t && seen[seen.length - 1] !== t) seen.push(t);
        if (takeoverS === null) {
          const s = await client.query(`SELECT min("startedAt") AS t FROM "RunStep" WHERE "runId" = $1 AND "startedAt" > $2`, [runId, new Date(killedAt)]);
          if (s.rows[0]?.t) takeoverS = (s.rows[0].t.getTime() - killedAt) / 1000;
        }
        if (takeoverS !== null && seen.length && seen[seen.length - 1] > killedAt + 5000) break;
        await sleep(200);
      }
      const around = seen.filter((t) => t > killedAt - 10_000);
      const gaps = around.slice(1).map((t, k) => (t - around[k]) / 1000);
      const collectorGapS = gaps.length ? Math.max(...gaps) : null;
      const carrier = survivor ?? (servers[killedName] = await restarted!);
      let r: RunSteps;
      for (;;) {
        r = (await carrier.api<{ run: RunSteps }>("GET", `/runs/${runId}`)).body.run;
        if (!["queued", "running"].includes(r.status)) break;
        await sleep(1000);
      }
      let twice = inFlight.filter((k) => !safe.includes(k) && r.steps.find((s) => s.key === k)?.status === "done").length;
      for (const n of NODES) {
        const starts = Number((await sshOk(lab, n, `journalctl -u rabbitmq-server --since @${since} -o cat | grep -c '^Started ' || true`)).trim());
        if (starts > 1) twice += starts - 1;
      }
      // The killed instance comes back as the standby.
      if (opts.standby) servers[killedName] = await startWarren(killedName === "A" ? 3521 : 3522, victim.dataDir, { env: { ...env, WARREN_INSTANCE_NAME: killedName } });
      const out = { round: i + 1, killed: killedName, inFlight, takeoverS: takeoverS === null ? null : round(takeoverS), collectorGapS: collectorGapS === null ? null : round(collectorGapS), status: r.status, twice };
      console.log(JSON.stringify(out));
      return out;
    }

    // Baseline first: A alone, restarted by a "supervisor" after each kill.
    type Round = Awaited<ReturnType<typeof round_>>;
    const baseline: Round[] = [];
    for (let i = 0; i < BASELINE_N; i++) baseline.push(await round_(i, targets[(i * 3) % N], { standby: false }));
    servers.B = await startWarren(3522, undefined, { env: { ...env, WARREN_INSTANCE_NAME: "B" } });
    const rounds: Round[] = [];
    for (let i = 0; i < N; i++) rounds.push(await round_(i, targets[i], { standby: true }));

    const figures = (xs: Round[]) => {
      const t = xs.map((x) => x.takeoverS).filter((x): x is number => x !== null);
      const g = xs.map((x) => x.collectorGapS).filter((x): x is number => x !== null);
      return { takeoverP50S: percentile(t, 50), takeoverP95S: percentile(t, 95), collectorGapP95S: percentile(g, 95), runsCompleted: xs.filter((x) => x.status === "succeeded").length, stepsRunTwiceUnsafely: xs.reduce((s, x) => s + x.twice, 0), n: xs.length };
    };
    console.log(`baseline (one instance, started again by a supervisor): ${JSON.stringify(figures(baseline))}`);
    console.log(`two instances: ${JSON.stringify(figures(rounds))}`);
    console.log(JSON.stringify(figures(rounds)));
  } finally {
    await client.end().catch(() => {});
    for (const s of Object.values(servers)) await s?.stop();
    db.stop();
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
