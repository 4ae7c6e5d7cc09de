// A cluster's rules: the kinds' defaults (kinds.ts) with its overrides on
// top. Pure.
import { ALERT_KINDS, isAlertKind, KINDS, type AlertKind } from "./kinds";
import type { EffectiveRule } from "./evaluate";

export interface StoredOverride { kind: string; enabled: boolean | null; severity: string | null; forSeconds: number | null; threshold: number | null }

const SEVERITIES = new Set(["critical", "warning", "health"]);

export function effectiveRules(overrides: StoredOverride[] = []): Record<AlertKind, EffectiveRule> {
  const out = {} as Record<AlertKind, EffectiveRule>;
  for (const kind of ALERT_KINDS) {
    const d = KINDS[kind];
    out[kind] = { kind, enabled: true, severity: d.severity, forS: d.forS, threshold: d.threshold?.default ?? null };
  }
  for (const o of overrides) {
    if (!isAlertKind(o.kind)) continue;
    const r = out[o.kind];
    if (o.enabled !== null) r.enabled = o.enabled;
    if (o.severity !== null && SEVERITIES.has(o.severity)) r.severity = o.severity as EffectiveRule["severity"];
    if (o.forSeconds !== null) r.forS = o.forSeconds;
    if (o.threshold !== null && KINDS[o.kind].threshold) r.threshold = o.threshold;
  }
  return out;
}

/** Which parts of a kind's rule a cluster overrides. */
export function overriddenParts(o: StoredOverride | undefined): string[] {
  if (!o) return [];
  return (["enabled", "severity", "forSeconds", "threshold"] as const).filter((k) => o[k] !== null);
}
