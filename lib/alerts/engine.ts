import "server-only";
// The alert engine in the server process: each time the collector derives
// a cluster's health (every second, and at once when a watch sees a change)
// it gathers the signals, the holds of the cluster's recent runs, the rules,
// silences and routes, calls the evaluator and writes what changed — the
// incident, its transition and the notifications to send, in one
// transaction — then wakes the delivery worker. Open incidents are loaded
// from the database when a cluster is first seen, so a restart continues
// them without firing again.
import { randomUUID } from "node:crypto";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { logError } from "@/lib/log";
import { collector, type HealthListener } from "@/lib/health/collector";
import type { ClusterHealth } from "@/lib/health/schema";
import { readPlan } from "@/lib/ops/plan-json";
import { runTitle } from "@/lib/ops/registry";
import { ACTIVE_RUN } from "@/lib/ops/engine/types";
import { deliveryWorker } from "./delivery";
import { evaluate, type Change, type Member, type OpenIncident, type RouteView, type SilenceView } from "./evaluate";
import { currentSpec } from "@/lib/inventory/specs";
import { activeHolds, holdGraceMs, type RunView } from "./holds";
import { isAlertKind, type AlertKind, type AlertSeverity } from "./kinds";
import { payloadOf } from "./render";
import { effectiveRules, type StoredOverride } from "./rules";
import { emptyVipMemory, healthSignals, runSignals, thresholdSignals, vipSignals, type LatestRun, type VipMemory } from "./signals";

/** After the watches start: long enough for every host's first heartbeat (the collector's connect grace is 15 s). */
export const SETTLE_MS = 20_000;
/** How many of a cluster's latest runs the holds look back over (a stopped cluster's hold outlives a few runs in between). */
const RECENT_RUNS = 10;
/** Rules, silences and routes are read again at least this often (and at once when changed through Warren). */
const CONFIG_TTL_MS = 30_000;

interface Config { at: number; rules: Map<string, StoredOverride[]>; silences: Map<string, SilenceView[]>; routes: RouteView[]; channels: Set<string> }

interface ClusterState {
  id: string;
  open: Map<AlertKind, OpenIncident> | null;
  firstSeen: Map<string, number>;
  vip: VipMemory;
  latest: Parameters<HealthListener>[0] | null;
  busy: boolean;
  again: boolean;
  /** Runs' views as last read, with the status and finish they were read at. */
  runs: Map<string, { key: string; view: RunView }>;
  /** The holds' grace from the cluster's HAProxy check timings, and when it was read. */
  grace: { at: number; ms: number } | null;
}

/** The base of links back to Warren's pages. */
export function publicUrl(): string {
  const e = env();
  if (e.WARREN_PUBLIC_URL) return e.WARREN_PUBLIC_URL.replace(/\/+$/, "");
  const host = e.WARREN_HOST === "0.0.0.0" || e.WARREN_HOST === "::" ? "127.0.0.1" : e.WARREN_HOST;
  return `${e.WARREN_SECURE_COOKIES === "1" ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${e.PORT}`;
}

function toOpen(r: { id: string; kind: string; severity: string; status: string; title: string; summary: string; members: string; openedAt: Date; seq: number; firedAt: Date | null; notified: string }): OpenIncident | null {
  if (!isAlertKind(r.kind)) return null;
  return {
    id: r.id, kind: r.kind, severity: r.severity as AlertSeverity, status: r.status as OpenIncident["status"], title: r.title, summary: r.summary,
    members: JSON.parse(r.members) as Member[], openedAt: r.openedAt.getTime(), seq: r.seq, firedAt: r.firedAt?.getTime() ?? null,
    notified: JSON.parse(r.notified) as Record<string, number>,
  };
}

export class AlertEngine {
  private readonly clusters = new Map<string, ClusterState>();
  private config: Config | null = null;
  private loading: Promise<Config> | null = null;
  private unsubscribe?: () => void;

