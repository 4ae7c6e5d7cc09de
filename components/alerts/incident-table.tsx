import Link from "next/link";
import { scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import type { IncidentView } from "@/lib/alerts/service";
import { IncidentStatus, SeverityBadge } from "./badges";

/**
 * Incidents: a table on wide screens; on a phone each incident is a block of
 * lines (explicit roles keep it a table to assistive technology). Each row
 * and member has a stable test id for the lab's specs.
 */
export function IncidentTable({ incidents, label, empty, showCluster = true }: { incidents: IncidentView[]; label: string; empty: string; showCluster?: boolean }) {
  if (!incidents.length) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <div className="overflow-x-auto" {...scrollable(`${label} table`)}>
      <table role="table" className="w-full text-left text-sm max-sm:block" aria-label={label}>
        <thead role="rowgroup" className="text-muted max-sm:sr-only">
          <tr role="row"><th role="columnheader" className="py-1 pr-2 font-normal">Incident</th>{showCluster && <th role="columnheader" className="pr-2 font-normal">Cluster</th>}<th role="columnheader" className="pr-2 font-normal">State</th><th role="columnheader" className="pr-2 font-normal">Members</th><th role="columnheader" className="font-normal">Since</th></tr>
        </thead>
        <tbody role="rowgroup" className="max-sm:block">
          {incidents.map((i) => (
            <tr role="row" key={i.id} className="border-t border-line align-top max-sm:flex max-sm:flex-col max-sm:gap-1 max-sm:py-2" data-testid={`incident-${i.id}`} data-kind={i.kind} data-status={i.status} data-cluster={i.cluster}>
              <td role="cell" className="py-1.5 pr-2 sm:min-w-40 max-sm:py-0">
                <Link className="font-medium text-accent underline" href={`/alerts/${i.id}`}>{i.title}</Link>
                <div className="flex flex-wrap gap-1 pt-0.5"><SeverityBadge severity={i.severity} /><span className="mono text-xs text-muted">{i.kind}</span></div>
              </td>
              {showCluster && <td role="cell" className="pr-2 sm:whitespace-nowrap"><span className="mr-1 text-muted sm:hidden">Cluster:</span><Link className="underline" href={`/clusters/${i.clusterId}`}>{i.cluster}</Link></td>}
              <td role="cell" className="pr-2"><IncidentStatus status={i.status} severity={i.severity} /></td>
              <td role="cell" className="pr-2 sm:min-w-56">
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
              <td role="cell" className="text-xs"><span className="mr-1 text-muted sm:hidden">Since</span><Time date={i.openedAt} />{i.resolvedAt && <div>resolved <Time date={i.resolvedAt} relative={false} /></div>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
