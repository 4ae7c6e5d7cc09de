import "server-only";
import { db } from "@/lib/db";

/** Who acted: a principal, or a name like "system". Structural: lib/auth audits, so the log needs nothing of it. */
export type Actor = { username: string } | string;

const cut = (v: string | undefined, max: number) => (v === undefined || v.length <= max ? v : `${v.slice(0, max - 1)}…`);

/**
 * Who did what to which object. Details must never hold secrets. Every field
 * is bounded here, whatever the caller passes: values can come from requests.
 */
export async function audit(
  who: Actor,
  action: string,
  target?: { type: string; id?: string; name?: string },
  detail?: string,
): Promise<void> {
  await db().auditLog.create({
    data: {
      actor: cut(typeof who === "string" ? who : who.username, 160)!,
      action: cut(action, 64)!,
      targetType: cut(target?.type, 32),
      targetId: cut(target?.name ?? target?.id, 256),
      detail: cut(detail, 2000),
    },
  });
}

export function listAudit(f: { action?: string; actor?: string; target?: string; take?: number } = {}) {
  return db().auditLog.findMany({
    where: { ...(f.action ? { action: { startsWith: f.action } } : {}), ...(f.actor ? { actor: f.actor } : {}), ...(f.target ? { targetId: { contains: f.target } } : {}) },
    orderBy: { at: "desc" }, take: f.take ?? 500,
  });
}

/** The actions and actors seen so far, for the filters. */
export async function auditFacets() {
  const [actions, actors] = await Promise.all([
    db().auditLog.findMany({ distinct: ["action"], select: { action: true }, orderBy: { action: "asc" } }),
    db().auditLog.findMany({ distinct: ["actor"], select: { actor: true }, orderBy: { actor: "asc" }, take: 200 }),
  ]);
  const a = actions.map((x) => x.action);
  return { actions: a, groups: [...new Set(a.filter((x) => x.includes(".")).map((x) => x.split(".")[0]))], actors: actors.map((x) => x.actor) };
}
