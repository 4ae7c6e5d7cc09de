import "server-only";
// What /metrics exposes, read from Warren's own state: the collector's
// memory and the database. Never a host.
import { db } from "@/lib/db";
import { liveHealths } from "@/lib/health/live";
import type { MetricsSnapshot } from "./exposition";

export async function metricsSnapshot(): Promise<MetricsSnapshot> {
  const clusters = await db().cluster.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const healths = await liveHealths(clusters.map((c) => c.id));
  const [incidents, runs, finished, notifications] = await Promise.all([
    db().incident.findMany({ where: { resolvedAt: null }, select: { clusterId: true, kind: true, severity: true, status: true } }),
    db().run.groupBy({ by: ["clusterId", "type", "status"], _count: { _all: true } }),
    db().run.findMany({ where: { startedAt: { not: null }, finishedAt: { not: null } }, select: { type: true, status: true, startedAt: true, finishedAt: true } }),
    db().notification.groupBy({ by: ["status"], _count: { _all: true } }),
  ]);
  return {
    clusters: clusters.map((c) => ({ ...c, health: healths.get(c.id) ?? null })),
    incidents: incidents.map((i) => ({ cluster: names.get(i.clusterId) ?? i.clusterId, kind: i.kind, severity: i.severity, status: i.status })),
    runs: runs.map((r) => ({ cluster: names.get(r.clusterId) ?? r.clusterId, operation: r.type, status: r.status, count: r._count._all })),
    durations: finished.map((r) => ({ operation: r.type, status: r.status, seconds: Math.max(0, (r.finishedAt!.getTime() - r.startedAt!.getTime()) / 1000) })),
    notifications: notifications.map((n) => ({ status: n.status, count: n._count._all })),
  };
}
