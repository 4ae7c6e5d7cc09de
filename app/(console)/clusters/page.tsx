import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { listClusters } from "@/lib/inventory/clusters";
import { listHosts } from "@/lib/inventory/hosts";
import { liveStatuses } from "@/lib/health/live";
import { Badge, Card, type Tone } from "@/components/ui";
import { CreateClusterForm } from "@/components/clusters/create-cluster-form";

const STATE: Record<string, { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "healthy" }, warning: { tone: "amber", label: "warning" }, critical: { tone: "red", label: "critical" }, unknown: { tone: "slate", label: "no data" },
  "not-set-up": { tone: "slate", label: "not set up yet" },
};

export default async function ClustersPage() {
  const me = await requirePageUser();
  const [clusters, hosts] = await Promise.all([listClusters(), listHosts()]);
  const states = await liveStatuses();
  const inUse = new Map(clusters.flatMap((c) => c.members.map((m) => [m.host.id, c.name] as const)));
  return (
    <div className="flex min-w-0 flex-col gap-6">
      <Card title={`Clusters (${clusters.length})`}>
        {clusters.length === 0 ? <p className="text-sm text-muted">No clusters yet.{roleAllows(me.role, "operator") ? " Create one below from the hosts you added." : ""}</p> : (
          <ul className="divide-y divide-line" aria-label="Clusters">
            {clusters.map((c) => {
              const st = STATE[states[c.id] ?? "unknown"];
              return (
                <li key={c.id} className="flex flex-wrap items-center gap-2 py-2 text-sm" data-testid={`cluster-row-${c.name}`}>
                  <Link className="font-medium text-accent underline" href={`/clusters/${c.id}`}>{c.name}</Link>
                  <span data-testid={`cluster-state-${c.name}`} data-status={states[c.id] ?? "unknown"}><Badge tone={st.tone}>{st.label}</Badge></span>
                  {c.members.map((m) => (
                    <Badge key={m.id} tone={m.role === "loadbalancer" ? "blue" : m.nodeType === "disc" ? "green" : "amber"}>
                      {m.host.name}: {m.role === "loadbalancer" ? "load balancer" : m.nodeType}
                    </Badge>
                  ))}
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      {roleAllows(me.role, "operator") && (
        <Card title="New cluster">
          <CreateClusterForm hosts={hosts.map((h) => ({ id: h.id, name: h.name, address: h.address, cluster: inUse.get(h.id) ?? null }))} />
        </Card>
      )}
    </div>
  );
}
