// Plans as stored in runs. Runs created before the engine knew step kinds
// and named secrets still resume: their steps read as commands, and their
// secret references under today's names.
import type { Plan, Step } from "./plan";

const OLD_SECRET_NAMES: Record<string, string> = { cookie: "erlangCookie", adminPassword: "managementPassword" };

export function readPlan(json: string): Plan {
  const plan = JSON.parse(json) as Plan;
  for (const ph of plan.phases) {
    ph.steps = ph.steps.map((raw) => {
      const s = raw as Step & { kind?: string; stdin?: { secret?: string } };
      if (!s.kind) (s as { kind: string }).kind = "command";
      if (s.stdin?.secret && OLD_SECRET_NAMES[s.stdin.secret]) s.stdin.secret = OLD_SECRET_NAMES[s.stdin.secret];
      return s as Step;
    });
  }
  return plan;
}
