import { apiRoute, json, notFound } from "@/lib/api/http";
import { getRun } from "@/lib/ops/service";

export const GET = apiRoute("viewer", async (_r, { id }) => {
  const run = await getRun(id);
  return run ? json({ run }) : notFound("run");
});
