import { apiRoute, json } from "@/lib/api/http";
import { backupNow, backupSchedule, clusterBackups } from "@/lib/backups/service";

/** The cluster's backups (viewer): counts per kind, size, version, who and why; never a document. */
export const GET = apiRoute("viewer", async (_r, { id }) => {
  const [backups, { schedule, status }] = await Promise.all([clusterBackups(id), backupSchedule(id)]);
  return json({ backups, schedule, status });
});

/** Back up now (operator): read the definitions from the first node that answers and store them. */
export const POST = apiRoute("operator", async (_r, { id }, who) => json({ backup: await backupNow(id, who) }, 201));
