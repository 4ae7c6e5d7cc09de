// From what the sources said (host watches, management API answers) to the
// cluster's health as people read it: each node and load balancer, the VIP,
// and the alarms. Pure: the collector gives it inputs and a clock.
import type { StatRow } from "@/lib/haproxy/stats";
import { AMQP_BACKEND } from "@/lib/haproxy/config";
import type { NodeStats, Overview, QueueSync, VhostReady } from "@/lib/rabbitmq/management";
import type { Alarm, ClusterHealth, LbHealth, NodeHealth, Severity } from "./schema";
import type { WatchState } from "./watch";
import type { NodeType } from "@/lib/vocabulary";

export type { Alarm, BackendHealth, ClusterHealth, LbHealth, NodeHealth, Severity } from "./schema";

/** A heartbeat older than this means the host (or the way to it) is gone. */
export const STALE_MS = 2500;
/** The management API is asked every 2 s (it costs the broker CPU); an answer stays current for two rounds. */
export const API_EVERY_MS = 2000;
const API_STALE_MS = 4500;
/** The node's management API answered within the last two rounds, and nothing failed since. */
export const apiAnswering = (api: Pick<NodeInputs["api"], "okAt" | "failedAt">, now: number) =>
  api.okAt !== null && now - api.okAt <= API_STALE_MS && (api.failedAt === null || api.okAt >= api.failedAt);
/** The cluster's own view, asked every 2 s: one failed ask and a slow answer must not drop it. */
const VIEW_STALE_MS = 6500;
/** HAProxy needs a few checks to notice; disagreement shorter than this is expected. */
const DISAGREE_GRACE_MS = 6000;
const AUTH_GRACE_MS = 15_000;
/** Virtual hosts are asked every 10 s: an answer stays current for two rounds and a bit. */
const VHOSTS_STALE_MS = 25_000;
/** A first connection (with a host key check and a login) may take this long. */
const CONNECT_GRACE_MS = 15_000;

