import Link from "next/link";
import { Badge, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { FAULTS, type DrillResult } from "@/lib/ops/operations/failover-drill";

export interface DrillRow extends DrillResult { id: string; status: string; createdAt: Date; createdBy: string }

const secs = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)} s`);

/** Past failover drills: what was broken, where the VIP went, how long clients waited. */
export function DrillHistory({ drills }: { drills: DrillRow[] }) {
  if (!drills.length) return <p className="text-sm text-muted">No drill yet. Run one from Actions: it breaks the VIP holder on purpose and measures the failover.</p>;
  return (
    <div className="overflow-x-auto" {...scrollable("Failover drills table")}>
      <table className="w-full text-left text-sm" aria-label="Failover drills">
        <thead className="text-muted"><tr><th>When</th><th>Fault</th><th>VIP</th><th>VIP moved after</th><th>Clients connect after</th><th>Result</th></tr></thead>
        <tbody>{drills.map((d) => (
          <tr key={d.id} className="border-t border-line">
            <td className="py-1 pr-2"><Link className="text-accent underline" href={`/runs/${d.id}`}><Time date={d.createdAt} /></Link></td>
            <td className="pr-2">{FAULTS[d.fault]}</td>
            <td className="pr-2">{d.from ?? "?"} → {d.to ?? "?"}</td>
            <td className="pr-2" data-testid="drill-vip">{secs(d.vipSeconds)}</td>
            <td className="pr-2" data-testid="drill-amqp">{secs(d.amqpSeconds)}</td>
            <td><Badge tone={d.status === "succeeded" ? "green" : d.status === "failed" ? "red" : "amber"}>{d.status}</Badge></td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}
