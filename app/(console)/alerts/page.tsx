import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listClusters } from "@/lib/inventory/clusters";
import { listIncidents, listSilences } from "@/lib/alerts/service";
import { ALERT_KINDS, KINDS } from "@/lib/alerts/kinds";
import { Badge, Card, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { IncidentTable } from "@/components/alerts/incident-table";
import { AutoRefresh } from "@/components/alerts/auto-refresh";
import { EndSilenceButton, SilenceForm } from "@/components/alerts/silences";

export default async function AlertsPage() {
  const me = await requirePageUser();
  const canSilence = roleAllows(me.role, "operator");
  const [open, history, silences, clusters] = await Promise.all([listIncidents({ state: "open" }), listIncidents({ state: "resolved", take: 50 }), listSilences({ take: 50 }), listClusters()]);
  const firing = open.filter((i) => i.status === "firing").length;
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <AutoRefresh seconds={3} />
      <Card title={`Open incidents (${open.length})`} id="open-incidents"
        actions={<span className="flex flex-wrap items-center gap-3 text-sm">{firing > 0 && <Badge tone="red">{firing} paging</Badge>}<Link className="text-accent underline" href="/alerts/channels">Channels and routes</Link></span>}>
        <p className="mb-2 text-sm text-muted">One incident per cluster and kind while its condition lasts. <b>Held</b>: Warren itself took that host down (an operation&apos;s step), so nobody is paged; <b>silenced</b>: recorded, not sent.</p>
        <IncidentTable incidents={open} label="Open incidents" empty="Nothing is wrong right now." />
      </Card>
      <Card title="Silences" id="silences">
        {silences.length === 0 ? <p className="text-sm text-muted">No silences.</p> : (
          <div className="overflow-x-auto" {...scrollable("Silences table")}>
            <table role="table" className="w-full text-left text-sm max-sm:block" aria-label="Silences">
              <thead role="rowgroup" className="text-muted max-sm:sr-only"><tr role="row"><th role="columnheader" className="py-1 pr-2 font-normal">What</th><th role="columnheader" className="pr-2 font-normal">Until</th><th role="columnheader" className="pr-2 font-normal">Why</th><th role="columnheader" className="pr-2 font-normal">Who</th><th role="columnheader"><span className="sr-only">Actions</span></th></tr></thead>
              <tbody role="rowgroup" className="max-sm:block">{silences.map((s) => {
                const what = `${s.kind ? KINDS[s.kind as keyof typeof KINDS]?.title ?? s.kind : "every kind"} on ${s.host ?? "every host"} of ${s.cluster}`;
                return (
                  <tr role="row" key={s.id} className="border-t border-line align-top max-sm:flex max-sm:flex-col max-sm:gap-1 max-sm:py-2" data-testid={`silence-${s.id}`} data-active={s.active}>
                    <td role="cell" className="py-1.5 pr-2 max-sm:py-0">{what}</td>
                    <td role="cell" className="pr-2 text-xs"><span className="mr-1 text-muted sm:hidden">Until</span><Time date={s.endsAt} />{s.expiredAt && <div>ended early by {s.expiredBy}</div>}</td>
                    <td role="cell" className="break-words pr-2 sm:min-w-40"><span className="mr-1 text-muted sm:hidden">Why:</span>{s.reason}</td>
                    <td role="cell" className="pr-2"><span className="mr-1 text-muted sm:hidden">By</span>{s.createdBy}</td>
                    <td role="cell" className="text-right max-sm:text-left">{s.active ? (canSilence ? <EndSilenceButton id={s.id} what={what} /> : <Badge tone="slate">active</Badge>) : <Badge tone="slate">over</Badge>}</td>
                  </tr>
                );
              })}</tbody>
            </table>
          </div>
        )}
        {canSilence && clusters.length > 0 && (
          <div className="mt-4 border-t border-line pt-3">
            <h3 className="mb-2 text-sm font-semibold">New silence</h3>
            <SilenceForm clusters={clusters.map((c) => ({ id: c.id, name: c.name, hosts: c.members.map((m) => m.host.name) }))} kinds={ALERT_KINDS.filter((k) => k !== "other").map((k) => ({ kind: k, title: KINDS[k].title }))} />
          </div>
        )}
      </Card>
      <Card title="History" id="history">
        <IncidentTable incidents={history} label="Resolved incidents" empty="No incident has ended yet." />
      </Card>
    </div>
  );
}
