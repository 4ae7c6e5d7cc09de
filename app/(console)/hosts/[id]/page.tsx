import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { getHost } from "@/lib/inventory/hosts";
import { Badge, Card } from "@/components/ui";
import { TestConnection } from "@/components/hosts/test-connection";
import { AcceptHostKey } from "@/components/hosts/accept-host-key";
import { DeleteHostButton } from "@/components/hosts/delete-host-button";

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const h = await getHost(id);
  if (!h) notFound();
  return (
    <div className="flex flex-col gap-4">
      <Card title={<span>Host <span className="mono">{h.name}</span></span>} actions={roleAllows(me.role, "operator") && <DeleteHostButton id={h.id} name={h.name} />}>
        <dl className="grid grid-cols-[10rem_1fr] gap-y-1 text-sm">
          <dt className="text-slate-500">Address</dt><dd className="mono">{h.address}:{h.port}</dd>
          <dt className="text-slate-500">User</dt><dd>{h.username} {h.useSudo && <Badge>sudo</Badge>}</dd>
          <dt className="text-slate-500">Authentication</dt><dd>{h.authType === "key" ? "private key (stored encrypted)" : "password (stored encrypted)"}</dd>
          <dt className="text-slate-500">Pinned host key</dt><dd className="mono">{h.hostKeyFingerprint ?? "not yet seen: pinned on first connection"}</dd>
          {h.hostKeyPinnedAt && <><dt className="text-slate-500">Pinned at</dt><dd>{h.hostKeyPinnedAt.toISOString()}</dd></>}
        </dl>
      </Card>
      {h.hostKeyPending && (
        <Card title="Host key changed" className="border-red-300">
          <p className="text-sm">The host presented a different key than the pinned one. Warren refuses to connect until an admin accepts the new key.</p>
          <p className="mono mt-2 text-xs">pinned: {h.hostKeyFingerprint}<br />offered: {h.hostKeyPending}</p>
          {me.role === "admin" ? <AcceptHostKey id={h.id} fingerprint={h.hostKeyPending} /> : <p className="mt-2 text-sm text-slate-600">Ask an admin to review it.</p>}
        </Card>
      )}
      {roleAllows(me.role, "operator") && <Card title="Connection"><TestConnection id={h.id} /></Card>}
    </div>
  );
}
