import { requirePageUser } from "@/lib/auth/guard";
import { listInstances } from "@/lib/instances/status";
import { Badge, Card, Forbidden } from "@/components/ui";
import { Time } from "@/components/ui/time";

export const dynamic = "force-dynamic";

export default async function InstancesPage() {
  const me = await requirePageUser();
  if (me.role !== "admin") return <Forbidden need="admin" />;
  const { database, leaseSeconds, instances } = await listInstances();
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`Warren instances (${instances.filter((i) => i.alive).length} alive)`}>
        <p className="mb-2 text-sm text-muted">
          {database === "postgresql"
            ? <>Every instance on this PostgreSQL database serves every page. Each cluster&apos;s runs and live view belong to the one instance holding its lease; a lease not renewed for {leaseSeconds} s is taken over by another instance, which carries an interrupted run on from its step.</>
            : <>One instance on the embedded SQLite database holds every lease. Several instances need PostgreSQL (<code className="mono">WARREN_DATABASE_URL</code>, see the README).</>}
        </p>
        <ul className="flex flex-col gap-3" aria-label="Instances">
          {instances.map((i) => (
            <li key={i.id} className="min-w-0 rounded-md border border-line p-3" data-testid={`instance-${i.id}`}>
              <div className="flex flex-wrap items-center gap-2">
                <span className="mono font-semibold break-all">{i.name}</span>
                {i.alive ? <Badge tone="green">alive</Badge> : <Badge tone="slate">gone</Badge>}
                {i.self && <span className="text-xs text-muted">this page came from it</span>}
              </div>
              <dl className="mt-2 grid grid-cols-1 gap-x-3 gap-y-1 text-sm sm:grid-cols-[auto_1fr]">
                <dt className="text-muted">Started</dt><dd className="min-w-0"><Time date={new Date(i.startedAt)} /></dd>
                <dt className="text-muted">Last renewed</dt><dd className="min-w-0"><Time date={new Date(i.renewedAt)} /></dd>
                <dt className="text-muted">Holds</dt>
                <dd className="min-w-0">{i.holds.length === 0 ? <span className="text-muted">nothing</span> : (
                  <ul className="space-y-0.5">{i.holds.map((h) => <li key={h.name}>{h.label} <span className="text-xs text-muted">(since <Time date={new Date(h.acquiredAt)} relative={false} />, epoch {h.epoch})</span></li>)}</ul>
                )}</dd>
              </dl>
            </li>
          ))}
        </ul>
      </Card>
    </div>
  );
}
