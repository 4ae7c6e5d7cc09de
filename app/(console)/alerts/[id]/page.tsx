import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { getIncident } from "@/lib/alerts/service";
import { Card, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { IncidentTable } from "@/components/alerts/incident-table";
import { DeliveryLog } from "@/components/alerts/delivery-log";
import { AutoRefresh } from "@/components/alerts/auto-refresh";
import { IncidentStatus } from "@/components/alerts/badges";

export default async function IncidentPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser();
  const { id } = await params;
  const i = await getIncident(id);
  if (!i) notFound();
  return (
    <div className="flex min-w-0 flex-col gap-4">
      {!i.resolvedAt && <AutoRefresh seconds={3} />}
      <Card title={i.title} actions={<Link className="text-sm text-accent underline" href="/alerts">All incidents</Link>}>
        <p className="mb-3 text-sm">On <Link className="text-accent underline" href={`/clusters/${i.clusterId}`}>{i.cluster}</Link> since <Time date={i.openedAt} />{i.firedAt ? <>; paged <Time date={i.firedAt} relative={false} /></> : "; has paged no one"}.</p>
        <IncidentTable incidents={[i]} label="This incident" empty="" showCluster={false} />
      </Card>
      <Card title="Transitions">
        <div className="overflow-x-auto" {...scrollable("Transitions table")}>
          <table role="table" className="w-full text-left text-sm max-sm:block" aria-label="Transitions">
            <thead role="rowgroup" className="text-muted max-sm:sr-only"><tr role="row"><th role="columnheader" className="py-1 pr-2 font-normal">#</th><th role="columnheader" className="pr-2 font-normal">When</th><th role="columnheader" className="pr-2 font-normal">What</th><th role="columnheader" className="pr-2 font-normal">State</th><th role="columnheader" className="font-normal">Summary</th></tr></thead>
            <tbody role="rowgroup" className="max-sm:block">{i.transitions.map((t) => (
              <tr role="row" key={t.seq} className="border-t border-line align-top max-sm:flex max-sm:flex-wrap max-sm:gap-x-2 max-sm:gap-y-1 max-sm:py-2" data-testid={`transition-${t.seq}`} data-type={t.type}>
                <td role="cell" className="py-1.5 pr-2 max-sm:py-0">{t.seq}</td>
                <td role="cell" className="pr-2 text-xs"><Time date={t.at} relative={false} /></td>
                <td role="cell" className="pr-2 font-medium">{t.type}</td>
                <td role="cell" className="pr-2"><IncidentStatus status={t.status} severity={t.severity} /></td>
                <td role="cell" className="break-words sm:min-w-56 max-sm:w-full">{t.summary}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Card>
      <Card title="Notifications">
        <DeliveryLog deliveries={i.deliveries} label="Notifications of this incident" showChannel empty="No notification: no route matched, or it was held or silenced throughout." />
      </Card>
    </div>
  );
}
