import Link from "next/link";
import { Badge, Notice, scrollable } from "@/components/ui";
import { Time } from "@/components/ui/time";
import type { SpecChange } from "@/lib/inventory/spec";

export interface SpecVersionView { version: number; createdAt: string; createdBy: string; runId: string | null; note: string | null; changes: SpecChange[] }
export interface SpecDriftView { runId: string; type: string; status: string; at: string; changes: SpecChange[] }

const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "string" ? v : JSON.stringify(v));

function Changes({ changes, label }: { changes: SpecChange[]; label: string }) {
  if (!changes.length) return <p className="text-xs text-muted">no change</p>;
  return (
    <div className="overflow-x-auto" {...scrollable(label)}>
      <table className="w-full text-left text-xs" aria-label={label}>
        <thead className="text-muted"><tr><th className="py-0.5 pr-2 font-normal">what</th><th className="pr-2 font-normal">before</th><th className="font-normal">after</th></tr></thead>
        <tbody>{changes.map((c) => (
          <tr key={c.path} className="border-t border-line align-top">
            <td className="mono py-0.5 pr-2">{c.path}</td>
            <td className="mono break-all pr-2 text-red-700 dark:text-red-400">{show(c.before)}</td>
            <td className="mono break-all text-green-700 dark:text-green-400">{show(c.after)}</td>
          </tr>
        ))}</tbody>
      </table>
    </div>
  );
}

/**
 * The cluster's spec over time: each version with what it changed, the run
 * that applied it, and — above them — a change the hosts do not reflect yet.
 */
export function SpecHistory({ history, drift }: { history: SpecVersionView[]; drift: SpecDriftView | null }) {
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="spec-history">
      {drift && (
        <Notice tone="amber" title="Drift: a change the hosts do not reflect">
          <div data-testid="spec-drift">
            <p className="text-sm">The {drift.type} run <Link className="text-accent underline" href={`/runs/${drift.runId}`}>started <Time date={drift.at} /></Link> is <b>{drift.status}</b>: the cluster&apos;s spec is still the one below. Its plan would apply:</p>
            <Changes changes={drift.changes} label="Changes not applied" />
            <p className="mt-1 text-xs">Open the run to see its plan and retry it, or run the operation again with the values you want.</p>
          </div>
        </Notice>
      )}
      {history.length === 0 ? <p className="text-sm text-muted">No spec yet: it is recorded when the cluster&apos;s setup succeeds.</p> : (
        <ol className="flex flex-col gap-2">
          {history.map((v, i) => (
            <li key={v.version} className="rounded-md border border-line p-2" data-testid={`spec-version-${v.version}`}>
              <details open={i === 0 || undefined}>
                {/* Plain text only: a link inside a summary would be a control inside a control. */}
                <summary className="cursor-pointer text-sm">
                  <span className="font-semibold">Version {v.version}</span>{i === 0 && <> <Badge tone="green">current</Badge></>} · <Time date={v.createdAt} /> · {v.createdBy}
                  <span className="text-muted"> · {v.changes.length} change{v.changes.length === 1 ? "" : "s"}</span>
                </summary>
                <div className="mt-2 flex flex-col gap-1">
                  {v.runId ? <p className="text-xs">Applied by the <Link className="text-accent underline" href={`/runs/${v.runId}`}>{v.note ?? "run"} run</Link>.</p> : v.note ? <p className="text-xs text-muted">{v.note}</p> : null}
                  <Changes changes={v.changes} label={`Changes in version ${v.version}`} />
                </div>
              </details>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
