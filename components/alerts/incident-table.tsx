import Link from "next/link";
import { scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import type { IncidentView } from "@/lib/alerts/service";
import { IncidentStatus, SeverityBadge } from "./badges";

/** Incidents as a table (a scrolling region on a phone); each row and member has a stable test id for the lab's specs. */
export function IncidentTable({ incidents, label, empty, showCluster = true }: { incidents: IncidentView[]; label: string; empty: string; showCluster?: boolean }) {
  if (!incidents.length) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <div className="overflow-x-auto" {...scrollable(`${label} table`)}>
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="text-muted">
          <tr><th className="py-1 pr-2 font-normal">Incident</th>{showCluster && <th className="pr-2 font-normal">Cluster</th>}<th className="pr-2 font-normal">State</th><th className="pr-2 font-normal">Members</th><th className="font-normal">Since</th></tr>
        </thead>
        <tbody>
          {incidents.map((i) => (
            <tr key={i.id} className="border-t border-line align-top" data-testid={`incident-${i.id}`} data-kind={i.kind} data-status={i.status} data-cluster={i.cluster}>
              <td className="py-1.5 pr-2">
                <Link className="font-medium text-accent underline" href={`/alerts/${i.id}`}>{i.title}</Link>
                <div className="flex flex-wrap gap-1 pt-0.5"><SeverityBadge severity={i.severity} /><span className="mono text-xs text-muted">{i.kind}</span></div>
              </td>
              {showCluster && <td className="pr-2"><Link className="underline" href={`/clusters/${i.clusterId}`}>{i.cluster}</Link></td>}
              <td className="pr-2"><IncidentStatus status={i.status} severity={i.severity} /></td>
              <td className="min-w-56 pr-2">
                <ul className="flex flex-col gap-0.5">
                  {i.members.map((m) => (
                    <li key={m.id} data-testid={`incident-member-${m.id}`} className="break-words">
                      {m.message}
                      {m.held && <div className="text-xs text-blue-800 dark:text-blue-300">{m.held}</div>}
                      {m.silenced && <div className="text-xs text-muted">{m.silenced}</div>}
                    </li>
                  ))}
                </ul>
              </td>
              <td className="text-xs"><Time date={i.openedAt} />{i.resolvedAt && <div>resolved <Time date={i.resolvedAt} relative={false} /></div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
