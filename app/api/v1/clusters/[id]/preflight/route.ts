import { z } from "zod";
import { apiRoute, json, readJson } from "@/lib/api/http";
import { runPreflight } from "@/lib/ops/preflight";

const Body = z.strictObject({ params: z.unknown() });

/** Read-only checks of every node before setup: a table of findings, each failure with its cause and fix. */
export const POST = apiRoute("operator", async (req, { id }, who) => json(await runPreflight(id, Body.parse(await readJson(req)).params, who)));
