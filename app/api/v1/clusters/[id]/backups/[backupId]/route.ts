import { apiRoute, json } from "@/lib/api/http";
import { backupInfo } from "@/lib/backups/service";

/** One backup's facts (viewer): counts per kind, size, version, SHA-256, who and why; never the document. */
export const GET = apiRoute("viewer", async (_r, { id, backupId }) => json({ backup: await backupInfo(id, backupId) }));
