import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { db } from "@/lib/db";
import { startOperation } from "@/lib/ops/operations";

const Body = z.object({ type: z.string(), params: z.unknown(), confirmDestructive: z.boolean().default(false) });

export const GET = apiRoute("viewer", async (_r, { id }) =>
  json({ runs: await db().run.findMany({ where: { clusterId: id }, orderBy: { createdAt: "desc" }, take: 50, select: { id: true, type: true, status: true, createdBy: true, createdAt: true, finishedAt: true, error: true } }) }));

export const POST = apiRoute("operator", async (req, { id }, who) => {
  const b = Body.parse(await readJson(req));
  return json({ runId: await startOperation(id, b.type, b.params, b.confirmDestructive, who) }, 202);
});
