import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { hostPublicSelect, DuplicateError } from "./hosts";
import type { ClusterInput } from "./schemas";
import type { ClusterInventory } from "./cluster-inventory";
import type { MembershipChange } from "@/lib/ops/operation";
import { audit } from "@/lib/audit";
import { env } from "@/lib/env";
import type { Principal } from "@/lib/auth/principal";
import { NodeType } from "@/lib/vocabulary";
import { currentSpec } from "./specs";

const clusterView = {
  id: true, name: true, createdAt: true,
  members: { select: { id: true, role: true, nodeType: true, isSeed: true, host: { select: hostPublicSelect } } },
} as const;
export type ClusterView = Prisma.ClusterGetPayload<{ select: typeof clusterView }>;

export function listClusters(): Promise<ClusterView[]> {
  return db().cluster.findMany({ select: clusterView, orderBy: { name: "asc" } });
}

export function getCluster(id: string): Promise<ClusterView | null> {
  return db().cluster.findUnique({ where: { id }, select: clusterView });
}

export class UnknownHostError extends Error {}

export function countClusters(): Promise<number> {
  return db().cluster.count();
}

export async function createCluster(input: ClusterInput, who: Principal): Promise<ClusterView> {
  const ids = [...new Set(input.members.map((m) => m.hostId))];
  const found = await db().host.count({ where: { id: { in: ids } } });
  if (found !== ids.length) throw new UnknownHostError("A chosen host does not exist any more");
  // A host serves one cluster: a plan for a second one would rename and reconfigure the first one's node.
  const taken = await db().clusterMember.findMany({ where: { hostId: { in: ids } }, select: { host: { select: { name: true } }, cluster: { select: { name: true } } } });
  if (taken.length) throw new DuplicateError("members", taken.map((t) => `${t.host.name} already belongs to cluster ${t.cluster.name}`).join("; "));
  const nodes = input.members.filter((m) => m.role === "rabbitmq");
  // The first disc node seeds the cluster unless one was chosen.
  const seed = nodes.find((m) => m.isSeed) ?? nodes.find((m) => m.nodeType === "disc");
  try {
    const c = await db().cluster.create({
      select: clusterView,
      data: {
        name: input.name,
        members: {
          create: input.members.map((m) => ({
            hostId: m.hostId, role: m.role,
            nodeType: m.role === "rabbitmq" ? m.nodeType : null,
            isSeed: m === seed,
          })),
        },
      },
    });
    await audit(who, "cluster.create", { type: "cluster", id: c.id, name: c.name }, `${c.members.length} members`);
    return c;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new DuplicateError("name", "Another cluster already has this name");
    throw e;
  }
}

export class ClusterSetUpError extends Error {}

/**
 * Replaces the members of a cluster that has not been set up. Once set up,
 * members change through operations (add or remove a node), which change the
 * hosts as well as the inventory.
 */
export async function setMembers(id: string, members: ClusterInput["members"], who: Principal): Promise<ClusterView> {
  const c = await getCluster(id);
  if (!c) throw new UnknownHostError("No such cluster");
  if (await db().run.count({ where: { clusterId: id, type: "setup", status: "succeeded" } }))
    throw new ClusterSetUpError(`${c.name} is set up: its members change through its operations (add or remove a node), which change the hosts too`);
  const ids = [...new Set(members.map((m) => m.hostId))];
  if ((await db().host.count({ where: { id: { in: ids } } })) !== ids.length) throw new UnknownHostError("A chosen host does not exist any more");
  const taken = await db().clusterMember.findMany({ where: { hostId: { in: ids }, NOT: { clusterId: id } }, select: { host: { select: { name: true } }, cluster: { select: { name: true } } } });
  if (taken.length) throw new DuplicateError("members", taken.map((t) => `${t.host.name} already belongs to cluster ${t.cluster.name}`).join("; "));
  const nodes = members.filter((m) => m.role === "rabbitmq");
  const seed = nodes.find((m) => m.isSeed) ?? nodes.find((m) => m.nodeType === "disc");
  await db().$transaction([
    db().clusterMember.deleteMany({ where: { clusterId: id } }),
    ...members.map((m) => db().clusterMember.create({ data: { clusterId: id, hostId: m.hostId, role: m.role, nodeType: m.role === "rabbitmq" ? m.nodeType : null, isSeed: m === seed } })),
  ]);
  const after = (await getCluster(id))!;
  const describe = (v: ClusterView) => v.members.map((m) => `${m.host.name}:${m.role === "loadbalancer" ? "lb" : m.nodeType}${m.isSeed ? "*" : ""}`).sort().join(" ");
  await audit(who, "cluster.members", { type: "cluster", id, name: c.name }, `${describe(c) || "(none)"} → ${describe(after) || "(none)"}`);
  return after;
}

