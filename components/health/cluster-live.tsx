"use client";
import { useEffect, useState } from "react";
import { Radio, Server, Users } from "lucide-react";
import type { ClusterHealth, LbHealth, NodeHealth } from "@/lib/health/derive";
import { Badge, Notice, cx, type Tone } from "@/components/ui";
import { useClusterHealth } from "./use-cluster-health";

const STATUS: Record<ClusterHealth["status"], { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "Healthy" }, warning: { tone: "amber", label: "Warning" }, critical: { tone: "red", label: "Critical" }, unknown: { tone: "slate", label: "No data yet" },
  "not-set-up": { tone: "slate", label: "Not set up yet" },
};
const BACKEND_TONE: Record<string, Tone> = { UP: "green", DOWN: "red", MAINT: "amber", DRAIN: "amber", TRANSITION: "blue", NOLB: "amber", "NO CHECK": "slate" };

function useNow(ms = 1000) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => { const t = setInterval(() => setNow(Date.now()), ms); return () => clearInterval(t); }, [ms]);
  return now;
}

const secondsAgo = (iso: string | null, now: number) => (iso ? Math.max(0, Math.round((now - Date.parse(iso)) / 1000)) : null);
const mib = (b: number | null) => (b === null ? "—" : b >= 1 << 30 ? `${(b / (1 << 30)).toFixed(1)} GiB` : `${Math.round(b / (1 << 20))} MiB`);
const plural = (n: number, one: string, many: string) => `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
const uptime = (s: number | null) => (s === null ? "—" : s < 3600 ? `${Math.round(s / 60)} min` : s < 86400 ? `${(s / 3600).toFixed(1)} h` : `${(s / 86400).toFixed(1)} d`);

function Meter({ label, used, limit, invert }: { label: string; used: number | null; limit: number | null; invert?: boolean }) {
  // Memory: used against its high watermark. Disk: free space against the free-space limit (less is worse).
  const pct = used !== null && limit ? Math.min(100, (invert ? limit / Math.max(used, 1) : used / limit) * 100) : null;
  const tone = pct === null ? "bg-slate-400" : pct >= 90 ? "bg-red-600" : pct >= 70 ? "bg-amber-500" : "bg-green-600";
  return (
    <div className="text-xs">
      <div className="flex justify-between gap-2"><span className="text-muted">{label}</span><span>{invert ? `${mib(used)} free, limit ${mib(limit)}` : `${mib(used)} of ${mib(limit)}`}</span></div>
      {/* A meter needs a value: unknown, the bar is decoration and the line above says it. */}
      <div className="mt-0.5 h-1.5 w-full overflow-hidden rounded bg-surface-2" {...(pct === null ? { "aria-hidden": true } : { role: "meter", "aria-label": label, "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": Math.round(pct) })}>
        {pct !== null && <div className={cx("h-full", tone)} style={{ width: `${Math.max(2, pct)}%` }} />}
      </div>
    </div>
  );
}

function nodeState(n: NodeHealth): { label: string; tone: Tone; state: string } {
  if (!n.reachable) return { label: n.running ? "unreachable (cluster still lists it)" : "unreachable", tone: "red", state: "unreachable" };
  if (!n.running) return { label: "not running", tone: "red", state: "down" };
  if (n.alarms.length) return { label: "alarm", tone: "red", state: "alarm" };
  if (n.maintenance) return { label: "in maintenance", tone: "amber", state: "maintenance" };
  return { label: "running", tone: "green", state: "running" };
}

function NodeCard({ n, now }: { n: NodeHealth; now: number }) {
  const st = nodeState(n);
  const ago = secondsAgo(n.lastSeenAt, now);
  return (
    <li data-testid={`node-${n.host}`} data-state={st.state} className={cx("min-w-0 rounded-md border p-3", st.tone === "red" ? "border-red-400 dark:border-red-800" : "border-line", !n.reachable && "border-dashed")}>
      <div className="flex flex-wrap items-center gap-2">
        <Server aria-hidden className="size-4 text-muted" />
        <span className="font-semibold">{n.host}</span>
        {n.type && <Badge tone={n.type === "disc" ? "green" : "amber"}>{n.type}</Badge>}
        <Badge tone={st.tone}>{st.label}</Badge>
      </div>
      <div className="mt-2 flex flex-col gap-1.5">
        <div className="text-xs text-muted">RabbitMQ {n.rabbitmqVersion ?? "?"} · Erlang {n.erlangVersion ?? "?"} · up {uptime(n.uptimeS)}</div>
        <Meter label="Memory" used={n.memUsed} limit={n.memLimit} />
        <Meter label="Disk" used={n.diskFree} limit={n.diskFreeLimit} invert />
        <div className="text-xs text-muted">File descriptors {n.fdUsed ?? "—"} of {n.fdTotal ?? "—"}</div>
        {n.statsStale && <div className="text-xs font-medium text-amber-800 dark:text-amber-300" data-testid={`stats-age-${n.host}`}>memory, disk and uptime as last read {secondsAgo(n.statsAt, now)} s ago: the cluster has not answered since</div>}
        {n.alarms.length > 0 && <div className="text-xs text-red-700 dark:text-red-400">Alarms: {n.alarms.join(", ")}</div>}
        {n.partitions.length > 0 && <div className="text-xs text-red-700 dark:text-red-400">Partitioned from {n.partitions.join(", ")}</div>}
        <div className="text-xs text-muted">service {n.sources.unit ?? "?"} · API {n.sources.api} · cluster says {n.sources.clusterView}</div>
        {ago !== null && ago > 2 && <div className="text-xs font-medium text-amber-800 dark:text-amber-300" data-testid={`stale-${n.host}`}>last seen {ago} s ago</div>}
      </div>
    </li>
  );
}

function LbCard({ l, now }: { l: LbHealth; now: number }) {
  const ago = secondsAgo(l.lastSeenAt, now);
  return (
    <li data-testid={`lb-${l.host}`} data-reachable={l.reachable} data-vip={l.holdsVip} className={cx("min-w-0 rounded-md border p-3", l.holdsVip ? "border-accent" : "border-line", !l.reachable && "border-red-400 dark:border-red-800")}>
      <div className="flex flex-wrap items-center gap-2">
        <span className="font-semibold">{l.host}</span>
        {l.holdsVip && <Badge tone="blue">holds the VIP</Badge>}
        {!l.reachable ? <Badge tone="red">unreachable</Badge> : <Badge tone={l.vrrpState === "FAULT" ? "red" : l.vrrpState === "MASTER" ? "blue" : "slate"}>{l.vrrpState ?? "VRRP ?"}</Badge>}
      </div>
      <div className="mt-1 text-xs text-muted">HAProxy {l.haproxy ?? "?"} · Keepalived {l.keepalived ?? "?"}</div>
      {ago !== null && ago > 2 && <div className="text-xs font-medium text-amber-800 dark:text-amber-300" data-testid={`stale-${l.host}`}>last seen {ago} s ago — its view below is old</div>}
      <table className="mt-2 w-full text-left text-xs" aria-label={`${l.host}'s view of the nodes`}>
        <thead className="text-muted"><tr><th className="font-normal">node</th><th className="font-normal">HAProxy says</th><th className="text-right font-normal">sessions</th></tr></thead>
        <tbody>{l.backends.map((b) => (
          <tr key={b.server} className="border-t border-line">
            <td className="py-0.5">{b.server}</td>
            <td data-testid={`backend-${l.host}-${b.server}`} data-status={l.reachable ? b.status : "unknown"}><Badge tone={l.reachable ? BACKEND_TONE[b.status] ?? "slate" : "slate"}>{b.statusText || b.status}</Badge>{b.checkStatus && <span className="ml-1 text-muted">{b.checkStatus}</span>}</td>
            <td className="text-right">{b.sessions}</td>
          </tr>
        ))}</tbody>
      </table>
    </li>
  );
}

