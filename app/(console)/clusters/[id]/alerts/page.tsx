import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { getCluster } from "@/lib/inventory/clusters";
import { clusterRules, listIncidents } from "@/lib/alerts/service";
import { Card } from "@/components/ui";
import { IncidentTable } from "@/components/alerts/incident-table";
import { RulesForm } from "@/components/alerts/rules-form";

export default async function ClusterAlertsPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const c = await getCluster(id);
  if (!c) notFound();
  const [rules, open] = await Promise.all([clusterRules(id), listIncidents({ state: "open", clusterId: id })]);
  const canEdit = roleAllows(me.role, "operator");
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Alerts of <span className="mono">{c.name}</span></span>} actions={<span className="flex flex-wrap gap-3 text-sm"><Link className="text-accent underline" href={`/clusters/${id}`}>The cluster</Link><Link className="text-accent underline" href="/alerts">All incidents</Link></span>}>
        <IncidentTable incidents={open} label="Open incidents of this cluster" empty="No open incident." showCluster={false} />
      </Card>
      <Card title="Rules">
        <p className="mb-3 text-sm text-muted">Every kind is on by default. A kind fires when its condition has lasted its &quot;for&quot; seconds (0: at once); thresholds apply to current values only. Changes here apply to this cluster{canEdit ? " and are recorded in the audit log" : "; operators change them"}.</p>
        <RulesForm clusterId={id} rules={rules} canEdit={canEdit} />
      </Card>
    </div>
  );
}
