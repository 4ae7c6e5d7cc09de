import { z } from "zod";
import { apiRoute, json, notFound, readJson } from "@/lib/api/http";
import { getCluster } from "@/lib/inventory/clusters";
import { listRuns, startOperation } from "@/lib/ops/service";

const Body = z.strictObject({ type: z.string(), params: z.unknown(), confirmDestructive: z.boolean().default(false), planToken: z.string().max(64).optional() });

export const GET = apiRoute("viewer", async (_r, { id }) => {
  if (!(await getCluster(id))) return notFound("cluster");
  return json({ runs: await listRuns({ clusterId: id }) });
});

export const POST = apiRoute("operator", async (req, { id }, who) => {
  const b = Body.parse(await readJson(req));
  return json({ runId: await startOperation(id, b.type, b.params ?? {}, { confirmDestructive: b.confirmDestructive, planToken: b.planToken }, who) }, 202);
});
