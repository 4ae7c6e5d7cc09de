import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { hostPublicSelect, DuplicateError } from "./hosts";
import type { ClusterInput } from "./schemas";

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

export async function createCluster(input: ClusterInput): Promise<ClusterView> {
  const ids = [...new Set(input.members.map((m) => m.hostId))];
  const found = await db().host.count({ where: { id: { in: ids } } });
  if (found !== ids.length) throw new UnknownHostError("A chosen host does not exist any more");
  const nodes = input.members.filter((m) => m.role === "rabbitmq");
  // The first disc node seeds the cluster unless one was chosen.
  const seed = nodes.find((m) => m.isSeed) ?? nodes.find((m) => m.nodeType === "disc");
  try {
    return await db().cluster.create({
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
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new DuplicateError("name", "Another cluster already has this name");
    throw e;
  }
}

export async function deleteCluster(id: string): Promise<ClusterView | null> {
  const c = await getCluster(id);
  if (!c) return null;
  await db().cluster.delete({ where: { id } });
  return c;
}
