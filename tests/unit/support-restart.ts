import { restartNodeOperation } from "@/lib/ops/operations/restart-node";
import type { ClusterInventory } from "@/lib/ops/operation";
export const planRestart = (c: ClusterInventory, node: string) => restartNodeOperation.plan(c, { node }, undefined);