type Tx = Pick<ReturnType<typeof db>, "clusterMember" | "host">;

/** An operation's inventory change (MembershipChange), inside the transaction that starts its run. */
export async function applyMembership(tx: Tx, clusterId: string, changes: MembershipChange[]): Promise<void> {
  const hostId = async (name: string) => {
    const h = await tx.host.findUnique({ where: { name }, select: { id: true } });
    if (!h) throw new UnknownHostError(`There is no host ${name} in the inventory`);
    return h.id;
  };
  for (const ch of changes) {
    const id = await hostId(ch.host);
    if (ch.op === "add") {
      const other = await tx.clusterMember.findFirst({ where: { hostId: id, NOT: { clusterId } }, select: { cluster: { select: { name: true } } } });
      if (other) throw new DuplicateError("host", `${ch.host} already belongs to cluster ${other.cluster.name}`);
      await tx.clusterMember.create({ data: { clusterId, hostId: id, role: ch.role, nodeType: ch.role === "rabbitmq" ? ch.nodeType ?? "disc" : null, isSeed: false } });
    } else if (ch.op === "remove") {
      const m = await tx.clusterMember.findFirst({ where: { clusterId, hostId: id, role: ch.role } });
      if (!m) continue;
      await tx.clusterMember.delete({ where: { id: m.id } });
      if (m.isSeed) {
        const next = await tx.clusterMember.findFirst({ where: { clusterId, role: "rabbitmq", nodeType: "disc" }, orderBy: { host: { name: "asc" } } });
        if (next) await tx.clusterMember.update({ where: { id: next.id }, data: { isSeed: true } });
      }
    } else {
      await tx.clusterMember.updateMany({ where: { clusterId, hostId: id, role: "rabbitmq" }, data: { nodeType: ch.nodeType } });
    }
  }
}

export async function deleteCluster(id: string, who: Principal): Promise<ClusterView | null> {
  const c = await getCluster(id);
  if (!c) return null;
  await db().cluster.delete({ where: { id } });
  await audit(who, "cluster.delete", { type: "cluster", id: c.id, name: c.name }, "inventory only; hosts untouched");
  return c;
}

/** What planners see of a cluster: members in a stable order (seed first), never secrets. */
export async function clusterInventory(id: string): Promise<ClusterInventory | null> {
  const c = await db().cluster.findUnique({ where: { id }, include: { members: { include: { host: true } } } });
  if (!c) return null;
  const nodes = c.members
    .filter((m) => m.role === "rabbitmq")
    .map((m) => ({ name: m.host.name, address: m.host.address, type: m.nodeType ?? NodeType.disc, seed: m.isSeed, platform: m.host.platform }))
    .sort((a, b) => Number(b.seed) - Number(a.seed) || a.name.localeCompare(b.name));
  const loadBalancers = c.members.filter((m) => m.role === "loadbalancer").map((m) => ({ name: m.host.name, address: m.host.address, platform: m.host.platform })).sort((a, b) => a.name.localeCompare(b.name));
  const power = env().WARREN_POWER_COMMAND?.trim().split(/\s+/).filter(Boolean);
  const freeHosts = (await db().host.findMany({ where: { memberships: { none: {} } }, select: { name: true, address: true, platform: true }, orderBy: { name: "asc" } }));
  const spec = (await currentSpec(id))?.spec ?? null;
  return { id: c.id, name: c.name, nodes, loadBalancers, spec, power: power?.length ? power : null, freeHosts };
}

/** Hosts of the cluster that need sudo (for scripts). */
export async function sudoHostNames(id: string): Promise<string[]> {
  const ms = await db().clusterMember.findMany({ where: { clusterId: id, host: { useSudo: true, username: { not: "root" } } }, select: { host: { select: { name: true } } } });
  return [...new Set(ms.map((m) => m.host.name))];
}
