import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { getCluster } from "@/lib/inventory/clusters";
import { Badge, Card } from "@/components/ui";
import { DeleteClusterButton } from "@/components/clusters/delete-cluster-button";

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const c = await getCluster(id);
  if (!c) notFound();
  return (
    <Card title={<span>Cluster <span className="mono">{c.name}</span></span>} actions={roleAllows(me.role, "operator") && <DeleteClusterButton id={c.id} name={c.name} />}>
      <table className="w-full text-left text-sm">
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
    </Card>
  );
}
