"use client";
import { useFormAction } from "@/components/ui/use-form-action";
import { Button, Input, Select, StatusLine, scrollable } from "@/components/ui";
import { saveAlertRules } from "@/lib/actions/alerts";
import type { RuleView } from "@/lib/alerts/service";

const SEVERITY_LABEL: Record<string, string> = { critical: "critical", warning: "warning", health: "as rated" };
const PART: Record<string, string> = { enabled: "on/off", severity: "severity", forSeconds: "for", threshold: "threshold" };

/** Every kind's rule for one cluster: on or off, severity, "for" seconds and threshold; defaults shown beside each. Read-only for viewers. */
export function RulesForm({ clusterId, rules, canEdit }: { clusterId: string; rules: RuleView[]; canEdit: boolean }) {
  const { state, pending, onSubmit, fieldErrors: fe } = useFormAction(saveAlertRules.bind(null, clusterId));
  return (
    <form method="post" onSubmit={onSubmit} className="flex flex-col gap-3" aria-label="Alert rules">
      <div className="overflow-x-auto" {...scrollable("Alert rules table")}>
        <table className="w-full text-left text-sm">
          <caption className="pb-2 text-left text-xs text-muted">Severity &quot;as rated&quot;: the live view&apos;s own judgement of each alarm (a load balancer&apos;s problem while the other one serves clients is a warning, else critical).</caption>
          <thead className="text-muted"><tr><th className="py-1 pr-2 font-normal">Kind</th><th className="pr-2 font-normal">On</th><th className="pr-2 font-normal">Severity</th><th className="pr-2 font-normal">For (s)</th><th className="font-normal">Threshold</th></tr></thead>
          <tbody>
            {rules.map((r) => (
              <tr key={r.kind} className="border-t border-line align-top" data-testid={`rule-${r.kind}`} data-overridden={r.overridden.join(",")}>
                <td className="min-w-56 py-1.5 pr-2">
                  <input type="hidden" name="kind" value={r.kind} />
                  <span className="font-medium">{r.title}</span> <span className="mono text-xs text-muted">{r.kind}</span>
                  <div className="text-xs text-muted">{r.what}</div>
                  {r.overridden.length > 0 && <div className="text-xs text-amber-800 dark:text-amber-300">changed for this cluster: {r.overridden.map((x) => PART[x] ?? x).join(", ")}</div>}
                </td>
                <td className="pr-2 pt-1.5"><input type="checkbox" name={`enabled:${r.kind}`} defaultChecked={r.enabled} disabled={!canEdit} aria-label={`${r.title}: on`} /></td>
                <td className="pr-2">
                  <Select name={`severity:${r.kind}`} defaultValue={r.severity} disabled={!canEdit} aria-label={`${r.title}: severity`} className="w-auto">
                    {(r.defaults.severity === "health" ? ["health", "critical", "warning"] : ["critical", "warning"]).map((s) => <option key={s} value={s}>{SEVERITY_LABEL[s]}{s === r.defaults.severity ? " (default)" : ""}</option>)}
                  </Select>
                </td>
                <td className="pr-2">
                  <Input name={`for:${r.kind}`} type="number" min={0} max={86400} defaultValue={r.forSeconds} disabled={!canEdit} aria-label={`${r.title}: for seconds`} className="w-24" aria-invalid={!!fe[`rules.${rules.indexOf(r)}.forSeconds`]} />
                  <div className="text-xs text-muted">default {r.defaults.forSeconds}</div>
                </td>
                <td>
                  {r.thresholdLabel ? (
                    <>
                      <Input name={`threshold:${r.kind}`} type="number" step="any" min={0} defaultValue={r.threshold ?? undefined} disabled={!canEdit} aria-label={`${r.title}: ${r.thresholdLabel}`} className="w-28" />
                      <div className="text-xs text-muted">{r.thresholdLabel}; default {r.defaults.threshold}</div>
                    </>
                  ) : <span className="text-xs text-muted">—</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {canEdit && <div className="flex flex-wrap items-center gap-3"><Button busy={pending}>Save rules</Button><StatusLine state={state} /></div>}
    </form>
  );
}
