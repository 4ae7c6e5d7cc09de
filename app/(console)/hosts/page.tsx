import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listHostsWithRoles } from "@/lib/inventory/hosts";
import { collector } from "@/lib/health/collector";
import { Badge, Card, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { AddHostForm } from "@/components/hosts/add-host-form";
import { DeleteHostButton } from "@/components/hosts/delete-host-button";

export default async function HostsPage() {
  const me = await requirePageUser();
  const canEdit = roleAllows(me.role, "operator");
  const hosts = await listHostsWithRoles();
  const live = collector().hostStates();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`Hosts (${hosts.length})`}>
        {hosts.length === 0 ? (
          <p className="text-sm text-muted">No hosts yet.{canEdit ? " Add the machines Warren should manage below: it needs SSH as root or a user with passwordless sudo." : ""}</p>
        ) : (
          <div className="overflow-x-auto" {...scrollable("Hosts table")}>
            <table className="w-full text-left text-sm" aria-label="Hosts">
              <thead className="text-muted"><tr><th className="py-1 font-normal">Name</th><th className="font-normal">Address</th><th className="font-normal">Cluster and role</th><th className="font-normal">Reachable</th><th className="font-normal">Host key</th><th /></tr></thead>
              <tbody>
                {hosts.map((h) => {
                  const w = live[h.name];
                  return (
                    <tr key={h.id} className="border-t border-line align-top" data-testid={`host-row-${h.name}`}>
                      <td className="py-2"><Link className="font-medium text-accent underline" href={`/hosts/${h.id}`}>{h.name}</Link></td>
                      <td className="mono whitespace-nowrap">{h.username}@{h.address}{h.port !== 22 && `:${h.port}`}{h.useSudo && <> <Badge>sudo</Badge></>}</td>
                      <td>{h.roles.length === 0 ? <span className="text-muted">free</span> : h.roles.map((r) => (
                        <div key={`${r.cluster.id}-${r.role}`} className="flex flex-wrap items-center gap-1">
                          <Link className="text-accent underline" href={`/clusters/${r.cluster.id}`}>{r.cluster.name}</Link>
                          <Badge tone={r.role === "loadbalancer" ? "blue" : r.nodeType === "disc" ? "green" : "amber"}>{r.role === "loadbalancer" ? "load balancer" : r.nodeType}</Badge>
                          {r.isSeed && <Badge tone="slate">seed</Badge>}
                        </div>
                      ))}</td>
                      <td data-testid={`host-reach-${h.name}`}>
                        {w ? (w.reachable ? <Badge tone="green">yes, watched</Badge> : <><Badge tone="red">no</Badge><div className="text-xs text-muted">last seen {w.lastSeenAt ? <Time date={w.lastSeenAt} /> : "never"}</div></>)
                          : h.lastCheckAt ? <><Badge tone={h.lastCheckOk ? "green" : "red"}>{h.lastCheckOk ? "yes" : "no"}</Badge><div className="text-xs text-muted">tested <Time date={h.lastCheckAt} /></div></>
                          : <span className="text-muted">not tested</span>}
                      </td>
                      <td>{h.hostKeyPending ? <Badge tone={h.hostKeyFingerprint ? "red" : "amber"}>{h.hostKeyFingerprint ? "changed!" : "to compare"}</Badge> : h.hostKeyFingerprint ? <Badge tone="green">pinned</Badge> : <Badge>not yet seen</Badge>}</td>
                      <td className="text-right">{canEdit && h.roles.length === 0 && <DeleteHostButton id={h.id} name={h.name} />}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </Card>
      {canEdit && <Card title="Add a host"><AddHostForm /></Card>}
    </div>
  );
}
