import "server-only";
// The live view's sources, inside the server process: per host one watch
// command on its one SSH connection (lib/health/watch.ts), and per RabbitMQ
// node small management-API requests through that same connection. Every
// source has its own deadline, so one failing host never stalls the others.
// Each second the cluster's health is derived, alarm transitions are stored;
// every 10 s a history sample.
import { sshPool, sshTargetByName } from "@/lib/inventory/hosts";
import { clusterInventory } from "@/lib/inventory/clusters";
import { openClusterSecrets } from "@/lib/inventory/secrets";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { briefMessage, isSshError } from "@/lib/ssh/errors";
import { parseNodes, parseOverview, parseQueueSync, parseVhosts, type NodeStats, type Overview, type QueueSync, type VhostReady } from "@/lib/rabbitmq/management";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";
import { bash } from "@/lib/shell";
import { API_EVERY_MS, apiAnswering, deriveHealth, STALE_MS, type ClusterHealth, type NodeInputs } from "./derive";
import { getVia } from "./http";
import { sampleOf } from "./history";
import { clearAlarm, openAlarms, raiseAlarm, recordSample } from "./store";
import { emptyWatch, WATCH_SCRIPT, WatchParser, type WatchState } from "./watch";
import type { NodeType } from "@/lib/vocabulary";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const why = (e: unknown) => (isSshError(e) ? briefMessage(e) : e instanceof Error ? e.message : String(e));
const API_TIMEOUT_MS = 1500;

/**
 * Told each time a cluster's health is derived (every second, and at once
 * when a watch reports a change): the alert engine (lib/alerts) listens.
 * `watchingSince`: when this cluster's watches started (Warren's start, or
 * the inventory changing).
 */
export type HealthListener = (e: { clusterId: string; health: ClusterHealth; now: number; watchingSince: number }) => void;

/** One host's watch command, restarted with backoff whenever it ends. */
class HostWatch {
  readonly state: WatchState = emptyWatch();
  private stopped = false;
  private abort?: AbortController;

  /** `changed`: called when a line that can change an alarm arrives (units, addresses, VRRP state), so health is derived at once, not at the next second. */
  constructor(readonly host: string, private readonly units: string[], private readonly lb: boolean, private readonly changed?: () => void) {}

  start(): this {
    void this.loop();
    return this;
  }

  private async loop() {
    let delay = 500;
    while (!this.stopped) {
      this.abort = new AbortController();
      const parser = new WatchParser(this.units, this.state);
      const startedAt = Date.now();
      try {
        await sshPool().run(await sshTargetByName(this.host), bash(WATCH_SCRIPT, "watch", this.lb ? "lb" : "-", ...this.units), {
          timeoutMs: 6 * 3600_000, signal: this.abort.signal, discardOutput: true, allowFailure: true,
          onOutput: (stream, text) => {
            if (stream !== "stdout") return;
            parser.push(text);
            if (this.changed && /^@(units|addrs|vrrp) /m.test(text)) this.changed();
          },
        });
      } catch (e) {
        if (!this.stopped) this.state.lastError = why(e);
      }
      if (this.stopped) break;
      if (Date.now() - startedAt > 30_000) delay = 500;
      await sleep(delay);
      delay = Math.min(delay * 2, 5000);
    }
  }

  stop() {
    this.stopped = true;
    this.abort?.abort();
  }
}

interface NodeApi { okAt: number | null; failedAt: number | null; error: string | null; authRejected: boolean; overview: Overview | null; localAlarms: string[]; busy: Set<string>; lastAsked: Map<string, number> }

class ClusterCollector {
  private readonly nodes: { name: string; type: NodeType; watch: HostWatch; api: NodeApi }[];
  private readonly lbs: { name: string; watch: HostWatch }[];
  private clusterView: { at: number; from: string; nodes: NodeStats[] } | null = null;
  private readonly lastStats = new Map<string, { at: number; stats: NodeStats }>();
  private queues: QueueSync[] | null = null;
  private queuesAt = 0;
  private vhosts: { at: number; list: VhostReady[] } | null = null;
  private soon?: NodeJS.Timeout;
  private staleTimer?: NodeJS.Timeout;
  private stopped = false;
  private again = false;
  private readonly since = new Map<string, number>();
  private open: Map<string, { id: string; raisedAt: Date }> | null = null;
  private lastSample = 0;
  private rotate = 0;
  private viewAskedAt = 0;
  private ticking = false;
  private readonly startedAt = Date.now();
  latest: ClusterHealth | null = null;

