import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { previewOperation } from "@/lib/ops/operations";

const Body = z.object({ type: z.string(), params: z.unknown() });

/** The plan an operation would run, as data and as a shell script; nothing is executed. */
export const POST = apiRoute("operator", async (req, { id }) => {
  const b = Body.parse(await readJson(req));
  return json(await previewOperation(id, b.type, b.params));
});
