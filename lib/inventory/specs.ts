import "server-only";
// Where cluster specs (./spec) live: one row per version. A version is
// written when the run whose plan carries it succeeds, never when it starts:
// a failed or aborted run leaves the spec as the hosts last had it, and the
// difference shows as drift until a run applies it.
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { ClusterSpec, diffSpecs, sameSpec, specFromLegacySettings, specMembers, type SpecChange } from "./spec";

export interface SpecVersion { version: number; spec: ClusterSpec; createdAt: Date; createdBy: string; runId: string | null; note: string | null }

const parse = (r: { version: number; spec: string; createdAt: Date; createdBy: string; runId: string | null; note: string | null }): SpecVersion => ({ ...r, spec: ClusterSpec.parse(JSON.parse(r.spec)) });

export async function currentSpec(clusterId: string): Promise<SpecVersion | null> {
  const r = await db().clusterSpecVersion.findFirst({ where: { clusterId }, orderBy: { version: "desc" } });
  return r ? parse(r) : null;
}

/** Every version, newest first, each with what changed from the one before. */
export async function specHistory(clusterId: string): Promise<(SpecVersion & { changes: SpecChange[] })[]> {
  const rows = (await db().clusterSpecVersion.findMany({ where: { clusterId }, orderBy: { version: "asc" } })).map(parse);
  return rows.map((r, i) => ({ ...r, changes: diffSpecs(i ? rows[i - 1].spec : null, r.spec) })).reverse();
}

/** A new version when the spec differs from the current one; nothing otherwise (a run applied what was already there). */
export async function recordSpec(clusterId: string, spec: ClusterSpec, by: { who: string; runId?: string; note?: string }): Promise<number | null> {
  return db().$transaction(async (tx) => {
    const last = await tx.clusterSpecVersion.findFirst({ where: { clusterId }, orderBy: { version: "desc" } });
    if (last && sameSpec(parse(last).spec, spec)) return null;
    const version = (last?.version ?? 0) + 1;
    await tx.clusterSpecVersion.create({ data: { clusterId, version, spec: JSON.stringify(ClusterSpec.parse(spec)), createdBy: by.who, runId: by.runId ?? null, note: by.note ?? null } });
    return version;
  });
}

/** Called as a run succeeds: the spec its plan applied is now the cluster's. */
export async function recordRunSpec(runId: string): Promise<number | null> {
  const run = await db().run.findUnique({ where: { id: runId }, select: { clusterId: true, plan: true, createdBy: true, type: true } });
  const spec = run && (JSON.parse(run.plan) as { spec?: unknown }).spec;
  if (!run || !spec) return null;
  return recordSpec(run.clusterId, ClusterSpec.parse(spec), { who: run.createdBy, runId, note: run.type });
}

export interface SpecDrift { runId: string; type: string; status: string; at: Date; changes: SpecChange[] }

/**
 * A change the hosts do not reflect: the newest run since the current version
 * whose plan carried another spec and did not succeed (failed, cancelled,
 * interrupted — or still going).
 */
export async function specDrift(clusterId: string): Promise<SpecDrift | null> {
  const current = await currentSpec(clusterId);
  const runs = await db().run.findMany({
    where: { clusterId, ...(current ? { createdAt: { gt: current.createdAt } } : {}), status: { not: "succeeded" } },
    orderBy: { createdAt: "desc" }, select: { id: true, type: true, status: true, plan: true, createdAt: true }, take: 20,
  });
  for (const r of runs) {
    const spec = (JSON.parse(r.plan) as { spec?: unknown }).spec;
    if (!spec) continue;
    const next = ClusterSpec.parse(spec);
    if (sameSpec(current?.spec ?? null, next)) continue;
    return { runId: r.id, type: r.type, status: r.status, at: r.createdAt, changes: diffSpecs(current?.spec ?? null, next) };
  }
  return null;
}

/**
 * Once, at start-up: clusters from before specs get version 1 from the
 * settings their earlier runs left behind (only clusters that were set up).
 */
export async function migrateLegacySettings(): Promise<void> {
  const clusters = await db().cluster.findMany({
    where: { settings: { not: null }, specs: { none: {} } },
    select: { id: true, name: true, settings: true, members: { select: { role: true, nodeType: true, isSeed: true, host: { select: { name: true } } } } },
  });
  for (const c of clusters) {
    const setUp = await db().run.count({ where: { clusterId: c.id, type: "setup", status: "succeeded" } });
    if (!setUp) continue;
    const members = specMembers({
      nodes: c.members.filter((m) => m.role === "rabbitmq").map((m) => ({ name: m.host.name, type: m.nodeType ?? "disc", seed: m.isSeed })),
      loadBalancers: c.members.filter((m) => m.role === "loadbalancer").map((m) => ({ name: m.host.name })),
    });
    const { spec, problems } = specFromLegacySettings(c.settings, members);
    if (!spec) {
      console.warn(`[warren] cluster ${c.name}: no spec could be made from its earlier settings${problems.length ? ` (${problems.join("; ")})` : ""}; run its setup again to record one`);
      continue;
    }
    await recordSpec(c.id, spec, { who: "(migration)", note: `made from the settings of earlier runs${problems.length ? `; ${problems.join("; ")}` : ""}` });
    await audit("(migration)", "cluster.spec-migrated", { type: "cluster", id: c.id, name: c.name }, problems.length ? problems.join("; ") : "version 1 from earlier settings");
  }
}