  constructor(readonly inv: ClusterInventory, readonly signature: string, public auth: string | null, private readonly vip: string | null, public setUp: boolean, private readonly emit: (h: ClusterHealth, now: number, since: number) => void = () => {}) {
    const lbNames = new Set(inv.loadBalancers.map((l) => l.name));
    const changed = () => this.tickSoon();
    this.nodes = inv.nodes.map((n) => ({
      name: n.name, type: n.type,
      watch: new HostWatch(n.name, lbNames.has(n.name) ? ["rabbitmq-server", "haproxy", "keepalived"] : ["rabbitmq-server"], lbNames.has(n.name), changed).start(),
      api: { okAt: null, failedAt: null, error: null, authRejected: false, overview: null, localAlarms: [], busy: new Set(), lastAsked: new Map() },
    }));
    // A co-located load balancer shares its node's watch.
    this.lbs = inv.loadBalancers.map((l) => ({ name: l.name, watch: this.nodes.find((n) => n.name === l.name)?.watch ?? new HostWatch(l.name, ["haproxy", "keepalived"], true, changed).start() }));
  }

  /** A watch saw a change: derive now (an alert pages within the moment it is seen), at most once per 50 ms. */
  private tickSoon() {
    if (this.soon || this.stopped) return;
    this.soon = setTimeout(() => { this.soon = undefined; void this.tick(Date.now()); }, 50);
    this.soon.unref();
  }

