// What the benchmarks share: the lab, a cluster set up through Warren's own
// API (as an operator would, preview then run), and the statistics.
import fs from "node:fs";
import { loadLab } from "@/lab/client";
import type { WarrenServer } from "../tests/support/warren-server";

export const lab = loadLab();
export const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile, in the unit given, rounded to 10 ms. */
export const percentile = (xs: number[], p: number) => {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] * 100) / 100;
};

export interface ClusterSpec {
  name: string;
  nodes: { host: string; type: "disc" | "ram" }[];
  lbs?: string[];
  vip?: string;
  routerId?: number;
  /** More setup parameters (e.g. erlangVersion). */
  setup?: Record<string, unknown>;
}

interface FailedStep { status: string; title: string; hostName: string; command: string; exitCode: number | null; stderrTail: string | null }

/** Adds the hosts, creates the cluster and runs its setup; the first node is the seed. */
export async function setUpCluster(warren: WarrenServer, spec: ClusterSpec): Promise<{ clusterId: string; password: string }> {
  const key = fs.readFileSync(lab.privateKeyPath, "utf8");
  const ids: Record<string, string> = {};
  for (const h of [...spec.nodes.map((n) => n.host), ...(spec.lbs ?? [])]) {
    const r = await warren.api<{ host: { id: string } }>("POST", "/hosts", { name: h, address: addr(h), authType: "key", privateKey: key });
    if (r.status !== 201) throw new Error(`adding ${h}: ${JSON.stringify(r.body)}`);
    ids[h] = r.body.host.id;
  }
  const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: spec.name, members: [
    ...spec.nodes.map((n, i) => ({ hostId: ids[n.host], role: "rabbitmq", nodeType: n.type, isSeed: i === 0 })),
    ...(spec.lbs ?? []).map((h) => ({ hostId: ids[h], role: "loadbalancer" })),
  ] });
  const clusterId = c.body.cluster.id;
  const params = { clusterName: spec.name, ha: { mode: "all" }, ...spec.setup, ...(spec.lbs?.length ? { loadBalancers: { vip: spec.vip, interface: "eth0", routerId: spec.routerId ?? 51 } } : {}) };
  await waitForRun(warren, await startOperation(warren, clusterId, "setup", params), `setup of ${spec.name}`);
  const password = (await warren.api<{ value: string }>("POST", `/clusters/${clusterId}/secrets/managementPassword/reveal`)).body.value;
  return { clusterId, password };
}

export interface RunSteps { status: string; error: string | null; startedAt: string | null; finishedAt: string | null; steps: (FailedStep & { key: string; phase: number; startedAt: string | null; finishedAt: string | null })[] }

/** Polls a run until it succeeds (returned) or ends otherwise (thrown, with the failed step). */
export async function waitForRun(warren: WarrenServer, runId: string, what: string): Promise<RunSteps> {
  for (;;) {
    const r = await warren.api<{ run: RunSteps }>("GET", `/runs/${runId}`);
    if (r.body.run.status === "succeeded") return r.body.run;
    if (!["queued", "running"].includes(r.body.run.status)) {
      const f = r.body.run.steps.find((x) => x.status === "failed");
      throw new Error(`${what} ${r.body.run.status}: ${r.body.run.error}${f ? `\n  step: ${f.title} on ${f.hostName}\n  command: ${f.command}\n  exit ${f.exitCode}\n  stderr: ${f.stderrTail}` : ""}`);
    }
    await sleep(1000);
  }
}

/** Plans an operation (as the UI does: preview first) and starts it with its plan token. */
export async function startOperation(warren: WarrenServer, clusterId: string, type: string, params: unknown): Promise<string> {
  const plan = await warren.api<{ token: string }>("POST", `/clusters/${clusterId}/plan`, { type, params });
  if (plan.status !== 200) throw new Error(`planning ${type}: ${JSON.stringify(plan.body)}`);
  const run = await warren.api<{ runId: string }>("POST", `/clusters/${clusterId}/operations`, { type, params, confirmDestructive: true, planToken: plan.body.token });
  if (!run.body.runId) throw new Error(`starting ${type}: ${JSON.stringify(run.body)}`);
  return run.body.runId;
}
