"use client";
import { Badge } from "@/components/ui";
import { Time } from "@/components/ui/time";
import { useAlarmTimeline } from "./use-cluster-health";

/** Every alarm the live view raised, with when it began and ended. */
export function AlarmTimeline({ clusterId }: { clusterId: string }) {
  const q = useAlarmTimeline(clusterId);
  if (!q.data) return <p role="status" className="text-sm text-muted">Loading the timeline…</p>;
  if (!q.data.length) return <p className="text-sm text-muted">No alarm so far.</p>;
  return (
    <ol className="flex flex-col gap-1 text-sm" aria-label="Alarm timeline" data-testid="alarm-timeline">
      {q.data.map((e, i) => (
        <li key={`${e.alarmId}-${e.raisedAt}-${i}`} className="flex flex-wrap items-baseline gap-x-2 border-t border-line py-1">
          <Badge tone={e.clearedAt ? "slate" : e.severity === "critical" ? "red" : "amber"}>{e.clearedAt ? "cleared" : e.severity}</Badge>
          <span className="min-w-0 break-words">{e.message}</span>
          <span className="text-xs text-muted"><Time date={e.raisedAt} />{e.clearedAt && <> → <Time date={e.clearedAt} relative={false} /></>}</span>
        </li>
      ))}
    </ol>
  );
}
