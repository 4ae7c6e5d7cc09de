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
            <table className="w-full text-left text-sm" aria-label="Silences">
              <thead className="text-muted"><tr><th className="py-1 pr-2 font-normal">What</th><th className="pr-2 font-normal">Until</th><th className="pr-2 font-normal">Why</th><th className="pr-2 font-normal">Who</th><th /></tr></thead>
              <tbody>{silences.map((s) => {
                const what = `${s.kind ? KINDS[s.kind as keyof typeof KINDS]?.title ?? s.kind : "every kind"} on ${s.host ?? "every host"} of ${s.cluster}`;
                return (
                  <tr key={s.id} className="border-t border-line align-top" data-testid={`silence-${s.id}`} data-active={s.active}>
                    <td className="py-1.5 pr-2">{what}</td>
                    <td className="pr-2 text-xs"><Time date={s.endsAt} />{s.expiredAt && <div>ended early by {s.expiredBy}</div>}</td>
                    <td className="min-w-40 break-words pr-2">{s.reason}</td>
                    <td className="pr-2">{s.createdBy}</td>
                    <td className="text-right">{s.active ? (canSilence ? <EndSilenceButton id={s.id} what={what} /> : <Badge tone="slate">active</Badge>) : <Badge tone="slate">over</Badge>}</td>
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
