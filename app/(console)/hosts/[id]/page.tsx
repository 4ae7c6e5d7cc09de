import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listHostsWithRoles } from "@/lib/inventory/hosts";
import { platformById } from "@/lib/hosts/platform";
import { Badge, Card, Notice } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { TestConnection } from "@/components/hosts/test-connection";
import { AcceptHostKey } from "@/components/hosts/accept-host-key";
import { DeleteHostButton } from "@/components/hosts/delete-host-button";
import { EditHostForm } from "@/components/hosts/edit-host-form";

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const h = (await listHostsWithRoles()).find((x) => x.id === id);
  if (!h) notFound();
  const canEdit = roleAllows(me.role, "operator");
  const firstKey = h.hostKeyPending && !h.hostKeyFingerprint;
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Host <span className="mono">{h.name}</span></span>} actions={canEdit && h.roles.length === 0 && <DeleteHostButton id={h.id} name={h.name} />}>
        <dl className="grid grid-cols-1 gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
          <dt className="text-muted">Address</dt><dd className="mono break-all">{h.address}:{h.port}</dd>
          <dt className="text-muted">User</dt><dd>{h.username} {h.useSudo && <Badge>sudo</Badge>}</dd>
          <dt className="text-muted">Authentication</dt><dd>{h.authType === "key" ? "private key (stored encrypted)" : "password (stored encrypted)"}</dd>
          <dt className="text-muted">Clusters</dt>
          <dd>{h.roles.length === 0 ? <span className="text-muted">none</span> : h.roles.map((r) => (
            <span key={`${r.cluster.id}-${r.role}`} className="mr-2 inline-flex items-center gap-1"><Link className="text-accent underline" href={`/clusters/${r.cluster.id}`}>{r.cluster.name}</Link>
              <Badge tone={r.role === "loadbalancer" ? "blue" : r.nodeType === "disc" ? "green" : "amber"}>{r.role === "loadbalancer" ? "load balancer" : r.nodeType}</Badge></span>
          ))}</dd>
          <dt className="text-muted">Host key</dt><dd className="mono break-all">{h.hostKeyFingerprint ?? (h.trustFirstKey ? "not yet seen: pinned on first connection" : "not yet confirmed: you compare the first key")}</dd>
          {h.hostKeyPinnedAt && <><dt className="text-muted">Pinned</dt><dd><Time date={h.hostKeyPinnedAt} /></dd></>}
          <dt className="text-muted">Platform</dt>
          <dd data-testid="host-platform">{h.platform ? <><span className="mono">{h.platform}</span>{platformById(h.platform) ? null : <> <Badge tone="red">not supported</Badge></>}</> : <span className="text-muted">not probed yet</span>}</dd>
          <dt className="text-muted">Last test</dt>
          <dd data-testid="last-check">{h.lastCheckAt ? <><Badge tone={h.lastCheckOk ? "green" : "red"}>{h.lastCheckOk ? "reachable" : "failed"}</Badge> <Time date={h.lastCheckAt} /><div className="break-words text-xs text-muted">{h.lastCheckMessage}</div></> : <span className="text-muted">never</span>}</dd>
        </dl>
      </Card>
      {h.hostKeyPending && (firstKey ? (
        <Card title="Compare the host key before Warren trusts it">
          <p className="text-sm">The host presents this key. Compare it with the one on the host itself (for example <code className="mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on its console) before confirming.</p>
          <p className="mono mt-2 break-all text-xs" data-testid="first-key">{h.hostKeyPending}</p>
          {canEdit ? <AcceptHostKey id={h.id} fingerprint={h.hostKeyPending} first /> : <p className="mt-2 text-sm text-muted">An operator or admin confirms it.</p>}
        </Card>
      ) : (
        <Card title="Host key changed">
          <Notice tone="red" title="The host presented a different key than the pinned one">Warren refuses to connect until an admin accepts the new key. Accept it only if you know the host was reinstalled or its keys were replaced.</Notice>
          <p className="mono mt-2 break-all text-xs">pinned: {h.hostKeyFingerprint}<br />offered: {h.hostKeyPending}</p>
          {me.role === "admin" ? <AcceptHostKey id={h.id} fingerprint={h.hostKeyPending} /> : <p className="mt-2 text-sm text-muted">Ask an admin to review it.</p>}
        </Card>
      ))}
      {canEdit && <Card title="Connection"><TestConnection id={h.id} /></Card>}
      {canEdit && <Card title="Edit"><EditHostForm h={{ id: h.id, name: h.name, address: h.address, port: h.port, username: h.username, useSudo: h.useSudo, inCluster: h.roles.length > 0 }} /></Card>}
    </div>
  );
}