export interface NodeInputs { name: string; type: NodeType; watch: WatchState; api: { okAt: number | null; failedAt: number | null; error: string | null; authRejected?: boolean; overview: Overview | null; localAlarms: string[] } }
export interface Inputs {
  clusterId: string;
  now: number;
  nodes: NodeInputs[];
  loadBalancers: { name: string; watch: WatchState }[];
  /** The newest /api/nodes answer from any node, and when. */
  clusterView: { at: number; from: string; nodes: NodeStats[] } | null;
  /** Each node's last values from any view, and when: shown (marked old) while no fresh view has them. Never evidence for an alarm. */
  lastStats?: Map<string, { at: number; stats: NodeStats }>;
  queues: QueueSync[] | null;
  /** Ready messages per virtual host, and when they were read. */
  vhosts?: { at: number; list: VhostReady[] } | null;
  vip: string | null;
  /** When a node or backend started to disagree (kept by the caller between calls). */
  since: Map<string, number>;
  /** When watching began: a host never heard from is "connecting" for a while, not an alarm. */
  startedAt?: number;
  /** false until the cluster's first successful setup: hosts are watched, but nothing there is an alarm yet. */
  setUp?: boolean;
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const rabbit = (host: string) => `rabbit@${host}`;

export function deriveHealth(i: Inputs): ClusterHealth {
  const alarms: Alarm[] = [];
  const raise = (id: string, severity: Severity, subject: string, message: string) => alarms.push({ id, severity, subject, message });
  const fresh = (w: WatchState) => w.lastTickAt !== null && i.now - w.lastTickAt <= STALE_MS;
  const ago = (t: number | null) => (t === null ? "never seen" : `last seen ${Math.round((i.now - t) / 1000)} s ago`);
  const viewFresh = i.clusterView && i.now - i.clusterView.at <= VIEW_STALE_MS ? i.clusterView : null;

  const nodes: NodeHealth[] = i.nodes.map((n) => {
    const reachable = fresh(n.watch);
    const unit = reachable ? n.watch.units["rabbitmq-server"] ?? null : null;
    const apiOk = apiAnswering(n.api, i.now);
    const apiState = apiOk ? "answering" : n.api.failedAt !== null && (n.api.okAt === null || n.api.failedAt > n.api.okAt) ? "not answering" : "unknown";
    const stats = viewFresh?.nodes.find((x) => x.name === rabbit(n.name)) ?? null;
    const viewState = stats ? (stats.running ? "running" : "not running") : "unknown";
    // What to show: the fresh view's values, else the last ones known, with their age.
    const last = stats ? { at: viewFresh!.at, stats } : i.lastStats?.get(rabbit(n.name)) ?? null;
    const shown = last?.stats ?? null;
    // Running: the service is active and its management API answers, or (host unreachable) the cluster still lists it.
    const running = reachable ? unit === "active" && apiState !== "not answering" && viewState !== "not running" : viewState === "running";
    const localAlarms = [...n.api.localAlarms];
    if (stats?.memAlarm) localAlarms.push("memory");
    if (stats?.diskAlarm) localAlarms.push("disk");
    const ov = n.api.overview;
    return {
      name: rabbit(n.name), host: n.name, type: stats?.type ?? n.type, running, reachable, lastSeenAt: iso(n.watch.lastTickAt), unit,
      alarms: [...new Set(localAlarms)], rabbitmqVersion: ov?.rabbitmqVersion ?? null, erlangVersion: ov?.erlangVersion ?? null,
      memUsed: shown?.memUsed ?? null, memLimit: shown?.memLimit ?? null, diskFree: shown?.diskFree ?? null, diskFreeLimit: shown?.diskFreeLimit ?? null,
      fdUsed: shown?.fdUsed ?? null, fdTotal: shown?.fdTotal ?? null, socketsUsed: shown?.socketsUsed ?? null, socketsTotal: shown?.socketsTotal ?? null, uptimeS: shown?.uptimeS === undefined || shown.uptimeS === null ? null : shown.uptimeS + (stats ? 0 : Math.round((i.now - last!.at) / 1000)),
      statsAt: iso(last?.at ?? null), statsStale: !stats && !!last,
      partitions: stats?.partitions ?? [],
      maintenance: stats?.beingDrained ?? false,
      sources: { unit, api: apiState, clusterView: viewState },
    };
  });

  const connecting = (t: number | null) => t === null && i.startedAt !== undefined && i.now - i.startedAt < CONNECT_GRACE_MS;
  for (const n of nodes) {
    if (!n.reachable && connecting(i.nodes.find((x) => x.name === n.host)!.watch.lastTickAt)) continue;
    if (!n.reachable) raise(`unreachable:${n.host}`, "critical", n.host, `Warren cannot reach ${n.host} (${ago(i.nodes.find((x) => x.name === n.host)!.watch.lastTickAt)})${n.running ? "; the cluster still lists it as running (Erlang notices a silent peer only after 45–75 s)" : ""}`);
    else if (!n.running) raise(`node-down:${n.host}`, "critical", n.host, `${n.name} is not running (service ${n.unit ?? "unknown"}, management API ${n.sources.api}, cluster says ${n.sources.clusterView})`);
    else if (n.sources.clusterView === "not running") raise(`not-in-cluster:${n.host}`, "warning", n.host, `${n.name} runs, but the other nodes do not list it as running`);
    // Rejected credentials during a rotation (between the change and its end) are expected for seconds.
    const authKey = `api-auth:${n.host}`;
    if (n.reachable && i.nodes.find((x) => x.name === n.host)!.api.authRejected) {
      if (!i.since.has(authKey)) i.since.set(authKey, i.now);
      if (i.now - i.since.get(authKey)! >= AUTH_GRACE_MS)
        raise(authKey, "warning", n.host, `the management API on ${n.host} rejects Warren's credentials (was the password changed outside Warren?): alarms, memory and versions cannot be read`);
    } else i.since.delete(authKey);
    if (n.partitions.length) raise(`partition:${n.host}`, "critical", n.host, `${n.name} is partitioned from ${n.partitions.join(", ")}`);
    for (const a of n.alarms) raise(`alarm-${a}:${n.host}`, "critical", n.host, `${a} alarm on ${n.name}: publishers are blocked`);
  }
  const discs = nodes.filter((n) => n.type === "disc");
  if (nodes.length > 1 && discs.length && discs.filter((n) => n.running).length === 1 && discs.length > 1)
    raise("last-disc", "warning", "cluster", `only one disc node (${discs.find((n) => n.running)!.host}) is running: losing it leaves the cluster without a disc copy of its metadata`);
  else if (nodes.length > 1 && discs.length === 1) raise("one-disc", "warning", "cluster", `${discs[0].host} is the only disc node`);
  const versions = new Set(nodes.filter((n) => n.rabbitmqVersion).map((n) => `${n.rabbitmqVersion}/${n.erlangVersion}`));
  if (versions.size > 1) raise("versions", "warning", "cluster", `nodes run different versions (${[...versions].join(", ")}); expected only during a rolling upgrade`);
  const unsynced = (i.queues ?? []).filter((q) => q.mirrors > q.synchronised);
  if (unsynced.length) raise("mirrors", "warning", "cluster", `${unsynced.length} mirrored queue${unsynced.length === 1 ? " is" : "s are"} not synchronised (${unsynced.slice(0, 3).map((q) => q.name).join(", ")}${unsynced.length > 3 ? ", …" : ""}): a node restart now could lose their messages`);

  // Who holds the VIP. A claim counts only if its host has spoken since every
  // other claim was made: a load balancer that went silent (a power cut) keeps
  // its last address list for a while, and that list is not evidence that it
  // still holds the VIP once another has taken it since.
  const claims = i.vip ? i.loadBalancers.filter((l) => fresh(l.watch) && l.watch.addresses.includes(i.vip!)) : [];
  const currentClaims = new Set(claims.filter((c) => claims.every((o) => o === c || (c.watch.lastTickAt ?? 0) > (o.watch.addressesAt ?? 0))).map((c) => c.name));
  const lbs: LbHealth[] = i.loadBalancers.map((l) => {
    const reachable = fresh(l.watch);
    const rows: StatRow[] = (l.watch.stats ?? []).filter((r) => r.proxy === AMQP_BACKEND && r.kind === "server");
    // Unreachable: the same rows, each UNKNOWN with what it last said, so the page never shows old data as live.
    const unknown = (server: string, was?: string) => ({ server, status: "UNKNOWN", statusText: was ? `unknown (last seen ${was})` : "unknown", checkStatus: null, sessions: 0, bytesIn: 0, bytesOut: 0, lastSeenAt: iso(l.watch.statsAt) });
    return {
      host: l.name, reachable, lastSeenAt: iso(l.watch.lastTickAt),
      vrrpState: reachable ? l.watch.vrrp?.state ?? null : null,
      holdsVip: currentClaims.has(l.name),
      haproxy: reachable ? l.watch.units.haproxy ?? null : null, keepalived: reachable ? l.watch.units.keepalived ?? null : null,
      backends: !reachable
        ? (rows.length ? rows.map((r) => unknown(r.name, r.statusText || r.status || undefined)) : i.nodes.map((n) => unknown(n.name)))
        : rows.map((r) => ({
          server: r.name, status: r.status ?? "UNKNOWN", statusText: r.statusText, checkStatus: r.checkStatus, sessions: r.sessions, bytesIn: r.bytesIn, bytesOut: r.bytesOut, lastSeenAt: iso(l.watch.statsAt),
        })),
    };
  });
  // Clients are served when one load balancer holds the VIP and its HAProxy runs and
  // routes to a node that is UP. Then a problem of another load balancer costs
  // redundancy, not service: a warning. Without that, every problem is critical.
  const owners = lbs.filter((l) => l.holdsVip).map((l) => l.host);
  const servingLb = owners.length === 1 ? lbs.find((l) => l.host === owners[0] && l.reachable && l.haproxy === "active" && l.backends.some((b) => b.status === "UP")) : undefined;
  const lbSeverity = (host: string): Severity => (servingLb && servingLb.host !== host ? "warning" : "critical");
  const degraded = (host: string) => (servingLb && servingLb.host !== host ? `; clients are served through ${servingLb.host}, which holds the VIP, but there is no load balancer to fail over to` : "");
  const seenDisagreements = new Set<string>();
  for (const l of lbs) {
    if (!l.reachable && connecting(i.loadBalancers.find((x) => x.name === l.host)!.watch.lastTickAt)) continue;
    if (!l.reachable) { raise(`unreachable:${l.host}`, lbSeverity(l.host), l.host, `Warren cannot reach load balancer ${l.host} (${ago(i.loadBalancers.find((x) => x.name === l.host)!.watch.lastTickAt)})${degraded(l.host)}`); continue; }
    if (l.haproxy && l.haproxy !== "active") raise(`haproxy:${l.host}`, lbSeverity(l.host), l.host, `HAProxy is ${l.haproxy} on ${l.host}${degraded(l.host)}`);
    if (l.keepalived && l.keepalived !== "active") raise(`keepalived:${l.host}`, "warning", l.host, `Keepalived is ${l.keepalived} on ${l.host}: it cannot take the VIP over`);
    if (l.vrrpState === "FAULT") raise(`vrrp-fault:${l.host}`, "warning", l.host, `Keepalived on ${l.host} is in FAULT (its HAProxy check fails)`);
    for (const b of l.backends) {
      const node = nodes.find((n) => n.host === b.server);
      if (["DOWN", "MAINT", "DRAIN"].includes(b.status)) raise(`backend:${l.host}/${b.server}`, b.status === "DOWN" ? lbSeverity(l.host) : "warning", l.host, `${l.host} has ${b.server} ${b.statusText}${b.checkStatus ? ` (${b.checkStatus})` : ""}`);
      if (!node) continue;
      const routes = b.status === "UP" || b.status === "TRANSITION";
      const key = `disagree:${l.host}/${b.server}`;
      const disagrees = (routes && !node.running) || (b.status === "DOWN" && node.running);
      if (disagrees) {
        seenDisagreements.add(key);
        if (!i.since.has(key)) i.since.set(key, i.now);
        if (i.now - i.since.get(key)! >= DISAGREE_GRACE_MS)
          raise(key, lbSeverity(l.host), l.host, routes ? `${l.host} still routes clients to ${b.server}, which is not running` : `${l.host} keeps ${b.server} out although it runs`);
      }
    }
  }
  for (const k of [...i.since.keys()]) if (k.startsWith("disagree:") && !seenDisagreements.has(k)) i.since.delete(k);

  if (i.vip && lbs.length) {
    const known = lbs.some((l) => l.reachable);
    if (owners.length === 0 && known) raise("vip-none", "critical", "VIP", `no load balancer holds the VIP ${i.vip}: clients cannot connect`);
    if (owners.length > 1) raise("vip-split", "critical", "VIP", `the VIP ${i.vip} is on ${owners.join(" and ")} at once (split brain)`);
  }

  const ov = nodes.map((n) => i.nodes.find((x) => x.name === n.host)!.api.overview).find((o) => o);
  const anyKnown = i.nodes.some((n) => n.watch.lastTickAt !== null) || i.loadBalancers.some((l) => l.watch.lastTickAt !== null);
  // Before its first setup a cluster is hosts waiting to be set up: nothing there is broken yet.
  if (i.setUp === false) alarms.length = 0;
  return {
    clusterId: i.clusterId, observedAt: new Date(i.now).toISOString(),
    status: i.setUp === false ? "not-set-up" : !anyKnown ? "unknown" : alarms.some((a) => a.severity === "critical") ? "critical" : alarms.length ? "warning" : "ok",
    nodes, loadBalancers: lbs, vip: i.vip ? { address: i.vip, owners } : null,
    totals: { messages: ov?.messages ?? null, queues: ov?.queues ?? null, connections: ov?.connections ?? null },
    vhosts: i.vhosts && i.now - i.vhosts.at <= VHOSTS_STALE_MS ? i.vhosts.list : null,
    alarms,
  };
}