  /** A host that stops speaking becomes unreachable STALE_MS after its last heartbeat: derive at that moment, not at the next second. */
  private tickWhenStale(now: number) {
    if (this.staleTimer || this.stopped) return;
    const ticks = [...this.nodes, ...this.lbs].map((x) => x.watch.state.lastTickAt).filter((t): t is number => t !== null && t + STALE_MS >= now);
    if (!ticks.length) return;
    const at = Math.min(...ticks) + STALE_MS + 20;
    if (at - now >= 1000) return;
    this.staleTimer = setTimeout(() => { this.staleTimer = undefined; void this.tick(Date.now()); }, Math.max(0, at - now));
    this.staleTimer.unref();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.soon);
    clearTimeout(this.staleTimer);
    for (const w of new Set([...this.nodes.map((n) => n.watch), ...this.lbs.map((l) => l.watch)])) w.stop();
  }

  private async get(host: string, path: string) {
    const r = await getVia(sshPool(), await sshTargetByName(host), 15672, path, { auth: this.auth ?? undefined, timeoutMs: API_TIMEOUT_MS });
    return r;
  }

  /**
   * Fire-and-forget requests, at most one of each kind per node in flight,
   * each at its own cadence. Every request costs the broker CPU, and the
   * watch already sees a crashed broker within half a second: the API is
   * asked what only it knows (a broker that runs but does not answer, its
   * alarms, the cluster's own view) every 2 s, versions and counts every 10 s.
   */
  private poll(now: number) {
    if (!this.auth) return;
    const once = (n: (typeof this.nodes)[number], kind: string, everyMs: number, f: () => Promise<void>) => {
      if (n.api.busy.has(kind) || now - (n.api.lastAsked.get(kind) ?? 0) < everyMs - 100) return;
      n.api.busy.add(kind);
      n.api.lastAsked.set(kind, now);
      void f().finally(() => n.api.busy.delete(kind));
    };
    for (const n of this.nodes) {
      once(n, "alive", API_EVERY_MS, async () => {
        try {
          const r = await this.get(n.name, "/api/health/checks/local-alarms");
          // A 401 is the broker answering: a liveness fact, and a credentials problem of its own.
          if (r.status !== 200 && r.status !== 503 && r.status !== 401) throw new Error(`HTTP ${r.status}`);
          n.api.okAt = Date.now();
          n.api.error = null;
          n.api.authRejected = r.status === 401;
          if (r.status === 401) return;
          n.api.localAlarms = r.status === 503 ? [...new Set(((JSON.parse(r.body).alarms ?? []) as { resource?: string }[]).map((a) => a.resource ?? "resource"))] : [];
        } catch (e) {
          n.api.failedAt = Date.now();
          n.api.error = why(e);
        }
      });
      once(n, "overview", 10_000, async () => {
        try {
          const r = await this.get(n.name, "/api/overview");
          if (r.status === 200) n.api.overview = parseOverview(r.body);
        } catch { /* liveness tells */ }
      });
    }
    // The cluster's own view (types, running, memory, partitions) from one answering node, rotating.
    if (now - this.viewAskedAt < API_EVERY_MS - 100) return;
    const ok = this.nodes.filter((n) => apiAnswering(n.api, now));
    const from = ok[this.rotate++ % Math.max(1, ok.length)];
    if (from) {
      this.viewAskedAt = now;
      once(from, "nodes", 0, async () => {
        try {
          const r = await this.get(from.name, "/api/nodes?columns=name,type,running,mem_used,mem_limit,mem_alarm,disk_free,disk_free_limit,disk_free_alarm,fd_used,fd_total,sockets_used,sockets_total,uptime,partitions,being_drained");
          if (r.status === 200) {
            this.clusterView = { at: Date.now(), from: from.name, nodes: parseNodes(r.body) };
            for (const s of this.clusterView.nodes) if (s.memUsed !== null || s.uptimeS !== null) this.lastStats.set(s.name, { at: this.clusterView.at, stats: s });
          }
        } catch { /* another node is asked next time */ }
      });
      if (now - this.queuesAt > 10_000) once(from, "queues", 0, async () => {
        try {
          const r = await this.get(from.name, "/api/queues?columns=name,vhost,type,slave_nodes,synchronised_slave_nodes");
          if (r.status === 200) { this.queues = parseQueueSync(r.body); this.queuesAt = Date.now(); }
        } catch { /* optional */ }
      });
      // Ready messages per virtual host (an alert threshold), as rarely as the queues.
      if (now - (this.vhosts?.at ?? 0) > 10_000) once(from, "vhosts", 0, async () => {
        try {
          const r = await this.get(from.name, "/api/vhosts?columns=name,messages_ready");
          if (r.status === 200) this.vhosts = { at: Date.now(), list: parseVhosts(r.body) };
        } catch { /* optional */ }
      });
    }
  }

  /** What the watches know of each host: when it last spoke. */
  hostStates(now = Date.now()): Record<string, { reachable: boolean; lastSeenAt: string | null }> {
    const out: Record<string, { reachable: boolean; lastSeenAt: string | null }> = {};
    for (const { name, watch } of [...this.nodes, ...this.lbs]) {
      const t = watch.state.lastTickAt;
      out[name] = { reachable: t !== null && now - t <= STALE_MS, lastSeenAt: t === null ? null : new Date(t).toISOString() };
    }
    return out;
  }

  health(now = Date.now()): ClusterHealth {
    const nodes: NodeInputs[] = this.nodes.map((n) => ({ name: n.name, type: n.type, watch: n.watch.state, api: n.api }));
    const h = deriveHealth({
      clusterId: this.inv.id, now, nodes, loadBalancers: this.lbs.map((l) => ({ name: l.name, watch: l.watch.state })),
      clusterView: this.clusterView, lastStats: this.lastStats, queues: this.queues, vhosts: this.vhosts, vip: this.vip, since: this.since, startedAt: this.startedAt, setUp: this.setUp,
    });
    for (const a of h.alarms) a.since = this.open?.get(a.id)?.raisedAt.toISOString() ?? null;
    return h;
  }

  async tick(now: number) {
    if (this.ticking) { this.again = true; return; }
    this.ticking = true;
    try {
      this.poll(now);
      const h = this.health(now);
      this.latest = h;
      this.emit(h, now, this.startedAt);
      this.tickWhenStale(now);
      await this.transitions(h, now);
      if (now - this.lastSample >= 10_000 && h.status !== "unknown") {
        this.lastSample = now;
        await recordSample(this.inv.id, sampleOf(h), now, env().WARREN_HISTORY_HOURS * 3600_000);
      }
    } catch (e) {
      logError("health tick failed", e);
    } finally {
      this.ticking = false;
      // A change seen while this tick ran is derived right after it, not a second later.
      if (this.again) { this.again = false; this.tickSoon(); }
    }
  }

  /** Raised and cleared alarms become the cluster's timeline. */
  private async transitions(h: ClusterHealth, now: number) {
    if (h.status === "unknown" || h.status === "not-set-up") return;
    this.open ??= await openAlarms(this.inv.id);
    const at = new Date(now);
    const current = new Set(h.alarms.map((a) => a.id));
    for (const a of h.alarms) if (!this.open.has(a.id)) this.open.set(a.id, { id: await raiseAlarm(this.inv.id, a, at), raisedAt: at });
    for (const [alarmId, e] of this.open) if (!current.has(alarmId)) { await clearAlarm(e.id, at); this.open.delete(alarmId); }
  }

}

