import { apiRoute, json } from "@/lib/api/http";
import { clusterVersions, VERSIONS_ROLE } from "@/lib/ops/service";

/**
 * What each host of the cluster runs and what its package source offers (read
 * over SSH, a few seconds). Operator, as for the action the upgrade forms use:
 * it makes Warren open SSH connections, which a viewer must not be able to cause.
 */
export const GET = apiRoute(VERSIONS_ROLE, async (_r, { id }, who) => json({ hosts: await clusterVersions(id, who) }));
