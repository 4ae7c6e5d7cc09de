import Link from "next/link";
import { countClusters } from "@/lib/inventory/clusters";
import { countHosts } from "@/lib/inventory/hosts";
import { Card } from "@/components/ui";

export default async function Overview() {
  const [hosts, clusters] = await Promise.all([countHosts(), countClusters()]);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Card title="Clusters"><p className="text-3xl font-semibold">{clusters}</p><Link className="text-sm text-orange-700 underline" href="/clusters">Manage clusters</Link></Card>
      <Card title="Hosts"><p className="text-3xl font-semibold">{hosts}</p><Link className="text-sm text-orange-700 underline" href="/hosts">Manage hosts</Link></Card>
    </div>
  );
}
