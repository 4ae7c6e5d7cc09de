import { requirePageUser } from "@/lib/auth/guard";
import { listClusters } from "@/lib/inventory/clusters";
import { listRuns } from "@/lib/ops/service";
import { OPERATIONS } from "@/lib/ops/registry";
import { RUN_STATUSES } from "@/lib/ops/engine/types";
import { Button, Card, Select } from "@/components/ui";
import { RunList } from "@/components/ops/run-list";

export default async function RunsPage({ searchParams }: { searchParams: Promise<{ status?: string; type?: string; cluster?: string }> }) {
  await requirePageUser();
  const q = await searchParams;
  const status = RUN_STATUSES.find((s) => s === q.status);
  const type = OPERATIONS.find((o) => o.type === q.type)?.type;
  const clusters = await listClusters();
  const cluster = clusters.find((c) => c.id === q.cluster)?.id;
  const runs = await listRuns({ status: status ? [status] : undefined, type, clusterId: cluster }, 200);
  return (
    <Card title="Runs">
      <form className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter runs">
        <label className="flex flex-col gap-1 text-sm">Status
          <Select name="status" defaultValue={status ?? ""} className="w-auto"><option value="">any</option>{RUN_STATUSES.map((s) => <option key={s}>{s}</option>)}</Select>
        </label>
        <label className="flex flex-col gap-1 text-sm">Operation
          <Select name="type" defaultValue={type ?? ""} className="w-auto"><option value="">any</option>{OPERATIONS.map((o) => <option key={o.type} value={o.type}>{o.title}</option>)}</Select>
        </label>
        <label className="flex flex-col gap-1 text-sm">Cluster
          <Select name="cluster" defaultValue={cluster ?? ""} className="w-auto"><option value="">any</option>{clusters.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}</Select>
        </label>
        <Button variant="secondary" type="submit">Filter</Button>
      </form>
      <RunList runs={runs} empty={status || type || cluster ? "No runs match these filters." : "No runs yet: operations started from a cluster's page appear here."} />
    </Card>
  );
}
