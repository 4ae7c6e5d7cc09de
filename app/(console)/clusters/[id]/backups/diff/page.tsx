import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePageUser } from "@/lib/auth/guard";
import { roleAllows } from "@/lib/auth/roles";
import { getCluster } from "@/lib/inventory/clusters";
import { publicError } from "@/lib/errors";
import { allBackups, diffBackups, type DiffResult } from "@/lib/backups/service";
import { Card } from "@/components/ui";
import { DiffChooser, DiffView } from "@/components/backups/diff-view";

/**
 * What differs between two backups, or between a backup and the live
 * cluster: ?from=<backup>&to=<backup|live>[&prepared=1]. Without a choice,
 * the cluster's two newest backups.
 */
export default async function BackupDiffPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const me = await requirePageUser();
  const { id } = await params;
  const q = await searchParams;
  const one = (v: string | string[] | undefined) => (typeof v === "string" ? v : undefined);
  const c = await getCluster(id);
  if (!c) notFound();
  const backups = await allBackups();
  const own = backups.filter((b) => b.clusterId === id);
  const from = one(q.from) ?? own[1]?.id ?? own[0]?.id;
  const to = one(q.to) ?? (own[1] ? own[0]?.id : undefined);
  const prepared = one(q.prepared) === "1";
  const canLive = roleAllows(me.role, "operator");
  let result: DiffResult | null = null, error: string | null = null;
  if (from && to) {
    try {
      result = await diffBackups(id, from, to, me, { prepared });
    } catch (e) {
      error = publicError(e).message;
    }
  }
  const choices = backups.map((b) => ({ id: b.id, label: `${b.createdAt.toISOString().replace("T", " ").slice(0, 19)} UTC — ${b.createdBy}`, cluster: b.clusterName, own: b.clusterId === id }));
  return (
    <div className="flex min-w-0 flex-col gap-4">
      <Card title={<span>Definitions diff — cluster <span className="mono">{c.name}</span></span>} actions={<Link className="text-sm text-accent underline" href={`/clusters/${id}#backups`}>Back to the cluster</Link>}>
        <DiffChooser clusterId={id} choices={choices} from={from ?? ""} to={to ?? ""} prepared={prepared} canLive={canLive} />
        {!from || !to ? <p className="mt-3 text-sm text-muted">Nothing to compare yet: this cluster has {own.length === 0 ? "no backup" : "one backup"}{canLive && own.length ? ": compare it with the live cluster" : ""}.</p> : null}
        {error && <p role="alert" className="mt-3 text-sm text-red-700 dark:text-red-400">{error}</p>}
      </Card>
      {result && <DiffView r={JSON.parse(JSON.stringify(result))} />}
    </div>
  );
}
