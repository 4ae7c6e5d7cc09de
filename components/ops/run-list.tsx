import Link from "next/link";
import { Badge, type Tone } from "@/components/ui";
import { runTitle } from "@/lib/ops/registry";
import { Time } from "@/components/ui/time";

const TONE: Record<string, Tone> = { queued: "slate", running: "blue", paused: "amber", succeeded: "green", failed: "red", cancelled: "amber", interrupted: "amber" };

export interface RunRow { id: string; type: string; params?: string; status: string; createdBy: string; createdAt: Date; cluster: { name: string }; clusterId: string }

/** `empty`: what to say when there is no run (none at all, or none matching a filter: the caller knows which). */
export function RunList({ runs, showCluster = true, empty = "No runs yet." }: { runs: RunRow[]; showCluster?: boolean; empty?: string }) {
  if (runs.length === 0) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <ul className="flex flex-col gap-1 text-sm" aria-label="Runs">
      {runs.map((r) => (
        <li key={r.id} className="flex flex-wrap items-center gap-2">
          <Link className="text-accent underline" href={`/runs/${r.id}`}>{runTitle(r.type, r.params)}</Link>
          {showCluster && <span>on <Link className="underline" href={`/clusters/${r.clusterId}`}>{r.cluster.name}</Link></span>}
          <Badge tone={TONE[r.status] ?? "slate"}>{r.status}</Badge>
          <span className="text-muted">{r.createdBy}, <Time date={r.createdAt} /></span>
        </li>
      ))}
    </ul>
  );
}
