import { apiRoute, json, readJson } from "@/lib/api/http";
import { previewOperation } from "@/lib/ops/service";

/**
 * The plan of restoring a backup (of this or another cluster) onto this one
 * (operator): {backupId, deleteExtra}. The same as POST /plan with type
 * "restore"; start it with POST /operations.
 */
export const POST = apiRoute("operator", async (req, { id }, who) => json(await previewOperation(id, "restore", await readJson(req), who)));
