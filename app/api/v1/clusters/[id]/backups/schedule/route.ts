import { apiRoute, json, readJson } from "@/lib/api/http";
import { backupSchedule, setBackupSchedule } from "@/lib/backups/service";

/** When the cluster is backed up on its own and how long backups are kept (viewer), with the next one due and the last failure. */
export const GET = apiRoute("viewer", async (_r, { id }) => json(await backupSchedule(id)));

/** Change the schedule and retention (operator): {enabled, everyHours, keepCount, keepDays}; retention applies at once. */
export const PUT = apiRoute("operator", async (req, { id }, who) => json(await setBackupSchedule(id, await readJson(req), who)));
