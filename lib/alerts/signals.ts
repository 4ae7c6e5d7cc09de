// What the evaluator judges besides the live view's own alarms, derived
// here from the same health: thresholds over node values and virtual hosts,
// a VIP that moved, the cluster's latest run failing. Pure. Only current
// evidence counts: a node Warren cannot hear, or whose values no current
// view of the cluster has (statsStale), raises no threshold alert — the
// health model's rule that old data is never evidence about the present.
import type { ClusterHealth } from "@/lib/health/schema";
import { CLUSTER_SUBJECT, VIP_MOVED_OPEN_MS, type AlertKind } from "./kinds";
import type { EffectiveRule, Signal } from "./evaluate";

const pct = (used: number, total: number) => Math.round((used / total) * 1000) / 10;
const mib = (b: number) => (b >= 1 << 30 ? `${(b / (1 << 30)).toFixed(1)} GiB` : `${Math.round(b / (1 << 20))} MiB`);

/** The health model's alarms as signals, when they are evidence: never before the first answer or the first setup. */
export function healthSignals(h: ClusterHealth): Signal[] | null {
  if (h.status === "not-set-up") return [];
  if (h.status === "unknown" && !h.alarms.length) return null;
  return h.alarms.map((a) => ({ id: a.id, severity: a.severity, subject: a.subject, message: a.message, since: a.since ? Date.parse(a.since) : null }));
}

/** Thresholds over node values (fresh ones only) and ready messages per virtual host. */
export function thresholdSignals(h: ClusterHealth, rules: Record<AlertKind, EffectiveRule>): Signal[] {
  if (h.status === "not-set-up" || h.status === "unknown") return [];
  const out: Signal[] = [];
  const on = (k: AlertKind) => rules[k].enabled && rules[k].threshold !== null;
  for (const n of h.nodes) {
    if (!n.reachable || n.statsStale || !n.statsAt) continue;
    if (on("fd-high") && n.fdUsed !== null && n.fdTotal) {
      const p = pct(n.fdUsed, n.fdTotal);
      if (p >= rules["fd-high"].threshold!) out.push({ id: `fd-high:${n.host}`, severity: "warning", subject: n.host, message: `${n.host} uses ${n.fdUsed} of its ${n.fdTotal} file descriptors (${p}%)` });
    }
    if (on("sockets-high") && n.socketsUsed != null && n.socketsTotal) {
      const p = pct(n.socketsUsed, n.socketsTotal);
      if (p >= rules["sockets-high"].threshold!) out.push({ id: `sockets-high:${n.host}`, severity: "warning", subject: n.host, message: `${n.host} uses ${n.socketsUsed} of its ${n.socketsTotal} sockets (${p}%)` });
    }
    // RabbitMQ's own alarm is a resource alarm already: the threshold warns before it.
    if (on("memory-high") && n.memUsed !== null && n.memLimit && !n.alarms.includes("memory")) {
      const p = pct(n.memUsed, n.memLimit);
      if (p >= rules["memory-high"].threshold!) out.push({ id: `memory-high:${n.host}`, severity: "warning", subject: n.host, message: `${n.host} uses ${mib(n.memUsed)} of its ${mib(n.memLimit)} memory limit (${p}%)` });
    }
    if (on("disk-free-low") && n.diskFree !== null && n.diskFreeLimit && !n.alarms.includes("disk")) {
      const f = rules["disk-free-low"].threshold!;
      if (n.diskFree < n.diskFreeLimit * f) out.push({ id: `disk-free-low:${n.host}`, severity: "warning", subject: n.host, message: `${n.host} has ${mib(n.diskFree)} of disk free, under ${f} × its limit of ${mib(n.diskFreeLimit)}` });
    }
  }
  if (on("messages-ready")) {
    const t = rules["messages-ready"].threshold!;
    for (const v of h.vhosts ?? []) {
      if (v.messagesReady !== null && v.messagesReady >= t)
        out.push({ id: `messages-ready:${v.name}`, severity: "warning", subject: CLUSTER_SUBJECT, label: `vhost ${v.name}`, message: `virtual host ${v.name} holds ${v.messagesReady.toLocaleString("en-US")} ready messages (threshold ${t.toLocaleString("en-US")})` });
    }
  }
  return out;
}

/** Per cluster between calls: the VIP's last single holder, and the moves still open. */
export interface VipMemory { holder: string | null; moves: { from: string; to: string; at: number }[] }
export const emptyVipMemory = (): VipMemory => ({ holder: null, moves: [] });

/**
 * A VIP that moved from one load balancer to another: a signal for a minute
 * after the move. Only a change between two single holders counts (a VIP on
 * no host or two is an alarm of its own), and the first holder seen after
 * Warren starts is not a move.
 */
export function vipSignals(h: ClusterHealth, mem: VipMemory, now: number): Signal[] {
  const owners = h.status === "unknown" || h.status === "not-set-up" ? [] : h.vip?.owners ?? [];
  if (owners.length === 1) {
    const to = owners[0];
    if (mem.holder !== null && mem.holder !== to) mem.moves.push({ from: mem.holder, to, at: now });
    mem.holder = to;
  }
  mem.moves = mem.moves.filter((m) => now - m.at < VIP_MOVED_OPEN_MS);
  // One member per former holder: moving back and forth is one line with the latest move.
  const latest = new Map(mem.moves.map((m) => [m.from, m]));
  return [...latest.values()].map((m) => ({
    id: `vip-moved:${m.from}`, severity: "warning", subject: m.from, since: m.at, label: `${m.from} → ${m.to}`,
    message: `the VIP ${h.vip?.address ?? ""} moved from ${m.from} to ${m.to}`.replace("VIP  moved", "VIP moved"),
  }));
}

export interface LatestRun { id: string; type: string; title: string; status: string; error: string | null; finishedAt: number | null }

/** The cluster's latest run failed: a signal until it is retried or another run starts. */
export function runSignals(run: LatestRun | null): Signal[] {
  if (!run || run.status !== "failed") return [];
  return [{
    id: `run-failed:${run.id}`, severity: "critical", subject: CLUSTER_SUBJECT, since: run.finishedAt, label: run.title,
    message: `${run.title} failed${run.error ? `: ${run.error.slice(0, 300)}` : ""}`,
  }];
}
