import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { previewOperation } from "@/lib/ops/service";

const Body = z.strictObject({ type: z.string(), params: z.unknown() });

/** The plan an operation would run, each step marked by what the hosts show now; nothing is executed. */
export const POST = apiRoute("operator", async (req, { id }, who) => {
  const b = Body.parse(await readJson(req));
  return json(await previewOperation(id, b.type, b.params ?? {}, who));
});
