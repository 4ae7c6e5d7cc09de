// lab-hosts: 3
// Issue #29: does exactly one load balancer hold the VIP after Keepalived,
// HAProxy or the whole host restarts, and does Warren say so? A cluster set up
// through Warren with the wizard's default load-balancer settings (node1
// RabbitMQ, node2 and node3 HAProxy + Keepalived, VIP .100). Each round:
//   keepalived-holder  `systemctl stop keepalived` on the VIP's holder, 0-2 s, start again
//   keepalived-backup  the same on the other load balancer
//   haproxy-holder / haproxy-backup   `systemctl restart haproxy`
//   reboot-holder / reboot-backup     `lab stop` then `lab start` (a clean power-off and on)
// From outside Warren (its own SSH, `ip -o -4 addr show` on both load
// balancers) and through Warren's health API, both every 250 ms for up to 15 s,
// until the VIP has had exactly one holder for 3 s and Warren has agreed.
// A round fails when SSH does not show exactly one holder within 10 s
// (vipUnowned), or when Warren does not name that holder within 2 s of it, or
// contradicts it later for more than 2 s (warrenWrong). A failed round leaves
// both load balancers' Keepalived journals and the samples in
// test-results/bench/vip-restarts/. Counts: HOLDER (200), BACKUP (50),
// HAPROXY (30: two thirds on the holder), REBOOT (10: the same).
import fs from "node:fs";
import path from "node:path";
import { labCommandAsync } from "@/lab/client";
import { SshPool } from "@/lib/ssh";
import type { ClusterHealth } from "@/lib/health/derive";
import { labTarget } from "../tests/support/lab";
import { startWarren, type WarrenServer } from "../tests/support/warren-server";
import { lab, setUpCluster, sleep } from "./support";

const VIP = "10.213.77.100";
const LBS = ["node2", "node3"] as const;
const COUNTS = { HOLDER: Number(process.env.HOLDER ?? 200), BACKUP: Number(process.env.BACKUP ?? 50), HAPROXY: Number(process.env.HAPROXY ?? 30), REBOOT: Number(process.env.REBOOT ?? 10) };
const SAMPLE_MS = 250, WINDOW_MS = 15_000, OWNED_WITHIN_MS = 10_000, AGREE_WITHIN_MS = 2000, STABLE_MS = 3000;
const OUT = path.resolve("test-results/bench/vip-restarts");
const pool = new SshPool();
let warren: WarrenServer;
let clusterId = "";

type Kind = "keepalived-holder" | "keepalived-backup" | "haproxy-holder" | "haproxy-backup" | "reboot-holder" | "reboot-backup";
interface Sample { t: number; ssh: string[] | null; warren: string[] | null }
interface Round { n: number; kind: Kind; host: string; samples: Sample[]; ownedAtS: number | null; agreedAtS: number | null; unownedS: number; wrong: string | null }

const holds = async (lb: string): Promise<boolean | null> => {
  const r = await pool.run(labTarget(lab, lb), ["ip", "-o", "-4", "addr", "show"], { allowFailure: true, timeoutMs: 1500 }).catch(() => null);
  return r ? r.stdout.includes(` inet ${VIP}/`) : null;
};
/** Who holds the VIP, as the hosts say; an unreachable host holds nothing (it is off). */
async function sshHolders(): Promise<string[]> {
  const h = await Promise.all(LBS.map(holds));
  return LBS.filter((_, i) => h[i] === true);
}
async function warrenOwners(): Promise<string[] | null> {
  const r = await warren.api<ClusterHealth>("GET", `/clusters/${clusterId}/health`).catch(() => null);
  return r?.body.vip ? [...r.body.vip.owners].sort() : null;
}
const same = (a: string[] | null, b: string[] | null) => !!a && !!b && a.join() === b.join();

async function fault(kind: Kind, host: string) {
  if (kind.startsWith("keepalived")) {
    await pool.run(labTarget(lab, host), ["systemctl", "stop", "keepalived"], { timeoutMs: 30_000 });
    await sleep(Math.random() * 2000);
    await pool.run(labTarget(lab, host), ["systemctl", "start", "keepalived"], { timeoutMs: 30_000 });
  } else if (kind.startsWith("haproxy")) {
    await pool.run(labTarget(lab, host), ["systemctl", "restart", "haproxy"], { timeoutMs: 30_000 });
  } else {
    await labCommandAsync("stop", host);
    pool.drop(`lab-${host}`);
    await labCommandAsync("start", host);
  }
}

