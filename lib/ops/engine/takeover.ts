// When an instance takes a cluster over from one that died mid-run, may it
// carry the run on by itself? Only when every step that was in progress is
// safe to start again — a resumed step asks its check first and acts only
// where the check says it is not done. A command without a check (outside a
// unit, whose steps are all safe to repeat) might have done its work already:
// the run stops "interrupted" for a person to look and resume, as after a
// restart of a single Warren.
import type { Plan, Step } from "../plan";

export type TakeoverDecision = { resume: true } | { resume: false; step: Step };

export function safeToStartAgain(s: Step): boolean {
  if (s.group) return true; // plan.ts: every step of a unit must be safe to repeat
  // A local step (the power command) acts outside the hosts' view: not repeated without a person.
  if (s.kind === "local") return false;
  if (s.kind !== "command") return true; // files are written whole again, gates and definitions read and compare
  if (s.readOnly) return true; // it changes nothing: reading again is harmless
  return !!s.check && s.checkAtRun !== false;
}

export function takeoverDecision(plan: Plan, inProgress: readonly string[]): TakeoverDecision {
  const steps = new Map(plan.phases.flatMap((p) => p.steps).map((s) => [s.key, s]));
  for (const key of inProgress) {
    const s = steps.get(key);
    if (s && !safeToStartAgain(s)) return { resume: false, step: s };
  }
  return { resume: true };
}
