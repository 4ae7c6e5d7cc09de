import { requirePageUser } from "@/lib/auth/guard";
import { listTokens, tokenWorks } from "@/lib/auth/users";
import { isRole, tokenRole } from "@/lib/auth/roles";
import { Badge, Card, Forbidden, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { AddTokenForm, ForgetTokenButton, RevokeTokenButton } from "@/components/admin/tokens";

export default async function TokensPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const tokens = await listTokens();
  const now = new Date();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`API tokens (${tokens.length})`}>
        <p className="mb-2 text-sm text-muted">Send as <code className="mono">Authorization: Bearer wrn_…</code>. The API is described at <a className="text-accent underline" href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p>
        {tokens.length === 0 ? <p className="text-sm text-muted">No tokens yet. Create one below for scripts and CI.</p> : (
          <div className="overflow-x-auto" {...scrollable("API tokens table")}>
            <table className="w-full text-left text-sm" aria-label="API tokens">
              <thead className="text-muted"><tr><th className="py-1 font-normal">Name</th><th className="font-normal">Token</th><th className="font-normal">Role</th><th className="font-normal">Created</th><th className="font-normal">Expires</th><th className="font-normal">Last used</th><th /></tr></thead>
              <tbody>{tokens.map((t) => {
                const works = tokenWorks(t, now);
                const acts = isRole(t.role) && isRole(t.creator.role) ? tokenRole(t.role, t.creator.role) : null;
                return (
                  <tr key={t.id} className="border-t border-line align-top" data-testid={`token-row-${t.name}`}>
                    <td className="py-1.5">{t.name}</td>
                    <td className="mono whitespace-nowrap">{t.prefix}…</td>
                    <td>{t.role}{acts && acts !== t.role && <div className="text-xs text-muted">acts as {acts}: {t.creator.username} is {t.creator.role} now</div>}</td>
                    <td><Time date={t.createdAt} /><div className="text-xs text-muted">by {t.creator.username}</div></td>
                    <td>{t.expiresAt ? <Time date={t.expiresAt} /> : <span className="text-muted">never</span>}</td>
                    <td>{t.lastUsedAt ? <Time date={t.lastUsedAt} /> : <span className="text-muted">never</span>}</td>
                    <td className="text-right">
                      {works ? <RevokeTokenButton id={t.id} name={t.name} /> : (
                        <span className="inline-flex flex-wrap items-center justify-end gap-2"><Badge tone="red">{t.revokedAt ? "revoked" : "expired"}</Badge><ForgetTokenButton id={t.id} name={t.name} /></span>
                      )}
                    </td>
                  </tr>
                );
              })}</tbody>
            </table>
          </div>
        )}
      </Card>
      <Card title="Create a token"><AddTokenForm /></Card>
    </div>
  );
}
