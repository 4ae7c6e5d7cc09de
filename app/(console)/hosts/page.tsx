import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listHosts } from "@/lib/inventory/hosts";
import { Badge, Card } from "@/components/ui";
import { AddHostForm } from "@/components/hosts/add-host-form";
import { DeleteHostButton } from "@/components/hosts/delete-host-button";

export default async function HostsPage() {
  const me = await requirePageUser();
  const canEdit = roleAllows(me.role, "operator");
  const hosts = await listHosts();
  return (
    <div className="flex flex-col gap-6">
      <Card title={`Hosts (${hosts.length})`}>
        {hosts.length === 0 ? (
          <p className="text-sm text-slate-600">No hosts yet.{canEdit ? " Add one below." : ""}</p>
        ) : (
          <table className="w-full text-left text-sm">
            <thead className="text-slate-500"><tr><th className="py-1">Name</th><th>Address</th><th>User</th><th>Auth</th><th>Host key</th><th /></tr></thead>
            <tbody>
              {hosts.map((h) => (
                <tr key={h.id} className="border-t border-slate-100" data-testid={`host-row-${h.name}`}>
                  <td className="py-2"><Link className="font-medium text-orange-700 underline" href={`/hosts/${h.id}`}>{h.name}</Link></td>
                  <td className="mono">{h.address}:{h.port}</td>
                  <td>{h.username}{h.useSudo && <> <Badge>sudo</Badge></>}</td>
                  <td>{h.authType === "key" ? "private key" : "password"}</td>
                  <td>{h.hostKeyPending ? <Badge tone="red">changed!</Badge> : h.hostKeyFingerprint ? <Badge tone="green">pinned</Badge> : <Badge>not yet seen</Badge>}</td>
                  <td className="text-right">{canEdit && <DeleteHostButton id={h.id} name={h.name} />}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
      {canEdit && <Card title="Add a host"><AddHostForm /></Card>}
    </div>
  );
}
