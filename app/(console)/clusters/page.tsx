import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listClusters } from "@/lib/inventory/clusters";
import { listHosts } from "@/lib/inventory/hosts";
import { Badge, Card } from "@/components/ui";
import { CreateClusterForm } from "@/components/clusters/create-cluster-form";

export default async function ClustersPage() {
  const me = await requirePageUser();
  const [clusters, hosts] = await Promise.all([listClusters(), listHosts()]);
  return (
    <div className="flex flex-col gap-6">
      <Card title={`Clusters (${clusters.length})`}>
        {clusters.length === 0 ? <p className="text-sm text-slate-600">No clusters yet.</p> : (
          <ul className="divide-y divide-slate-100">
            {clusters.map((c) => (
              <li key={c.id} className="flex items-center gap-3 py-2 text-sm">
                <Link className="font-medium text-orange-700 underline" href={`/clusters/${c.id}`}>{c.name}</Link>
                {c.members.map((m) => (
                  <Badge key={m.id} tone={m.role === "loadbalancer" ? "blue" : m.nodeType === "disc" ? "green" : "amber"}>
                    {m.host.name}: {m.role === "loadbalancer" ? "load balancer" : m.nodeType}
                  </Badge>
                ))}
              </li>
            ))}
          </ul>
        )}
      </Card>
      {roleAllows(me.role, "operator") && (
        <Card title="New cluster">
          <CreateClusterForm hosts={hosts.map((h) => ({ id: h.id, name: h.name, address: h.address }))} />
        </Card>
      )}
    </div>
  );
}
