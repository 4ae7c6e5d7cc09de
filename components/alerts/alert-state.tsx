import Link from "next/link";
import { Badge } from "@/components/ui";

export interface AlertSummary { open: number; firing: number; worst: "critical" | "warning" | null; quiet: number }

/** A cluster's open incidents in one line: how many page and the worst severity, how many are held or silenced. */
export function AlertState({ clusterId, summary, rulesLink = false }: { clusterId: string; summary: AlertSummary | undefined; rulesLink?: boolean }) {
  const s = summary ?? { open: 0, firing: 0, worst: null, quiet: 0 };
  return (
    <span className="inline-flex flex-wrap items-center gap-2 text-sm" data-testid={`alert-state-${clusterId}`} data-open={s.open} data-worst={s.worst ?? ""}>
      {s.open === 0 ? <span className="text-muted">no open alert</span> : (
        <Link href="/alerts" className="inline-flex items-center gap-1 underline">
          {s.firing > 0 && <Badge tone={s.worst === "critical" ? "red" : "amber"}>{s.firing} alert{s.firing === 1 ? "" : "s"} ({s.worst})</Badge>}
          {s.quiet > 0 && <Badge tone="slate">{s.quiet} held or silenced</Badge>}
        </Link>
      )}
      {rulesLink && <Link className="text-accent underline" href={`/clusters/${clusterId}/alerts`}>alert rules</Link>}
    </span>
  );
}
