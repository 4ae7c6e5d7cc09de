import { apiRoute, json } from "@/lib/api/http";
import { listAudit } from "@/lib/audit";

/** The audit log, newest first (admin). ?action= prefix, ?actor=, ?target= (part of the target's name), ?limit= (at most 1000). */
export const GET = apiRoute("admin", async (req) => {
  const q = new URL(req.url).searchParams;
  const rows = await listAudit({ action: q.get("action") ?? undefined, actor: q.get("actor") ?? undefined, target: q.get("target") ?? undefined, take: Math.min(1000, Math.max(1, Number(q.get("limit") ?? 200) || 200)) });
  return json({ entries: rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, targetType: r.targetType, target: r.targetId, detail: r.detail })) });
});
