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
          <table className="w-full text-left text-sm" aria-label="Transitions">
            <thead className="text-muted"><tr><th className="py-1 pr-2 font-normal">#</th><th className="pr-2 font-normal">When</th><th className="pr-2 font-normal">What</th><th className="pr-2 font-normal">State</th><th className="font-normal">Summary</th></tr></thead>
            <tbody>{i.transitions.map((t) => (
              <tr key={t.seq} className="border-t border-line align-top" data-testid={`transition-${t.seq}`} data-type={t.type}>
                <td className="py-1.5 pr-2">{t.seq}</td>
                <td className="pr-2 text-xs"><Time date={t.at} relative={false} /></td>
                <td className="pr-2 font-medium">{t.type}</td>
                <td className="pr-2"><IncidentStatus status={t.status} severity={t.severity} /></td>
                <td className="min-w-56 break-words">{t.summary}</td>
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
