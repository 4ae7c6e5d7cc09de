// Every operation Warren can run: one line each. The operations API, the plan
// preview, the cluster page's actions and /api/v1/openapi.json read this table.
import type { OperationDef } from "./operation";
import { failoverDrillOperation } from "./operations/failover-drill";
import { loadBalancersOperation } from "./operations/load-balancers";
import { restartNodeOperation } from "./operations/restart-node";
import { rotateManagementPasswordOperation } from "./operations/rotate-management-password";
import { setupOperation } from "./operations/setup";

export const OPERATIONS: readonly OperationDef[] = [
  setupOperation,
  loadBalancersOperation,
  restartNodeOperation,
  failoverDrillOperation,
  rotateManagementPasswordOperation,
];

export function findOperation(type: string): OperationDef | undefined {
  return OPERATIONS.find((o) => o.type === type);
}
