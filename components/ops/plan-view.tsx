"use client";
import { useState } from "react";
import type { PlanPreview } from "@/lib/ops/service";
import type { StepForecast } from "@/lib/ops/forecast";
import { VAR_RE } from "@/lib/ops/plan";
import { Badge, Button, Notice, Pre, type Tone, scrollable } from "@/components/ui";
import { CopyButton, DownloadButton } from "@/components/ui/copy";
import { RestoreSummaryView } from "@/components/backups/restore-summary";

const FORECAST: Record<StepForecast["state"], { label: string; tone: Tone }> = {
  run: { label: "will run", tone: "blue" },
  "in-place": { label: "already in place", tone: "green" },
  check: { label: "check only", tone: "slate" },
  wait: { label: "waits", tone: "slate" },
  pause: { label: "pause", tone: "amber" },
  unknown: { label: "unknown", tone: "amber" },
};

export function ForecastBadge({ step, f }: { step: { destructive?: string | boolean }; f?: Pick<StepForecast, "state" | "error"> }) {
  if (!f) return null;
  if (step.destructive && (f.state === "run" || f.state === "unknown")) return <Badge tone="red" title={f.error}>destructive — {f.state === "run" ? "will run" : "may run"}</Badge>;
  const x = FORECAST[f.state];
  return <Badge tone={x.tone} title={f.error}>{x.label}</Badge>;
}

/** A plan as the operator reviews it: what will happen on each host, what it destroys, the script. */
export function PlanView({ preview, onStart, startLabel, busy, blocked }: { preview: PlanPreview; onStart: (confirmed: boolean) => void; startLabel: string; busy?: boolean; blocked?: boolean }) {
  const [confirmed, setConfirmed] = useState(false);
  const steps = preview.plan.phases.reduce((n, p) => n + p.steps.length, 0);
  const nothingToDo = preview.summary.change === 0 && preview.summary.unknown === 0;
  // A host known only when the run starts ({var:owner}): what it stands for, and who that is now.
  const hostOf = (h: string) => {
    const m = VAR_RE.exec(h);
    if (!m) return h || "—";
    const what = preview.plan.vars?.[m[1]] ?? m[1], now = preview.vars?.[m[1]];
    return now ? `${what} (now ${now})` : what;
  };
  return (
    <div className="flex min-w-0 flex-col gap-3" data-testid="plan-view">
      <div>
        <h3 className="text-sm font-semibold">The plan: {steps} step{steps === 1 ? "" : "s"} in {preview.plan.phases.length} phase{preview.plan.phases.length === 1 ? "" : "s"}</h3>
        <p data-testid="plan-summary" className="text-sm">{preview.summary.line}</p>
        {nothingToDo && <p className="text-sm text-muted">Everything is already in place: starting only re-checks it.</p>}
      </div>

      {preview.plan.restore && <RestoreSummaryView r={preview.plan.restore} />}

      {preview.plan.warnings?.length ? (
        <Notice tone="amber" title="Before you start">
          <ul className="list-disc pl-5" aria-label="Plan warnings">{preview.plan.warnings.map((w) => <li key={w}>{w}</li>)}</ul>
        </Notice>
      ) : null}

      {preview.destructive.length > 0 && (
        <Notice tone="red" title="Destructive steps that will run">
          <ul className="list-disc pl-5">
            {preview.destructive.map((d) => (
              <li key={d.key}><b>{hostOf(d.host)}</b>: {d.title} — {d.why}{d.impact && <div className="text-xs">What it destroys: <span data-testid={`impact-${d.key}`}>{d.impact}</span></div>}</li>
            ))}
          </ul>
          <label className="mt-2 flex items-center gap-2"><input type="checkbox" checked={confirmed} onChange={(e) => setConfirmed(e.target.checked)} /> I understand; run these steps</label>
        </Notice>
      )}

      <ol className="flex flex-col gap-3" aria-label="Plan steps">
        {preview.plan.phases.map((ph, i) => (
          <li key={i} className="min-w-0">
            <h4 className="text-sm font-semibold">Phase {i + 1}: {ph.title} <span className="font-normal text-muted">({ph.inOrder ? "one step after another, in this order" : ph.oneHostAtATime ? "one host at a time" : "hosts in parallel"})</span></h4>
            <div className="overflow-x-auto" {...scrollable("Plan steps table")}>
              <table className="w-full text-left text-xs">
                <tbody>
                  {ph.steps.map((s) => {
                    const f = preview.forecast[s.key];
                    return (
                      <tr key={s.key} className="border-t border-line align-top" data-testid={`plan-step-${s.key}`} data-forecast={f?.state}>
                        <td className="w-20 py-1 pr-2">{hostOf(s.host)}</td>
                        <td className="pr-2">
                          {s.title}
                          {f?.diff && <details className="mt-1"><summary className="cursor-pointer text-accent">changes to {s.kind === "file" ? s.path : "the file"}</summary><Pre data-testid={`diff-${s.key}`} className="mt-1 max-h-72">{f.diff}</Pre></details>}
                          {f?.state === "unknown" && f.error && <div className="text-amber-800 dark:text-amber-300">{f.error}</div>}
                        </td>
                        <td className="w-40 text-right"><ForecastBadge step={s} f={f} /></td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          </li>
        ))}
      </ol>

      <details className="min-w-0">
        <summary className="cursor-pointer text-sm text-accent">The plan as a shell script (sh or bash; the same commands, one line per step; secrets come from environment variables)</summary>
        <div className="mt-2 flex gap-2">
          <CopyButton text={preview.script} label="Copy script" />
          <DownloadButton text={preview.script} filename={`warren-${preview.type}.sh`} label="Download plan.sh" type="text/x-shellscript" />
        </div>
        <Pre data-testid="plan-shell" className="mt-2 max-h-96">{preview.script}</Pre>
      </details>

      <div>
        <Button busy={busy} disabled={blocked || (preview.destructive.length > 0 && !confirmed)} onClick={() => onStart(confirmed)}>{startLabel}</Button>
        {busy && <span className="ml-2 text-sm text-muted" role="status">Checking the hosts again and starting…</span>}
      </div>
    </div>
  );
}
