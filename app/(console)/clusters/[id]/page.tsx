import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { db } from "@/lib/db";
import { getCluster } from "@/lib/inventory/clusters";
import { Badge, Card } from "@/components/ui";
import { DeleteClusterButton } from "@/components/clusters/delete-cluster-button";
import { SetupWizard } from "@/components/ops/setup-wizard";

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const c = await getCluster(id);
  if (!c) notFound();
  const runs = await db().run.findMany({ where: { clusterId: id }, orderBy: { createdAt: "desc" }, take: 20, select: { id: true, type: true, status: true, createdBy: true, createdAt: true } });
  const nodes = c.members.filter((m) => m.role === "rabbitmq");
  const lastSetup = runs.find((r) => r.type === "setup");
  return (
    <div className="flex flex-col gap-4">
      <Card title={<span>Cluster <span className="mono">{c.name}</span></span>} actions={roleAllows(me.role, "operator") && <DeleteClusterButton id={c.id} name={c.name} />}>
        <table className="w-full text-left text-sm" aria-label="Members">
          <thead className="text-slate-500"><tr><th>Host</th><th>Address</th><th>Role</th></tr></thead>
          <tbody>
            {c.members.map((m) => (
              <tr key={m.id} className="border-t border-slate-100">
                <td className="py-1">{m.host.name} {m.isSeed && <Badge tone="blue">seed</Badge>}</td>
                <td className="mono">{m.host.address}</td>
                <td>{m.role === "loadbalancer" ? "load balancer" : <>RabbitMQ <Badge tone={m.nodeType === "disc" ? "green" : "amber"}>{m.nodeType}</Badge></>}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {lastSetup && <p className="mt-2 text-sm">Last setup: <Link className="text-orange-700 underline" href={`/runs/${lastSetup.id}`}>{lastSetup.status}</Link></p>}
      </Card>
      {roleAllows(me.role, "operator") && nodes.length > 0 && (
        <Card title="Set up RabbitMQ on these hosts">
          <SetupWizard clusterId={c.id} defaultName={c.name} nodeCount={nodes.length} />
        </Card>
      )}
      <Card title="Operations">
        {runs.length === 0 ? <p className="text-sm text-slate-600">None yet.</p> : (
          <ul className="text-sm">{runs.map((r) => (
            <li key={r.id}><Link className="text-orange-700 underline" href={`/runs/${r.id}`}>{r.type}</Link> <Badge>{r.status}</Badge> <span className="text-slate-500">{r.createdBy}, {r.createdAt.toISOString().replace("T", " ").slice(0, 19)}</span></li>
          ))}</ul>
        )}
      </Card>
    </div>
  );
}
