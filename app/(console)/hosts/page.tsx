import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listHostsWithRoles } from "@/lib/inventory/hosts";
import { liveHostStates } from "@/lib/health/live";
import { Badge, Card, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { AddHostForm } from "@/components/hosts/add-host-form";
import { DeleteHostButton } from "@/components/hosts/delete-host-button";

export default async function HostsPage() {
  const me = await requirePageUser();
  const canEdit = roleAllows(me.role, "operator");
  const hosts = await listHostsWithRoles();
  const live = await liveHostStates();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`Hosts (${hosts.length})`}>
        {hosts.length === 0 ? (
          <p className="text-sm text-muted">No hosts yet.{canEdit ? " Add the machines Warren should manage below: it needs SSH as root or a user with passwordless sudo." : ""}</p>
        ) : (
          <div className="overflow-x-auto" {...scrollable("Hosts table")}>
            {/* A table on wide screens; on a phone each host is a block of lines (name and Delete, address, cluster, reachability, key), so nothing runs together or off the edge. Explicit roles keep it a table to assistive technology whatever the display. */}
            <table role="table" className="w-full text-left text-sm max-sm:block" aria-label="Hosts">
              <thead role="rowgroup" className="text-muted max-sm:sr-only"><tr role="row"><th role="columnheader" className="py-1 pr-3 font-normal">Name</th><th role="columnheader" className="pr-3 font-normal">Address</th><th role="columnheader" className="pr-3 font-normal">Cluster and role</th><th role="columnheader" className="pr-3 font-normal">Reachable</th><th role="columnheader" className="pr-3 font-normal">Host key</th><th role="columnheader"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody role="rowgroup" className="max-sm:block">
                {hosts.map((h) => {
                  const w = live[h.name];
                  return (
                    <tr role="row" key={h.id} className="border-t border-line align-top max-sm:grid max-sm:grid-cols-[minmax(0,1fr)_auto] max-sm:gap-x-3 max-sm:gap-y-1 max-sm:py-2" data-testid={`host-row-${h.name}`}>
                      <td role="cell" className="py-2 pr-3 max-sm:py-0"><Link className="font-medium text-accent underline" href={`/hosts/${h.id}`}>{h.name}</Link></td>
                      <td role="cell" className="mono py-2 pr-3 sm:whitespace-nowrap max-sm:col-span-2 max-sm:row-start-2 max-sm:break-all max-sm:py-0">{h.username}@{h.address}{h.port !== 22 && `:${h.port}`}{h.useSudo && <> <Badge>sudo</Badge></>}</td>
                      <td role="cell" className="py-2 pr-3 max-sm:col-span-2 max-sm:py-0">{h.roles.length === 0 ? <span className="text-muted">free</span> : h.roles.map((r) => (
                        <div key={`${r.cluster.id}-${r.role}`} className="flex flex-wrap items-center gap-1">
                          <Link className="text-accent underline" href={`/clusters/${r.cluster.id}`}>{r.cluster.name}</Link>
                          <Badge tone={r.role === "loadbalancer" ? "blue" : r.nodeType === "disc" ? "green" : "amber"}>{r.role === "loadbalancer" ? "load balancer" : r.nodeType}</Badge>
                          {r.isSeed && <Badge tone="slate">seed</Badge>}
                        </div>
                      ))}</td>
                      <td role="cell" className="py-2 pr-3 max-sm:col-span-2 max-sm:py-0" data-testid={`host-reach-${h.name}`}>
                        <span className="mr-1 text-muted sm:hidden">Reachable:</span>
                        {w ? (w.reachable ? <Badge tone="green">yes, watched</Badge> : <><Badge tone="red">no</Badge><div className="text-xs text-muted max-sm:inline max-sm:ml-1">last seen {w.lastSeenAt ? <Time date={w.lastSeenAt} /> : "never"}</div></>)
                          : h.lastCheckAt ? <><Badge tone={h.lastCheckOk ? "green" : "red"}>{h.lastCheckOk ? "yes" : "no"}</Badge><div className="text-xs text-muted max-sm:inline max-sm:ml-1">tested <Time date={h.lastCheckAt} /></div></>
                          : <span className="text-muted">not tested</span>}
                      </td>
                      <td role="cell" className="py-2 pr-3 max-sm:col-span-2 max-sm:py-0"><span className="mr-1 text-muted sm:hidden">Host key:</span>{h.hostKeyPending ? <Badge tone={h.hostKeyFingerprint ? "red" : "amber"}>{h.hostKeyFingerprint ? "changed!" : "to compare"}</Badge> : h.hostKeyFingerprint ? <Badge tone="green">pinned</Badge> : <Badge>not yet seen</Badge>}</td>
                      <td role="cell" className="py-2 text-right max-sm:col-start-2 max-sm:row-start-1 max-sm:py-0">{canEdit && h.roles.length === 0 && <DeleteHostButton id={h.id} name={h.name} />}</td>
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