async function round(n: number, kind: Kind): Promise<Round> {
  const before = await sshHolders();
  const holder = before.length === 1 ? before[0] : LBS[0];
  const host = kind.endsWith("holder") ? holder : LBS.find((l) => l !== holder)!;
  const since = new Date(Date.now() - 1000).toISOString().replace("T", " ").slice(0, 19);
  const t0 = performance.now();
  let done: number | null = null;
  const action = fault(kind, host).then(() => { done = performance.now() - t0; });
  const samples: Sample[] = [];
  for (;;) {
    const t = performance.now() - t0;
    const [ssh, w] = await Promise.all([sshHolders(), warrenOwners()]);
    samples.push({ t, ssh, warren: w });
    // Settled: the fault is over, the VIP has had one holder for 3 s, and Warren names it.
    const recent = samples.filter((s) => s.t >= t - STABLE_MS);
    if (done !== null && t - done >= STABLE_MS && recent[0].t <= t - STABLE_MS + SAMPLE_MS
      && recent.every((s) => s.ssh?.length === 1 && same(s.ssh, samples[samples.length - 1].ssh)) && same(ssh, w)) break;
    if ((done !== null && t - done > WINDOW_MS) || t > 120_000) break;
    await sleep(Math.max(0, SAMPLE_MS - (performance.now() - t0 - t)));
  }
  await action;
  const r = analyse(n, kind, host, samples, done ?? 0);
  if (r.ownedAtS === null || r.wrong) await keepEvidence(r, since);
  return r;
}

/** When SSH first showed the one holder it kept, how long it showed none, and whether Warren followed within 2 s. */
function analyse(n: number, kind: Kind, host: string, samples: Sample[], doneMs: number): Round {
  let settledIdx: number | null = null;
  for (let i = samples.length - 1; i >= 0 && samples[i].ssh?.length === 1 && same(samples[i].ssh, samples[samples.length - 1].ssh); i--) settledIdx = i;
  const ownedAt = settledIdx === null ? null : samples[settledIdx].t;
  let unowned = 0, run = 0;
  for (let i = 1; i < samples.length; i++) {
    run = samples[i].ssh?.length === 0 && samples[i - 1].ssh?.length === 0 ? run + (samples[i].t - samples[i - 1].t) : 0;
    unowned = Math.max(unowned, run);
  }
  let wrong: string | null = null, agreedAt: number | null = null;
  if (ownedAt !== null) {
    const after = samples.slice(settledIdx!);
    const agree = after.find((s) => same(s.ssh, s.warren));
    agreedAt = agree ? agree.t : null;
    if (!agree || agree.t - ownedAt > AGREE_WITHIN_MS) wrong = `Warren named ${JSON.stringify(after[after.length - 1].warren)} while the hosts showed ${after[0].ssh!.join()} since ${(ownedAt / 1000).toFixed(2)} s`;
    // Once agreed, a contradiction longer than 2 s is wrong too.
    let since: number | null = null;
    for (const s of after.filter((x) => agreedAt !== null && x.t >= agreedAt)) {
      if (same(s.ssh, s.warren)) since = null;
      else if (since === null) since = s.t;
      else if (s.t - since > AGREE_WITHIN_MS) { wrong ??= `Warren said ${JSON.stringify(s.warren)} while the hosts showed ${s.ssh?.join()} for over 2 s (at ${(s.t / 1000).toFixed(2)} s)`; break; }
    }
  }
  // Unowned: no single holder within 10 s of the fault's end, or none at all for over 10 s meanwhile.
  if (ownedAt === null || ownedAt - doneMs > OWNED_WITHIN_MS || unowned > OWNED_WITHIN_MS) return { n, kind, host, samples, ownedAtS: null, agreedAtS: null, unownedS: unowned / 1000, wrong };
  return { n, kind, host, samples, ownedAtS: ownedAt === null ? null : ownedAt / 1000, agreedAtS: agreedAt === null ? null : agreedAt / 1000, unownedS: unowned / 1000, wrong };
}

