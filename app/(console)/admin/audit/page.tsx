import Link from "next/link";
import { listAudit, auditFacets } from "@/lib/audit";
import { requirePageUser } from "@/lib/auth/guard";
import { Button, Card, Forbidden, Input, Select, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";

const LIMIT = 200;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const sp = await searchParams;
  const one = (k: string) => (typeof sp[k] === "string" ? (sp[k] as string).slice(0, 64) : "");
  const f = { action: one("action"), actor: one("actor"), target: one("target") };
  const [rows, facets] = await Promise.all([listAudit({ action: f.action || undefined, actor: f.actor || undefined, target: f.target || undefined, take: LIMIT }), auditFacets()]);
  const filtered = !!(f.action || f.actor || f.target);
  return (
    <Card title={`Audit log${filtered ? " (filtered)" : ""}`}>
      <form method="get" className="mb-3 flex flex-wrap items-end gap-2" aria-label="Filter the audit log">
        <label className="flex flex-col gap-1 text-sm"><span className="font-medium">What</span>
          <Select name="action" defaultValue={f.action} className="w-auto">
            <option value="">any action</option>
            {facets.groups.map((g) => <option key={g} value={`${g}.`}>{g}.*</option>)}
            {facets.actions.map((a) => <option key={a} value={a}>{a}</option>)}
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm"><span className="font-medium">Who</span>
          <Select name="actor" defaultValue={f.actor} className="w-auto">
            <option value="">anyone</option>
            {facets.actors.map((a) => <option key={a} value={a}>{a}</option>)}
          </Select>
        </label>
        <label className="flex flex-col gap-1 text-sm"><span className="font-medium">Target contains</span><Input name="target" defaultValue={f.target} maxLength={64} className="w-40" /></label>
        <Button variant="secondary" size="sm">Filter</Button>
        {filtered && <Link className="text-sm text-accent underline" href="/admin/audit">Clear</Link>}
      </form>
      {rows.length === 0 ? <p className="text-sm text-muted">No entries{filtered ? " match these filters" : " yet"}.</p> : (
        <div className="overflow-x-auto" {...scrollable("Audit log table")}>
          <table className="w-full text-left text-sm" aria-label="Audit entries">
            <thead className="text-muted"><tr><th className="py-1 font-normal">When</th><th className="font-normal">Who</th><th className="font-normal">What</th><th className="font-normal">Target</th><th className="font-normal">Detail</th></tr></thead>
            <tbody>{rows.map((r) => (
              <tr key={r.id} className="border-t border-line align-top">
                <td className="py-1 text-xs"><Time date={r.at} /></td>
                <td className="break-words">{r.actor}</td>
                <td className="mono text-xs">{r.action}</td>
                <td className="break-words">{r.targetType ? <><span className="text-muted">{r.targetType}</span> {r.targetId ?? ""}</> : ""}</td>
                <td className="break-words text-muted">{r.detail}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      )}
      <p className="mt-2 text-xs text-muted">Newest first, at most {LIMIT}. The same entries through the API: <code className="mono">GET /api/v1/audit?action=…&amp;actor=…</code>.</p>
    </Card>
  );
}
