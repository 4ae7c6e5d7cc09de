import Link from "next/link";
import { specDrift, specHistory } from "@/lib/inventory/specs";
import { SpecHistory } from "@/components/clusters/spec-history";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { clusterInventory, getCluster, listClusters } from "@/lib/inventory/clusters";
import { listHosts } from "@/lib/inventory/hosts";
import { EditMembersForm } from "@/components/clusters/edit-members-form";
import type { MemberChoice } from "@/components/clusters/member-table";
import { listDrills, listRuns, operationCatalog } from "@/lib/ops/service";
import { colocated } from "@/lib/ops/operations/load-balancers";
import { Badge, Card, scrollable } from "@/components/ui";
import { DeleteClusterButton } from "@/components/clusters/delete-cluster-button";
import { SetupWizard } from "@/components/ops/setup-wizard";
import { ClusterActions } from "@/components/ops/cluster-actions";
import { LoadBalancersForm } from "@/components/ops/load-balancers-card";
import type { CatalogEntry } from "@/components/ops/operation-form";
import { RunList } from "@/components/ops/run-list";
import { DrillHistory } from "@/components/ops/drill-history";
import { ClusterLive } from "@/components/health/cluster-live";
import { HistoryCharts } from "@/components/health/history-charts";
import { AlarmTimeline } from "@/components/health/alarm-timeline";
import { ClusterSecrets } from "@/components/clusters/cluster-secrets";
import { UpgradeCard } from "@/components/ops/upgrade-card";
import { clusterSecretNames } from "@/lib/inventory/secrets";
import { SECRETS } from "@/lib/ops/secrets";
import { OPERATIONS } from "@/lib/ops/registry";
import { legacyBefore4 } from "@/lib/rabbitmq/legacy";
import { liveHostStates } from "@/lib/health/live";
import { hostReach } from "@/lib/inventory/reach";
import { LegacyNotice } from "@/components/clusters/legacy-notice";
import { BackupsCard, type BackupRow } from "@/components/backups/backups-card";
import { allBackups, backupStatuses } from "@/lib/backups/service";
import type { BackupMeta } from "@/lib/backups/store";
import { alertSummary } from "@/lib/alerts/service";
import { AlertState } from "@/components/alerts/alert-state";

