import { requirePageUser } from "@/lib/auth/guard";
import { listTokens } from "@/lib/auth/users";
import { Badge, Card, Forbidden } from "@/components/ui";
import { AddTokenForm, RevokeTokenButton } from "@/components/admin/tokens";

export default async function TokensPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const tokens = await listTokens();
  return (
    <div className="flex flex-col gap-6">
      <Card title="API tokens">
        <p className="mb-2 text-sm text-slate-600">Send as <code>Authorization: Bearer wrn_…</code>. The API is described at <code>/api/v1/openapi.json</code>.</p>
        <table className="w-full text-left text-sm">
          <thead className="text-slate-500"><tr><th>Name</th><th>Token</th><th>Role</th><th>Last used</th><th /></tr></thead>
          <tbody>{tokens.map((t) => (
            <tr key={t.id} className="border-t border-slate-100"><td className="py-1">{t.name}</td><td className="mono">{t.prefix}…</td><td>{t.role}</td>
              <td>{t.lastUsedAt?.toISOString().slice(0, 16) ?? "never"}</td>
              <td className="text-right">{t.revokedAt ? <Badge tone="red">revoked</Badge> : <RevokeTokenButton id={t.id} name={t.name} />}</td></tr>
          ))}</tbody>
        </table>
      </Card>
      <Card title="Create a token"><AddTokenForm /></Card>
    </div>
  );
}