/** The live view: clients → VIP → load balancers → nodes, with what each source says and how fresh it is. */
export function ClusterLive({ clusterId }: { clusterId: string }) {
  const q = useClusterHealth(clusterId);
  const now = useNow();
  if (q.isError && !q.data) return <Notice tone="red" title="Cannot load the live view">{String(q.error)}</Notice>;
  if (!q.data) return <p role="status" className="text-sm text-muted">Connecting to the hosts…</p>;
  const h = q.data;
  const age = secondsAgo(h.observedAt, now) ?? 0;
  const s = STATUS[h.status];
  return (
    <div className="flex min-w-0 flex-col gap-4" data-testid="cluster-live" data-status={h.status} data-observed-at={h.observedAt}>
      <div className="flex flex-wrap items-center gap-3">
        <span data-testid="health-status"><Badge tone={s.tone}>{s.label}</Badge></span>
        <span className="text-sm text-muted">{h.nodes.filter((n) => n.running).length} of {h.nodes.length} nodes running{h.totals.messages !== null ? ` · ${plural(h.totals.messages, "message", "messages")} in ${plural(h.totals.queues ?? 0, "queue", "queues")} · ${plural(h.totals.connections ?? 0, "connection", "connections")}` : ""}</span>
        <span className={cx("ml-auto flex items-center gap-1 text-xs", age > 3 ? "font-medium text-amber-800 dark:text-amber-300" : "text-muted")} role="status">
          <Radio aria-hidden className={cx("size-3.5", age <= 3 && "text-green-600")} />{age > 3 ? `not updated for ${age} s — what you see may be old` : "live"}
        </span>
      </div>
      {h.alarms.length > 0 && (
        <ul className="flex flex-col gap-1" aria-label="Current alarms">
          {h.alarms.map((a) => (
            <li key={a.id} data-testid={`alarm-${a.id}`} className="flex flex-wrap items-baseline gap-2 text-sm">
              <Badge tone={a.severity === "critical" ? "red" : "amber"}>{a.severity}</Badge><span className="min-w-0 break-words">{a.message}</span>
              {a.since && <span className="text-xs text-muted">for {secondsAgo(a.since, now)} s</span>}
            </li>
          ))}
        </ul>
      )}
      {h.vip && (
        <div className="flex flex-wrap items-center gap-2 text-sm" data-testid="vip-line"><Users aria-hidden className="size-4 text-muted" /> Clients connect to <span className="mono font-semibold">{h.vip.address}</span>
          <span data-testid="vip-owners" data-owners={h.vip.owners.join(",")}>{h.vip.owners.length === 1 ? <Badge tone="blue">on {h.vip.owners[0]}</Badge> : h.vip.owners.length === 0 ? <Badge tone="red">on no load balancer</Badge> : <Badge tone="red">on {h.vip.owners.join(" and ")} (split brain)</Badge>}</span>
        </div>
      )}
      {h.loadBalancers.length > 0 && (
        <section aria-label="Load balancers">
          <h3 className="mb-2 text-sm font-semibold">Load balancers</h3>
          <ul className="grid gap-3 md:grid-cols-2">{h.loadBalancers.map((l) => <LbCard key={l.host} l={l} now={now} />)}</ul>
        </section>
      )}
      <section aria-label="Nodes">
        <h3 className="mb-2 text-sm font-semibold">Nodes</h3>
        <ul className="grid gap-3 md:grid-cols-2 xl:grid-cols-3">{h.nodes.map((n) => <NodeCard key={n.host} n={n} now={now} />)}</ul>
      </section>
    </div>
  );
}