async function keepEvidence(r: Round, since: string) {
  fs.mkdirSync(OUT, { recursive: true });
  const parts = [`round ${r.n} ${r.kind} on ${r.host}: ownedAt ${r.ownedAtS} s, agreedAt ${r.agreedAtS} s, longest unowned ${r.unownedS} s, ${r.wrong ?? ""}`, "", "samples (t ms, ssh holders, warren owners):",
    ...r.samples.map((s) => `${Math.round(s.t)} ${JSON.stringify(s.ssh)} ${JSON.stringify(s.warren)}`)];
  for (const lb of LBS) {
    const j = await pool.run(labTarget(lab, lb), ["sh", "-c", 'journalctl -u keepalived -u haproxy --since "$1" --no-pager -o short-precise; echo "state file: $(cat /run/keepalived/warren-state 2>&1)"; ip -br -4 a', "evidence", since], { allowFailure: true, timeoutMs: 15_000 }).catch((e) => ({ stdout: String(e) }));
    parts.push("", `=== ${lb}`, j.stdout);
  }
  const h = await warren.api("GET", `/clusters/${clusterId}/health`).catch(() => null);
  parts.push("", "=== Warren's health now", JSON.stringify(h?.body, null, 1));
  fs.writeFileSync(path.join(OUT, `round-${String(r.n).padStart(3, "0")}-${r.kind}.log`), parts.join("\n"));
}

(async () => {
  console.log(`setting up: RabbitMQ on node1, load balancers node2 and node3 with the wizard's defaults, VIP ${VIP}`);
  fs.rmSync(OUT, { recursive: true, force: true });
  warren = await startWarren(3652);
  ({ clusterId } = await setUpCluster(warren, { name: "viprestarts", nodes: [{ host: "node1", type: "disc" }], lbs: [...LBS], vip: VIP, routerId: 57 }));
  const plan: Kind[] = [
    ...Array<Kind>(COUNTS.HOLDER).fill("keepalived-holder"), ...Array<Kind>(COUNTS.BACKUP).fill("keepalived-backup"),
    ...Array<Kind>(Math.ceil((COUNTS.HAPROXY * 2) / 3)).fill("haproxy-holder"), ...Array<Kind>(Math.floor(COUNTS.HAPROXY / 3)).fill("haproxy-backup"),
    ...Array<Kind>(Math.ceil((COUNTS.REBOOT * 2) / 3)).fill("reboot-holder"), ...Array<Kind>(Math.floor(COUNTS.REBOOT / 3)).fill("reboot-backup"),
  ];
  // Interleaved, so a slow drift (memory, leftover processes) shows in every kind.
  plan.sort(() => Math.random() - 0.5);
  await sleep(5000);
  const rounds: Round[] = [];
  for (const [i, kind] of plan.entries()) {
    const r = await round(i + 1, kind);
    rounds.push(r);
    const ok = r.ownedAtS !== null && !r.wrong;
    console.log(`#${String(i + 1).padStart(3)} ${kind.padEnd(17)} ${r.host}: one holder at ${r.ownedAtS?.toFixed(2) ?? "never"} s, Warren agreed at ${r.agreedAtS?.toFixed(2) ?? "never"} s, longest unowned ${r.unownedS.toFixed(2)} s${ok ? "" : `  FAILED ${r.wrong ?? "no single holder within 10 s"}`}`);
  }
  await warren.stop();
  pool.closeAll();
  const by = (k: string) => rounds.filter((r) => r.kind.startsWith(k));
  for (const k of ["keepalived-holder", "keepalived-backup", "haproxy", "reboot"]) {
    const rs = by(k);
    console.log(`${k}: ${rs.length} rounds, unowned ${rs.filter((r) => r.ownedAtS === null).length}, Warren wrong ${rs.filter((r) => r.wrong).length}, longest unowned ${Math.max(0, ...rs.map((r) => r.unownedS)).toFixed(2)} s`);
  }
  console.log(JSON.stringify({
    rounds: rounds.length,
    vipUnowned: rounds.filter((r) => r.ownedAtS === null).length,
    warrenWrong: rounds.filter((r) => r.wrong).length,
    maxUnownedS: Math.round(Math.max(0, ...rounds.map((r) => r.unownedS)) * 100) / 100,
  }));
  process.exit(0);
})().catch((e) => { console.error(e); process.exit(1); });