export class Collector {
  private readonly clusters = new Map<string, ClusterCollector>();
  private readonly listeners = new Set<HealthListener>();

  /** Calls `l` each time a cluster's health is derived; returns the way to stop. */
  onHealth(l: HealthListener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  private emit(clusterId: string, health: ClusterHealth, now: number, watchingSince: number) {
    for (const l of this.listeners) {
      try { l({ clusterId, health, now, watchingSince }); } catch (e) { logError("health listener failed", e); }
    }
  }
  private timer?: NodeJS.Timeout;
  private refreshing = false;
  private refreshAgain = false;
  private lastRefresh = 0;
  /** Which clusters this process watches: those whose lease it holds (lib/instances); all when alone. */
  private owns: (clusterId: string) => boolean = () => true;
  /** Where each derived health goes for the other instances' pages (lib/health/live.ts), if anywhere. */
  private publish?: (clusterId: string, health: ClusterHealth, hosts: Record<string, { reachable: boolean; lastSeenAt: string | null }>) => Promise<void>;

  shareWith(o: { owns: (clusterId: string) => boolean; publish?: Collector["publish"] }): void {
    this.owns = o.owns;
    this.publish = o.publish;
  }

  async start() {
    if (this.timer) return;
    await this.refresh();
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  stop() {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const c of this.clusters.values()) c.stop();
    this.clusters.clear();
  }

  private async tick() {
    const now = Date.now();
    if (now - this.lastRefresh > 10_000) void this.refresh();
    await Promise.all([...this.clusters].map(async ([id, c]) => {
      await c.tick(now);
      if (this.publish && c.latest && this.owns(id)) await this.publish(id, c.latest, c.hostStates(now)).catch((e) => logError("live health publish failed", e));
    }));
  }

  /** Follows the inventory: new clusters are watched, changed ones rebuilt, deleted ones dropped. */
  async refresh() {
    // Asked while one is under way (a lease just taken): once more right after it, not at the next 10 s.
    if (this.refreshing) { this.refreshAgain = true; return; }
    this.refreshing = true;
    this.lastRefresh = Date.now();
    try {
      const ids = (await db().cluster.findMany({ select: { id: true } })).map((c) => c.id).filter((id) => this.owns(id));
      for (const [id, c] of this.clusters) if (!ids.includes(id)) { c.stop(); this.clusters.delete(id); }
      for (const id of ids) {
        const inv = await clusterInventory(id);
        if (!inv || (!inv.nodes.length && !inv.loadBalancers.length)) continue;
        // What the hosts were brought to: the management user and the VIP come from the cluster's spec.
        const rmq = inv.spec?.rabbitmq;
        const password = rmq?.management ? (await openClusterSecrets(id, ["managementPassword"])).managementPassword : undefined;
        const auth = password && rmq ? `Basic ${Buffer.from(`${rmq.adminUser}:${password}`).toString("base64")}` : null;
        const vip = inv.spec?.loadBalancers?.vip ?? null;
        const signature = JSON.stringify([inv.nodes, inv.loadBalancers, vip]);
        const setUp = !!inv.spec || (await db().run.count({ where: { clusterId: id, type: "setup", status: "succeeded" } })) > 0;
        const existing = this.clusters.get(id);
        // A rotated password or a first setup needs no new watches.
        if (existing?.signature === signature) { existing.auth = auth; existing.setUp = setUp; continue; }
        existing?.stop();
        this.clusters.set(id, new ClusterCollector(inv, signature, auth, vip, setUp, (h, now, since) => this.emit(id, h, now, since)));
      }
    } catch (e) {
      logError("health refresh failed", e);
    } finally {
      this.refreshing = false;
      if (this.refreshAgain) { this.refreshAgain = false; void this.refresh(); }
    }
  }

  health(clusterId: string): ClusterHealth | null {
    return this.clusters.get(clusterId)?.health() ?? null;
  }

  /** Every watched host by name: reachable now, and when it last spoke. */
  hostStates(): Record<string, { reachable: boolean; lastSeenAt: string | null }> {
    return Object.assign({}, ...[...this.clusters.values()].map((c) => c.hostStates()));
  }

  /** Each watched cluster's overall state (for the clusters list). */
  statuses(): Record<string, ClusterHealth["status"]> {
    return Object.fromEntries([...this.clusters].map(([id, c]) => [id, c.latest?.status ?? "unknown"]));
  }
}

const g = globalThis as unknown as { warrenCollector?: Collector };
export function collector(): Collector {
  g.warrenCollector ??= new Collector();
  return g.warrenCollector;
}
