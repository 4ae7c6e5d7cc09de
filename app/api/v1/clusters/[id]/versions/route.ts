import { apiRoute, json } from "@/lib/api/http";
import { clusterVersions } from "@/lib/ops/service";

/** What each host of the cluster runs and what its package source offers (read over SSH, a few seconds). */
export const GET = apiRoute("viewer", async (_r, { id }, who) => json({ hosts: await clusterVersions(id, who) }));
