import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { publicError } from "@/lib/errors";
import { clusterInventory, listClusters } from "@/lib/inventory/clusters";
import { migrationReadiness, type ReadinessReport } from "@/lib/migration/service";
import { Card, Forbidden, Notice, Select } from "@/components/ui";
import { MIGRATION_ORDER, ReadinessView } from "@/components/migration/readiness-view";
import { MigrationStart } from "@/components/migration/migration-start";

/**
 * Blue-green migration (issue #27): whether this cluster's clients can move
 * to another cluster behind this cluster's VIP, judged against both clusters'
 * live state (?target=<cluster id>; a plain GET form: the page works, and
 * links, without JavaScript), then the migration's plan and start, and its
 * roll back.
 */
export default async function MigratePage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const inv = await clusterInventory(id);
  if (!inv) notFound();
  if (!roleAllows(me.role, "operator")) return <Forbidden need="operator" />;
  const q = await searchParams;
  const target = typeof q.target === "string" ? q.target : "";
  const others = (await listClusters()).filter((c) => c.id !== id);
  let report: ReadinessReport | null = null, error: string | null = null;
  if (target) {
    try {
      report = await migrationReadiness(id, target);
    } catch (e) {
      error = publicError(e).message;
    }
  }
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Migrate <span className="mono">{inv.name}</span> to a new cluster</span>} actions={<Link className="text-sm text-accent underline" href={`/clusters/${id}`}>Back to the cluster</Link>}>
        <p className="text-sm">
          RabbitMQ 4.x has no classic mirrored queues and no in-place upgrade from 3.12 or older. The way across is a new (&quot;green&quot;) cluster,
          built with the setup wizard on other hosts, that takes this cluster&apos;s definitions, messages and clients — the clients through this
          cluster&apos;s own VIP and port, unchanged.
        </p>
        {!inv.spec?.loadBalancers && <Notice tone="amber" className="mt-3" title="This cluster has no load balancers">Its clients do not connect through a VIP Warren can move: they would have to be reconfigured.</Notice>}
        <form method="get" action={`/clusters/${id}/migrate`} className="mt-3 flex min-w-0 flex-col gap-3 text-sm" aria-label="Target cluster">
          <label className="flex min-w-0 flex-col gap-1"><span className="font-medium">The cluster to migrate to</span>
            <Select name="target" defaultValue={target} required>
              <option value="" disabled>Choose a cluster…</option>
              {others.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
            </Select>
          </label>
          {others.length === 0 && <p className="text-muted">There is no other cluster yet: add its hosts and set it up with the wizard first.</p>}
          <div><button type="submit" className="rounded-md border border-line-strong bg-surface px-3 py-1.5 font-medium shadow-sm hover:bg-surface-2">Check readiness</button></div>
        </form>
        <p className="mt-2 text-xs text-muted">Reads both clusters now over SSH (their definitions, the target&apos;s nodes and queues); changes nothing.</p>
        {error && <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">{error}</p>}
      </Card>
      {report && <Card title="Readiness"><ReadinessView r={report} /></Card>}
      {target && (report || error) && <Card title="Migrate"><MigrationStart clusterId={id} target={target} ready={!!report?.ready} /></Card>}
      <Card title="How the migration runs">
        <ol className="flex list-decimal flex-col gap-1 pl-5 text-sm" aria-label="Migration order">
          {MIGRATION_ORDER.map((s) => <li key={s.step}>{s.step}. <span className="text-muted">Costs the clients: {s.costs}.</span></li>)}
        </ol>
      </Card>
    </div>
  );
}
