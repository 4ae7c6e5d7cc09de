"use server";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { requireActionRole } from "@/lib/auth/guard";
import { backupLine, backupNow as takeNow, setBackupSchedule } from "@/lib/backups/service";
import { toActionError, type ActionResult } from "./result";
import { IdArg } from "./args";

/** Back up the cluster's definitions now (operator); waits for the read (seconds), as Test connection does. */
export async function backupNow(clusterId: string): Promise<ActionResult<{ backupId?: string }>> {
  try {
    const who = await requireActionRole("operator");
    const b = await takeNow(IdArg.parse(clusterId), who);
    revalidatePath(`/clusters/${b.clusterId}`);
    return { ok: true, message: `Backed up: ${backupLine(b)}`, backupId: b.id };
  } catch (e) {
    return toActionError(e);
  }
}

const limit = z.union([z.literal(""), z.coerce.number()]).transform((v) => (v === "" ? null : v));
const ScheduleForm = z.object({ enabled: z.string().optional(), everyHours: z.coerce.number(), keepCount: limit, keepDays: limit });

/** The schedule form (operator): an empty limit is no limit. */
export async function saveBackupSchedule(clusterId: string, _prev: ActionResult | null, form: FormData): Promise<ActionResult> {
  try {
    const who = await requireActionRole("operator");
    const id = IdArg.parse(clusterId);
    const f = ScheduleForm.parse(Object.fromEntries(form));
    await setBackupSchedule(id, { enabled: f.enabled === "on", everyHours: f.everyHours, keepCount: f.keepCount, keepDays: f.keepDays }, who);
    revalidatePath(`/clusters/${id}`);
    return { ok: true, message: "Schedule saved" };
  } catch (e) {
    return toActionError(e);
  }
}
