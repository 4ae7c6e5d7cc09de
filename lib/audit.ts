import "server-only";
import { db } from "@/lib/db";
import type { Principal } from "@/lib/auth/principal";

/** Who did what to which object. Details must never hold secrets. */
export async function audit(
  who: Principal | string,
  action: string,
  target?: { type: string; id?: string; name?: string },
  detail?: string,
): Promise<void> {
  await db().auditLog.create({
    data: {
      actor: typeof who === "string" ? who : who.username,
      action,
      targetType: target?.type,
      targetId: target?.name ?? target?.id,
      detail,
    },
  });
}

export function listAudit(f: { action?: string; actor?: string; take?: number } = {}) {
  return db().auditLog.findMany({
    where: { ...(f.action ? { action: { startsWith: f.action } } : {}), ...(f.actor ? { actor: f.actor } : {}) },
    orderBy: { at: "desc" }, take: f.take ?? 500,
  });
}
