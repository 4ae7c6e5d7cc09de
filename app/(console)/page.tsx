import Link from "next/link";
import { requirePageUser } from "@/lib/auth/guard";
import { listClusters } from "@/lib/inventory/clusters";
import { countHosts } from "@/lib/inventory/hosts";
import { liveHealths, liveStatuses } from "@/lib/health/live";
import { listRuns } from "@/lib/ops/service";
import { Badge, Card, type Tone } from "@/components/ui";
import { RunList } from "@/components/ops/run-list";
import { backupStatuses } from "@/lib/backups/service";
import { Time } from "@/components/ui/time";
import { alertSummary } from "@/lib/alerts/service";
import { AlertState } from "@/components/alerts/alert-state";

const STATE: Record<string, { tone: Tone; label: string }> = {
  ok: { tone: "green", label: "healthy" }, warning: { tone: "amber", label: "warning" }, critical: { tone: "red", label: "critical" }, unknown: { tone: "slate", label: "no data" },
  "not-set-up": { tone: "slate", label: "not set up yet" },
};

export default async function Overview() {
  await requirePageUser();
  const [hosts, clusters, runs, alerts] = await Promise.all([countHosts(), listClusters(), listRuns({}, 5), alertSummary()]);
  const states = await liveStatuses();
  const healths = await liveHealths(clusters.map((x) => x.id));
  const backups = await backupStatuses(clusters.map((x) => x.id));
  if (hosts === 0) {
    return (
      <Card title="Welcome to Warren">
        <p className="mb-3 text-sm">Warren builds, watches and upgrades highly available RabbitMQ clusters over SSH. To get started:</p>
        <ol className="list-decimal space-y-1 pl-5 text-sm">
          <li><Link className="text-accent underline" href="/hosts">Add your hosts</Link>: an address and SSH credentials (a key or a password) for each.</li>
          <li><Link className="text-accent underline" href="/clusters">Create a cluster</Link> from them: which hosts are RabbitMQ nodes (disc or ram) and which are load balancers.</li>
          <li>On the cluster&apos;s page, run the setup wizard: pre-flight checks, the plan, then the run.</li>
        </ol>
      </Card>
    );
  }
  return (
    <div className="grid min-w-0 gap-4 lg:grid-cols-2">
      <Card title={`Clusters (${clusters.length})`} actions={<Link className="text-sm text-accent underline" href="/clusters">All clusters</Link>}>
        {clusters.length === 0 ? (
          <p className="text-sm text-muted">{hosts} host{hosts === 1 ? "" : "s"} in the inventory, no cluster yet: <Link className="text-accent underline" href="/clusters">create one</Link>.</p>
        ) : (
          <ul className="flex flex-col gap-2 text-sm">
            {clusters.map((cl) => {
              const h = healths.get(cl.id) ?? null;
              const st = STATE[states[cl.id] ?? "unknown"];
              return (
                <li key={cl.id} className="flex flex-wrap items-baseline gap-2">
                  <Link className="font-medium text-accent underline" href={`/clusters/${cl.id}`}>{cl.name}</Link>
                  <Badge tone={st.tone}>{st.label}</Badge>
                  <AlertState clusterId={cl.id} summary={alerts[cl.id]} />
                  {h && <span className="text-muted">{h.nodes.filter((n) => n.running).length}/{h.nodes.length} nodes running{h.alarms.length ? `; ${h.alarms[0].message}${h.alarms.length > 1 ? ` (+${h.alarms.length - 1} more)` : ""}` : ""}</span>}
                  <BackupLine b={backups[cl.id]} clusterId={cl.id} />
                </li>
              );
            })}
          </ul>
        )}
      </Card>
      <Card title="Recent runs" actions={<Link className="text-sm text-accent underline" href="/runs">All runs</Link>}>
        <RunList runs={runs} empty="No runs yet: set a cluster up from its page, and its operations appear here." />
      </Card>
      <Card title="Inventory">
        <p className="text-sm">{hosts} host{hosts === 1 ? "" : "s"} · <Link className="text-accent underline" href="/hosts">manage hosts</Link></p>
      </Card>
    </div>
  );
}

/** A cluster's backups on the overview: how old the latest is, and a failure no backup has followed. */
function BackupLine({ b, clusterId }: { b?: Awaited<ReturnType<typeof backupStatuses>>[string]; clusterId: string }) {
  if (!b || (!b.latest && !b.lastFailure)) return null;
  return (
    <span className="flex basis-full flex-wrap items-baseline gap-x-2 text-xs" data-testid={`overview-backup-${clusterId}`}>
      <span className="text-muted">Backup: {b.latest ? <Time date={b.latest.createdAt} /> : "none yet"}</span>
      {b.lastFailure?.since && (
        <Link className="break-words text-red-700 underline dark:text-red-400" href={`/clusters/${clusterId}#backups`} title={b.lastFailure.message}>
          <Badge tone="red">backup failed</Badge> {b.lastFailure.message.length > 120 ? `${b.lastFailure.message.slice(0, 119)}…` : b.lastFailure.message}
        </Link>
      )}
    </span>
  );
}
