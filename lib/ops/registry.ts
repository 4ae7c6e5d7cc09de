// Every operation Warren can run: one line each. The operations API, the plan
// preview, the cluster page's actions and /api/v1/openapi.json read this table.
import type { z } from "zod";
import type { OperationDef } from "./operation";
import { addNodeOperation } from "./operations/add-node";
import { changeNodeTypeOperation } from "./operations/change-node-type";
import { clusterStartOperation, clusterStopOperation, forceBootOperation } from "./operations/cluster-power";
import { failoverDrillOperation } from "./operations/failover-drill";
import { haproxyUpgradeOperation } from "./operations/haproxy-upgrade";
import { loadBalancersOperation } from "./operations/load-balancers";
import { migrateOperation, rollbackOperation } from "./operations/migrate";
import { removeNodeOperation } from "./operations/remove-node";
import { restartNodeOperation, rollingRestartOperation } from "./operations/restart-node";
import { restoreOperation } from "./operations/restore";
import { rollingUpgradeOperation } from "./operations/rolling-upgrade";
import { rotateManagementPasswordOperation } from "./operations/rotate-management-password";
import { setupOperation } from "./operations/setup";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each operation has its own parameter and fact types
export const OPERATIONS: readonly OperationDef<z.ZodType, any>[] = [
  setupOperation,
  loadBalancersOperation,
  addNodeOperation,
  removeNodeOperation,
  changeNodeTypeOperation,
  restartNodeOperation,
  rollingRestartOperation,
  clusterStopOperation,
  clusterStartOperation,
  forceBootOperation,
  rollingUpgradeOperation,
  haproxyUpgradeOperation,
  failoverDrillOperation,
  rotateManagementPasswordOperation,
  restoreOperation,
  migrateOperation,
  rollbackOperation,
];

export function findOperation(type: string): OperationDef<z.ZodType, unknown> | undefined {
  return OPERATIONS.find((o) => o.type === type);
}

/** A run's title: what this run does, from its parameters where the operation says more than its title. */
export function runTitle(type: string, params: string | undefined): string {
  const def = findOperation(type);
  if (!def) return type;
  if (!def.runTitle || params === undefined) return def.title;
  try {
    const p = def.params.safeParse(JSON.parse(params));
    return p.success ? def.runTitle(p.data) : def.title;
  } catch {
    return def.title;
  }
}
