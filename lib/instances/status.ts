import "server-only";
// What the instances look like from here: this one's database and lease state for a load
// balancer's health check (no details, no login), and every instance with what it holds for the
// admin page.
import { db, databaseKind } from "@/lib/db";
import { env } from "@/lib/env";
import { leaseKeeper } from "./keeper";
import { SCHEDULED_WORK } from "./lease";

export type InstanceHealth = { status: "ok" | "unavailable"; database: "ok" | "unreachable"; leases: "renewing" | "stale" };

const DB_CHECK_MS = 2000;

export async function instanceHealth(): Promise<InstanceHealth> {
  const k = leaseKeeper();
  const ok = await Promise.race([
    db().instance.findUnique({ where: { id: k.id }, select: { id: true } }).then(() => true, () => false),
    new Promise<boolean>((r) => setTimeout(() => r(false), DB_CHECK_MS).unref()),
  ]);
  const renewed = k.state().lastRenewedAt;
  const fresh = !!renewed && Date.now() - Date.parse(renewed) < 2 * env().WARREN_LEASE_SECONDS * 1000;
  return { status: ok && fresh ? "ok" : "unavailable", database: ok ? "ok" : "unreachable", leases: fresh ? "renewing" : "stale" };
}

export type InstanceView = {
  id: string; name: string; startedAt: string; renewedAt: string; alive: boolean; self: boolean;
  holds: { name: string; kind: "cluster" | "scheduled-work"; label: string; epoch: number; acquiredAt: string; expiresAt: string }[];
};

export async function listInstances(now = new Date()): Promise<{ database: "sqlite" | "postgresql"; leaseSeconds: number; instances: InstanceView[] }> {
  const ttl = env().WARREN_LEASE_SECONDS * 1000;
  const [instances, leases, clusters] = await Promise.all([
    db().instance.findMany({ where: { renewedAt: { gt: new Date(now.getTime() - 24 * 3600_000) } }, orderBy: { startedAt: "asc" } }),
    db().lease.findMany({ orderBy: { name: "asc" } }),
    db().cluster.findMany({ select: { id: true, name: true } }),
  ]);
  const names = new Map(clusters.map((c) => [c.id, c.name]));
  const self = leaseKeeper().id;
  return {
    database: databaseKind(),
    leaseSeconds: env().WARREN_LEASE_SECONDS,
    instances: instances.map((i) => ({
      id: i.id, name: i.name, startedAt: i.startedAt.toISOString(), renewedAt: i.renewedAt.toISOString(),
      // It renews every second at least; past the ttl its leases are up for taking.
      alive: now.getTime() - i.renewedAt.getTime() < ttl, self: i.id === self,
      holds: leases.filter((l) => l.holderId === i.id && l.expiresAt > now).map((l) => ({
        name: l.name, kind: l.name === SCHEDULED_WORK ? "scheduled-work" as const : "cluster" as const,
        label: l.name === SCHEDULED_WORK ? "scheduled work (backups, notifications)" : (names.get(l.name) ?? l.name),
        epoch: l.epoch, acquiredAt: l.acquiredAt.toISOString(), expiresAt: l.expiresAt.toISOString(),
      })),
    })),
  };
}