  start(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = collector().onHealth((e) => this.onHealth(e));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Another instance took the cluster over: what this one remembers of it would go stale. */
  forget(clusterId: string): void {
    this.clusters.delete(clusterId);
  }

  /** Rules, silences, routes or channels changed: read them again before the next evaluation. */
  invalidate(): void {
    this.config = null;
  }

  private onHealth(e: Parameters<HealthListener>[0]) {
    let st = this.clusters.get(e.clusterId);
    if (!st) {
      st = { id: e.clusterId, open: null, firstSeen: new Map(), vip: emptyVipMemory(), latest: null, busy: false, again: false, runs: new Map(), grace: null };
      this.clusters.set(e.clusterId, st);
    }
    st.latest = e;
    if (st.busy) { st.again = true; return; }
    void this.run(st);
  }

  private async run(st: ClusterState) {
    st.busy = true;
    try {
      do {
        st.again = false;
        await this.evaluateCluster(st, st.latest!);
      } while (st.again);
    } catch (e) {
      logError("alert evaluation failed", e);
      // What is in memory may be ahead of the database now: read it again next time.
      st.open = null;
    } finally {
      st.busy = false;
    }
  }

  private async loadConfig(): Promise<Config> {
    const now = Date.now();
    const [rules, silences, routes, channels] = await Promise.all([
      db().alertRule.findMany(),
      db().silence.findMany({ where: { expiredAt: null, endsAt: { gt: new Date(now) } } }),
      db().alertRoute.findMany(),
      db().alertChannel.findMany({ select: { id: true } }),
    ]);
    const byCluster = <T extends { clusterId: string }>(xs: T[]) => {
      const m = new Map<string, T[]>();
      for (const x of xs) m.set(x.clusterId, [...(m.get(x.clusterId) ?? []), x]);
      return m;
    };
    return {
      at: now,
      rules: byCluster(rules),
      silences: new Map([...byCluster(silences)].map(([k, v]) => [k, v.map((s): SilenceView => ({
        id: s.id, host: s.host, kind: s.kind && isAlertKind(s.kind) ? s.kind : null, startsAt: s.startsAt.getTime(), endsAt: s.endsAt.getTime(), reason: s.reason, createdBy: s.createdBy,
      }))])),
      routes: routes.map((r) => ({ id: r.id, clusterId: r.clusterId, channelId: r.channelId, minSeverity: r.minSeverity === "critical" ? "critical" : "warning", repeatMinutes: r.repeatMinutes })),
      channels: new Set(channels.map((c) => c.id)),
    };
  }

  private async cfg(): Promise<Config> {
    if (this.config && Date.now() - this.config.at < CONFIG_TTL_MS) return this.config;
    this.loading ??= this.loadConfig().finally(() => { this.loading = null; });
    const c = await this.loading;
    this.config = c;
    return c;
  }

  /**
   * The cluster's recent runs as the holds read them, latest first: the
   * active one (running, paused, or queued — just created, retried or
   * continued) and the last RECENT_RUNS created, ordered by when they last
   * did anything (a retried old run is the latest). The latest is the one
   * the run-failed alert reads. A finished run's view is kept between calls
   * (its steps no longer change).
   */
  private async recentRuns(st: ClusterState): Promise<{ views: RunView[]; latest: LatestRun } | null> {
    const select = { id: true, type: true, status: true, params: true, vars: true, error: true, finishedAt: true, createdAt: true } as const;
    const [active, last] = await Promise.all([
      db().run.findMany({ where: { clusterId: st.id, status: { in: [...ACTIVE_RUN] } }, select }),
      db().run.findMany({ where: { clusterId: st.id }, orderBy: { createdAt: "desc" }, take: RECENT_RUNS, select }),
    ]);
    const runs = [...new Map([...active, ...last].map((r) => [r.id, r])).values()];
    if (!runs.length) return null;
    const isActive = (r: (typeof runs)[number]) => (ACTIVE_RUN as readonly string[]).includes(r.status);
    const activity = (r: (typeof runs)[number]) => (isActive(r) ? Infinity : (r.finishedAt ?? r.createdAt).getTime());
    runs.sort((a, b) => activity(b) - activity(a) || b.createdAt.getTime() - a.createdAt.getTime());
    const cache = new Map<string, { key: string; view: RunView }>();
    const views: RunView[] = [];
    for (const r of runs) {
      const key = `${r.status} ${r.finishedAt?.getTime() ?? ""}`;
      const kept = st.runs.get(r.id);
      if (kept && kept.key === key && !isActive(r)) { cache.set(r.id, kept); views.push(kept.view); continue; }
      const plan = kept?.view.plan ?? (await this.planOf(r.id, r.type));
      const steps = await db().runStep.findMany({ where: { runId: r.id }, select: { key: true, status: true, startedAt: true, finishedAt: true } });
      const view: RunView = {
        id: r.id, type: r.type, title: runTitle(r.type, r.params), status: r.status, plan, vars: r.vars ? (JSON.parse(r.vars) as Record<string, string>) : {},
        steps: steps.map((x) => ({ key: x.key, status: x.status, startedAt: x.startedAt?.getTime() ?? null, finishedAt: x.finishedAt?.getTime() ?? null })),
      };
      cache.set(r.id, { key, view });
      views.push(view);
    }
    st.runs = cache;
    const l = runs[0];
    return { views, latest: { id: l.id, type: l.type, title: views[0].title, status: l.status, error: l.error, finishedAt: l.finishedAt?.getTime() ?? null } };
  }

  /** The holds' grace for this cluster (its HAProxy checks may be slower than the defaults), read again with the config. */
  private async graceFor(st: ClusterState): Promise<number> {
    if (st.grace && Date.now() - st.grace.at < CONFIG_TTL_MS) return st.grace.ms;
    const spec = await currentSpec(st.id).catch(() => null);
    st.grace = { at: Date.now(), ms: holdGraceMs(spec?.spec.loadBalancers ?? null) };
    return st.grace.ms;
  }

  /** A run's plan; one this version cannot read (an old run's) holds nothing rather than stopping every evaluation. */
  private async planOf(runId: string, type: string): Promise<RunView["plan"]> {
    const row = await db().run.findUniqueOrThrow({ where: { id: runId }, select: { plan: true } });
    try {
      return readPlan(row.plan);
    } catch (e) {
      logError(`alerts: run ${runId}'s plan is unreadable; it holds nothing`, e);
      return { type, phases: [] };
    }
  }

  private async evaluateCluster(st: ClusterState, e: { clusterId: string; health: ClusterHealth; now: number; watchingSince: number }) {
    const cfg = await this.cfg();
    if (!st.open) {
      const rows = await db().incident.findMany({ where: { clusterId: st.id, resolvedAt: null } });
      st.open = new Map(rows.map(toOpen).filter((x): x is OpenIncident => !!x).map((x) => [x.kind, x]));
    }
    // Read after the health: a step that takes something down is recorded as started before its command goes out.
    const runs = await this.recentRuns(st);
    const now = Math.max(e.now, Date.now());
    const h = e.health;
    const rules = effectiveRules(cfg.rules.get(st.id));
    const hs = healthSignals(h);
    const signals = [...(hs ?? []), ...thresholdSignals(h, rules), ...vipSignals(h, st.vip, now), ...runSignals(runs?.latest ?? null)];
    const changes = evaluate({
      clusterId: st.id, now, signals, settled: hs !== null && now - e.watchingSince >= SETTLE_MS,
      nodeHosts: new Set(h.nodes.map((n) => n.host)), rules, silences: cfg.silences.get(st.id) ?? [], holds: activeHolds(runs?.views ?? [], now, await this.graceFor(st)),
      routes: cfg.routes.filter((r) => cfg.channels.has(r.channelId)), open: st.open, firstSeen: st.firstSeen, newId: randomUUID,
    });
    if (!changes.length) return;
    const deliveries = await this.persist(st.id, changes, cfg);
    for (const c of changes) {
      if (c.resolvedAt !== null) st.open.delete(c.incident.kind);
      else st.open.set(c.incident.kind, c.incident);
    }
    if (deliveries) deliveryWorker().wake();
  }

  /** The changes, their transitions and notifications in one transaction; returns how many notifications were written. */
  private async persist(clusterId: string, changes: Change[], cfg: Config): Promise<number> {
    const cluster = await db().cluster.findUnique({ where: { id: clusterId }, select: { id: true, name: true } });
    if (!cluster) return 0;
    let written = 0;
    await db().$transaction(async (tx) => {
      for (const c of changes) {
        const inc = c.incident;
        const resolved = c.resolvedAt !== null;
        const members = JSON.stringify(inc.members);
        const data = {
          severity: inc.severity, status: resolved ? "resolved" : inc.status, title: inc.title, summary: inc.summary, members, seq: c.seq,
          firedAt: inc.firedAt === null ? null : new Date(inc.firedAt), notified: JSON.stringify(inc.notified),
          resolvedAt: resolved ? new Date(c.resolvedAt!) : null, openKey: resolved ? null : `${clusterId} ${inc.kind}`,
        };
        if (c.created) await tx.incident.create({ data: { id: inc.id, clusterId, kind: inc.kind, openedAt: new Date(inc.openedAt), ...data } });
        else await tx.incident.update({ where: { id: inc.id }, data });
        if (c.quiet) continue;
        await tx.incidentTransition.create({ data: { incidentId: inc.id, seq: c.seq, type: c.type, at: new Date(c.at), severity: inc.severity, status: data.status, summary: inc.summary, members } });
        for (const d of c.deliveries) {
          if (!cfg.channels.has(d.channelId)) continue;
          const id = randomUUID();
          await tx.notification.create({
            data: { id, incidentId: inc.id, seq: c.seq, channelId: d.channelId, transition: d.transition, status: "pending", nextAttemptAt: new Date(c.at), payload: JSON.stringify(payloadOf(cluster, inc, { id, transition: d.transition }, c.at, c.resolvedAt, publicUrl())) },
          });
          written++;
        }
      }
    });
    return written;
  }
}

const g = globalThis as unknown as { warrenAlerts?: AlertEngine };
export function alertEngine(): AlertEngine {
  g.warrenAlerts ??= new AlertEngine();
  return g.warrenAlerts;
}
