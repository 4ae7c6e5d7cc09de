import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { getCluster } from "@/lib/inventory/clusters";
import { listRuns, operationCatalog } from "@/lib/ops/service";
import { Badge, Card } from "@/components/ui";
import { DeleteClusterButton } from "@/components/clusters/delete-cluster-button";
import { SetupWizard } from "@/components/ops/setup-wizard";
import { ClusterActions } from "@/components/ops/cluster-actions";
import type { CatalogEntry } from "@/components/ops/operation-form";
import { RunList } from "@/components/ops/run-list";

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const c = await getCluster(id);
  if (!c) notFound();
  const runs = await listRuns({ clusterId: id }, 20);
  const nodes = c.members.filter((m) => m.role === "rabbitmq");
  const lastSetup = runs.find((r) => r.type === "setup");
  const canOperate = roleAllows(me.role, "operator");
  const forms = operationCatalog(me.role).filter((o) => o.ui === "form");
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Cluster <span className="mono">{c.name}</span></span>} actions={canOperate && <DeleteClusterButton id={c.id} name={c.name} />}>
        <div className="overflow-x-auto">
          <table className="w-full text-left text-sm" aria-label="Members">
            <thead className="text-muted"><tr><th>Host</th><th>Address</th><th>Role</th></tr></thead>
            <tbody>
              {c.members.map((m) => (
                <tr key={m.id} className="border-t border-line">
                  <td className="py-1">{m.host.name} {m.isSeed && <Badge tone="blue">seed</Badge>}</td>
                  <td className="mono">{m.host.address}</td>
                  <td>{m.role === "loadbalancer" ? "load balancer" : <>RabbitMQ <Badge tone={m.nodeType === "disc" ? "green" : "amber"}>{m.nodeType}</Badge></>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {lastSetup && <p className="mt-2 text-sm">Last setup: <Link className="text-accent underline" href={`/runs/${lastSetup.id}`}>{lastSetup.status}</Link></p>}
      </Card>
      {canOperate && nodes.length > 0 && (
        <Card title="Set up RabbitMQ on these hosts">
          <SetupWizard clusterId={c.id} defaultName={c.name} nodeCount={nodes.length} />
        </Card>
      )}
      {canOperate && nodes.length > 0 && forms.length > 0 && (
        <Card title="Actions">
          <ClusterActions clusterId={c.id} operations={forms as CatalogEntry[]} nodes={nodes.map((n) => n.host.name)} />
        </Card>
      )}
      <Card title="Operations">
        <RunList runs={runs} showCluster={false} />
      </Card>
    </div>
  );
}
