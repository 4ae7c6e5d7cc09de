import Link from "next/link";
import { scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import type { DeliveryView } from "@/lib/alerts/service";
import { DeliveryStatus } from "./badges";

/** The delivery log: each notification (time, status, attempts) and every attempt with the receiver's answer. */
export function DeliveryLog({ deliveries, label, showChannel = false, empty = "Nothing sent yet." }: { deliveries: DeliveryView[]; label: string; showChannel?: boolean; empty?: string }) {
  if (!deliveries.length) return <p className="text-sm text-muted">{empty}</p>;
  return (
    <div className="overflow-x-auto" {...scrollable(`${label} table`)}>
      <table role="table" className="w-full text-left text-sm max-sm:block" aria-label={label}>
        <thead role="rowgroup" className="text-muted max-sm:sr-only">
          <tr role="row"><th role="columnheader" className="py-1 pr-2 font-normal">Written</th>{showChannel && <th role="columnheader" className="pr-2 font-normal">Channel</th>}<th role="columnheader" className="pr-2 font-normal">What</th><th role="columnheader" className="pr-2 font-normal">Status</th><th role="columnheader" className="font-normal">Attempts: the receiver&apos;s answer</th></tr>
        </thead>
        <tbody role="rowgroup" className="max-sm:block">
          {deliveries.map((d) => (
            <tr role="row" key={d.id} className="border-t border-line align-top max-sm:flex max-sm:flex-col max-sm:gap-1 max-sm:py-2" data-testid={`delivery-${d.id}`} data-status={d.status} data-transition={d.transition} data-incident={d.incidentId ?? ""}>
              <td role="cell" className="py-1.5 pr-2 text-xs max-sm:py-0"><Time date={d.createdAt} /></td>
              {showChannel && <td role="cell" className="pr-2"><span className="mr-1 text-muted sm:hidden">Channel:</span>{d.channel}</td>}
              <td role="cell" className="pr-2 sm:min-w-40">
                <span className="font-medium">{d.transition}</span>
                {d.incidentId ? <> · <Link className="text-accent underline" href={`/alerts/${d.incidentId}`}>incident</Link></> : null}
                <div className="break-words text-xs text-muted">{d.summary}</div>
              </td>
              <td role="cell" className="pr-2">
                <DeliveryStatus status={d.status} />
                <div className="text-xs text-muted">{d.attempts} attempt{d.attempts === 1 ? "" : "s"}</div>
                {d.status === "pending" && d.nextAttemptAt && <div className="text-xs text-muted">next <Time date={d.nextAttemptAt} relative={false} /></div>}
              </td>
              <td role="cell" className="sm:min-w-56">
                {d.log.length ? (
                  <ol className="flex flex-col gap-0.5 text-xs">
                    {d.log.map((a, i) => (
                      <li key={i} className="break-words" data-ok={a.ok}>
                        <span className={a.ok ? "font-medium text-green-700 dark:text-green-400" : "font-medium text-red-700 dark:text-red-400"}>{a.ok ? "delivered" : "failed"}</span>{" "}
                        <Time date={a.at} relative={false} /> ({a.durationMs} ms): {a.answer}
                      </li>
                    ))}
                  </ol>
                ) : <span className="text-xs text-muted">not attempted yet</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