export default async function ClusterPage({ params }: { params: Promise<{ id: string }> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const [c, inv] = await Promise.all([getCluster(id), clusterInventory(id)]);
  if (!c || !inv) notFound();
  const [runs, drills, secretRows, allHosts, allClusters, specs, drift, backups, backupStatus, alerts] = await Promise.all([listRuns({ clusterId: id }, 20), listDrills(id), clusterSecretNames(id), listHosts(), listClusters(), specHistory(id), specDrift(id), allBackups(), backupStatuses([id]), alertSummary()]);
  const lastSetup = runs.find((r) => r.type === "setup");
  const isSetUp = runs.some((r) => r.type === "setup" && r.status === "succeeded");
  const canOperate = roleAllows(me.role, "operator");
  const forms = operationCatalog(me.role).filter((o) => o.ui === "form");
  const lbs = inv.loadBalancers.map((l) => l.name);
  const isAdmin = roleAllows(me.role, "admin");
  const usedBy = new Map(allClusters.filter((x) => x.id !== c.id).flatMap((x) => x.members.map((m) => [m.host.id, x.name] as const)));
  const memberRoles: Record<string, MemberChoice> = Object.fromEntries(c.members.map((m): [string, MemberChoice] => [m.host.id, m.role === "loadbalancer" ? m.role : m.nodeType ?? "disc"]));
  const seedId = c.members.find((m) => m.isSeed)?.host.id ?? "";
  const secrets = secretRows.map((s) => ({
    name: s.name, label: SECRETS[s.name].label[0].toUpperCase() + SECRETS[s.name].label.slice(1), updatedAt: s.updatedAt.toISOString(), rotatingInRun: s.rotatingInRun,
    rotateWith: OPERATIONS.find((o) => o.rotates?.includes(s.name) && roleAllows(me.role, o.role))?.type,
  }));
  const legacy = isSetUp ? legacyBefore4(inv) : [];
  // Each host an action may be pointed at, with how reachable Warren last found it.
  const live = await liveHostStates();
  const choice = (name: string) => {
    const h = allHosts.find((x) => x.name === name);
    return { name, ...hostReach(live[name], { ok: h?.lastCheckOk ?? null, at: h?.lastCheckAt ?? null }) };
  };
  // Backups hold no secret in these rows (counts, names of who and why); the documents stay on the server.
  const row = (b: BackupMeta): BackupRow => ({ ...b, createdAt: b.createdAt.toISOString() });
  const st = backupStatus[id];
  const ownBackups = backups.filter((b) => b.clusterId === id).map(row);
  const wizard = <SetupWizard clusterId={c.id} defaultName={c.name} nodeCount={inv.nodes.length} ramNodes={inv.nodes.filter((n) => n.type === "ram").map((n) => n.name)} loadBalancers={lbs} colocated={colocated(inv)} spec={inv.spec} />;
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Cluster <span className="mono">{c.name}</span></span>} actions={canOperate && <DeleteClusterButton id={c.id} name={c.name} />}>
        {c.members.length === 0 ? <p className="text-sm text-muted">This cluster has no hosts yet.</p> : <ClusterLive clusterId={c.id} />}
        <p className="mt-3 flex flex-wrap items-center gap-2 text-sm">Alerts: <AlertState clusterId={c.id} summary={alerts[c.id]} rulesLink /></p>
        {lastSetup && <p className="mt-3 text-sm">Last setup: <Link className="text-accent underline" href={`/runs/${lastSetup.id}`}>{lastSetup.status}</Link></p>}
        <details className="mt-3" open={c.members.length === 0 || undefined}>
          <summary className="cursor-pointer text-sm text-accent">Inventory: hosts and roles{canOperate && !isSetUp ? " (editable until set up)" : ""}</summary>
          <div className="mt-2 overflow-x-auto" {...scrollable("Members table")}>
            <table className="w-full text-left text-sm" aria-label="Members">
              <thead className="text-muted"><tr><th>Host</th><th>Address</th><th>Role</th></tr></thead>
              <tbody>
                {c.members.map((m) => (
                  <tr key={m.id} className="border-t border-line">
                    <td className="py-1"><Link className="text-accent underline" href={`/hosts/${m.host.id}`}>{m.host.name}</Link> {m.isSeed && <Badge tone="blue">seed</Badge>}</td>
                    <td className="mono">{m.host.address}</td>
                    <td>{m.role === "loadbalancer" ? "load balancer (HAProxy + Keepalived)" : <>RabbitMQ <Badge tone={m.nodeType === "disc" ? "green" : "amber"}>{m.nodeType}</Badge></>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {canOperate && !isSetUp && (
            <div className="mt-3 border-t border-line pt-3">
              <h3 className="mb-2 text-sm font-semibold">Change the members</h3>
              <EditMembersForm clusterId={c.id} initial={memberRoles} initialSeed={seedId}
                hosts={allHosts.map((h) => ({ id: h.id, name: h.name, address: h.address, cluster: usedBy.get(h.id) ?? null }))} />
            </div>
          )}
          {canOperate && isSetUp && <p className="mt-2 text-xs text-muted">The cluster is set up: nodes are added and removed through its operations, which change the hosts as well as this list.</p>}
        </details>
      </Card>
      {c.members.length > 0 && (
        <div className="grid min-w-0 gap-4 xl:grid-cols-2">
          <Card title="History"><HistoryCharts clusterId={c.id} /></Card>
          <Card title="Alarm timeline"><div className="max-h-96 overflow-y-auto" {...scrollable("Alarm timeline list")}><AlarmTimeline clusterId={c.id} /></div></Card>
        </div>
      )}
      {canOperate && inv.nodes.length > 0 && (isSetUp ? (
        <Card title="Setup">
          <details>
            <summary className="cursor-pointer text-sm text-accent">Run setup again (re-checks every step; changes only what is not in place)</summary>
            <div className="mt-3">{wizard}</div>
          </details>
        </Card>
      ) : <Card title="Set up RabbitMQ on these hosts">{wizard}</Card>)}
      {canOperate && isSetUp && lbs.length > 0 && (
        <Card title="Load balancers and the VIP">
          <LoadBalancersForm clusterId={c.id} loadBalancers={lbs} colocated={colocated(inv)} saved={inv.spec?.loadBalancers ?? null} />
        </Card>
      )}
      {canOperate && isSetUp && forms.length > 0 && (
        <Card title="Actions" id="actions">
          <ClusterActions clusterId={c.id} operations={forms as CatalogEntry[]} nodes={inv.nodes.map((n) => choice(n.name))} freeHosts={(inv.freeHosts ?? []).map((h) => choice(h.name))} />
        </Card>
      )}
      {canOperate && isSetUp && (
        <Card title="Upgrades" id="upgrades">
          <UpgradeCard clusterId={c.id} hasLoadBalancers={!!inv.spec?.loadBalancers} />
          <p className="mt-3 border-t border-line pt-3 text-sm">
            From RabbitMQ 3.x with mirrored queues to 4.x there is no in-place upgrade:{" "}
            <Link className="text-accent underline" href={`/clusters/${c.id}/migrate`}>migrate to a new cluster</Link> behind this cluster&apos;s VIP (readiness check).
          </p>
        </Card>
      )}
      {c.members.length > 0 && (isSetUp || ownBackups.length > 0) && (
        <Card title="Backups" id="backups">
          <BackupsCard clusterId={c.id} backups={ownBackups} others={backups.filter((b) => b.clusterId !== id).map(row)} canOperate={canOperate} isAdmin={isAdmin} setUp={!!inv.spec}
            status={{ latestAt: st.latest?.createdAt.toISOString() ?? null, nextAt: inv.spec ? st.nextAt?.toISOString() ?? null : null, count: st.count, schedule: st.schedule,
              lastFailure: st.lastFailure && { ...st.lastFailure, at: st.lastFailure.at.toISOString() } }} />
        </Card>
      )}
      {(specs.length > 0 || drift) && (
        <Card title="Spec: what the hosts were brought to" id="spec">
          <SpecHistory history={specs.map((v) => ({ version: v.version, createdAt: v.createdAt.toISOString(), createdBy: v.createdBy, runId: v.runId, note: v.note, changes: v.changes }))}
            drift={drift && { ...drift, at: drift.at.toISOString() }} />
        </Card>
      )}
      {legacy.length > 0 && <Card title="Before RabbitMQ 4.x"><LegacyNotice findings={legacy} /></Card>}
      <Card title="Secrets"><ClusterSecrets clusterId={c.id} secrets={secrets} admin={isAdmin} /></Card>
      {lbs.length > 0 && <Card title="Failover drills"><DrillHistory drills={drills} /></Card>}
      <Card title="Operations">
        <RunList runs={runs} showCluster={false} empty="No runs yet: set the cluster up with the wizard above." />
      </Card>
    </div>
  );
}
