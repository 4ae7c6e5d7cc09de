import { listAudit } from "@/lib/audit";
import { requirePageUser } from "@/lib/auth/guard";
import { Card, Forbidden } from "@/components/ui";

export default async function AuditPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const rows = await listAudit({ take: 500 });
  return (
    <Card title="Audit log (latest 500)">
      <table className="w-full text-left text-sm">
        <thead className="text-slate-500"><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Target</th><th>Detail</th></tr></thead>
        <tbody>{rows.map((r) => (
          <tr key={r.id} className="border-t border-slate-100">
            <td className="mono py-1 text-xs">{r.at.toISOString().replace("T", " ").slice(0, 19)}</td><td>{r.actor}</td><td>{r.action}</td>
            <td>{r.targetType ? `${r.targetType} ${r.targetId ?? ""}` : ""}</td><td className="text-slate-600">{r.detail}</td>
          </tr>
        ))}</tbody>
      </table>
    </Card>
  );
}
