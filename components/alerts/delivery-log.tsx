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
      <table className="w-full text-left text-sm" aria-label={label}>
        <thead className="text-muted">
          <tr><th className="py-1 pr-2 font-normal">Written</th>{showChannel && <th className="pr-2 font-normal">Channel</th>}<th className="pr-2 font-normal">What</th><th className="pr-2 font-normal">Status</th><th className="font-normal">Attempts: the receiver&apos;s answer</th></tr>
        </thead>
        <tbody>
          {deliveries.map((d) => (
            <tr key={d.id} className="border-t border-line align-top" data-testid={`delivery-${d.id}`} data-status={d.status} data-transition={d.transition} data-incident={d.incidentId ?? ""}>
              <td className="py-1.5 pr-2 text-xs"><Time date={d.createdAt} /></td>
              {showChannel && <td className="pr-2">{d.channel}</td>}
              <td className="min-w-40 pr-2">
                <span className="font-medium">{d.transition}</span>
                {d.incidentId ? <> · <Link className="text-accent underline" href={`/alerts/${d.incidentId}`}>incident</Link></> : null}
                <div className="break-words text-xs text-muted">{d.summary}</div>
              </td>
              <td className="pr-2">
                <DeliveryStatus status={d.status} />
                <div className="text-xs text-muted">{d.attempts} attempt{d.attempts === 1 ? "" : "s"}</div>
                {d.status === "pending" && d.nextAttemptAt && <div className="text-xs text-muted">next <Time date={d.nextAttemptAt} relative={false} /></div>}
              </td>
              <td className="min-w-56">
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
