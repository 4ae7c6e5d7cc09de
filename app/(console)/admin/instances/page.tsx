import { requirePageUser } from "@/lib/auth/guard";
import { listInstances } from "@/lib/instances/status";
import { Badge, Card, Forbidden, scrollable } from "@/components/ui";
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
        <div className="overflow-x-auto" {...scrollable("Instances table")}>
          <table className="w-full text-left text-sm" aria-label="Instances">
            <thead className="text-muted"><tr><th className="py-1 font-normal">Instance</th><th className="font-normal">State</th><th className="font-normal">Started</th><th className="font-normal">Last renewed</th><th className="font-normal">Holds</th></tr></thead>
            <tbody>{instances.map((i) => (
              <tr key={i.id} className="border-t border-line align-top" data-testid={`instance-${i.id}`}>
                <td className="py-1.5"><span className="mono">{i.name}</span>{i.self && <div className="text-xs text-muted">this page came from it</div>}</td>
                <td>{i.alive ? <Badge tone="green">alive</Badge> : <Badge tone="slate">gone</Badge>}</td>
                <td><Time date={new Date(i.startedAt)} /></td>
                <td><Time date={new Date(i.renewedAt)} /></td>
                <td>{i.holds.length === 0 ? <span className="text-muted">nothing</span> : (
                  <ul className="space-y-0.5">{i.holds.map((h) => <li key={h.name}>{h.label} <span className="text-xs text-muted">(since <Time date={new Date(h.acquiredAt)} />, epoch {h.epoch})</span></li>)}</ul>
                )}</td>
              </tr>
            ))}</tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
