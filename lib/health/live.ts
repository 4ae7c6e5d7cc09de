import "server-only";
// The live view as every page and API reads it, on any instance: a cluster
// this process watches (it holds the cluster's lease) answers from memory; any
// other from what its watcher last wrote to the database (each second), so
// one instance behind a load balancer shows what another collects.
import { db, severalInstances } from "@/lib/db";
import { collector } from "./collector";
import type { ClusterHealth } from "./derive";

export type HostState = { reachable: boolean; lastSeenAt: string | null };


export async function publishLiveHealth(clusterId: string, health: ClusterHealth, hosts: Record<string, HostState>, instanceId: string): Promise<void> {
  const data = { instanceId, observedAt: new Date(), health: JSON.stringify(health), hosts: JSON.stringify(hosts) };
  await db().liveHealth.upsert({ where: { clusterId }, create: { clusterId, ...data }, update: data });
}

async function rows(clusterIds?: string[]) {
  if (!severalInstances()) return []; // alone, everything is in this process
  return db().liveHealth.findMany({ where: clusterIds ? { clusterId: { in: clusterIds } } : {} });
}

export async function liveHealth(clusterId: string): Promise<ClusterHealth | null> {
  return (await liveHealths([clusterId])).get(clusterId) ?? null;
}

/** The live health of each of these clusters that has any: the ones watched here from memory, the others in one read. */
export async function liveHealths(clusterIds: string[]): Promise<Map<string, ClusterHealth>> {
  const out = new Map<string, ClusterHealth>();
  for (const id of clusterIds) {
    const local = collector().health(id);
    if (local) out.set(id, local);
  }
  const elsewhere = clusterIds.filter((id) => !out.has(id));
  if (elsewhere.length) for (const r of await rows(elsewhere)) out.set(r.clusterId, JSON.parse(r.health) as ClusterHealth);
  return out;
}

/** Every watched host by name: reachable now, and when it last spoke. */
export async function liveHostStates(): Promise<Record<string, HostState>> {
  const out: Record<string, HostState> = {};
  for (const r of await rows()) Object.assign(out, JSON.parse(r.hosts) as Record<string, HostState>);
  return Object.assign(out, collector().hostStates());
}

/** Each watched cluster's overall state (for the clusters list). */
export async function liveStatuses(): Promise<Record<string, ClusterHealth["status"]>> {
  const out: Record<string, ClusterHealth["status"]> = {};
  for (const r of await rows()) out[r.clusterId] = (JSON.parse(r.health) as ClusterHealth).status;
  return Object.assign(out, collector().statuses());
}
