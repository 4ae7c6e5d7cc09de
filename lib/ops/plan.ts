// A plan: ordered phases; within a phase, steps on different hosts run in
// parallel, steps on the same host run in order. Each step is an exact
// argument vector plus, where possible, a check that tells whether its effect
// is already in place, so a resumed run never repeats what is done.
import { commandLine } from "@/lib/ssh/quote";

/** Secrets are named, never embedded: the runner opens them at run time. */
export type SecretRef = "cookie" | "adminPassword";

export interface Step {
  key: string;
  title: string;
  host: string; // host name
  argv: string[];
  /** Sent on stdin (a secret, or a file's content). */
  stdin?: { secret: SecretRef } | { text: string };
  /** Exit 0 means the step's effect is already there: skip it. */
  check?: string[];
  /**
   * Consecutive steps on one host that form one unit (stop_app, reset,
   * join_cluster, start_app): only the first carries the check, asked once.
   * Done → the whole unit is skipped; not done → the unit runs from its first
   * step, even when an earlier attempt finished some of it (a host that
   * rebooted mid-join has its app running again and must stop it before
   * reset). Every step of a unit must therefore be safe to repeat whenever
   * the unit's check fails.
   */
  group?: string;
  /** Runs in the runner after the command: a pure verification of its output. */
  verify?: { kind: "cluster-status"; expect: ExpectedCluster };
  destructive?: string; // why, shown before confirmation
  timeoutMs?: number;
}

export interface ExpectedCluster {
  name: string;
  disc: string[]; // node names, rabbit@host
  ram: string[];
}

export interface Phase {
  title: string;
  /** Run the hosts' steps one host after another (e.g. joins), not in parallel. */
  oneHostAtATime?: boolean;
  steps: Step[];
}

export interface Plan {
  type: string;
  phases: Phase[];
}

/** The plan as a shell script an operator can read and copy (secrets shown as placeholders). */
export function planAsShell(plan: Plan): string {
  const out: string[] = [`# Warren plan: ${plan.type}`];
  plan.phases.forEach((ph, i) => {
    out.push("", `# phase ${i + 1}: ${ph.title}${ph.oneHostAtATime ? " (one host at a time)" : " (hosts in parallel)"}`);
    ph.steps.forEach((s, j) => {
      const prev = ph.steps[j - 1], next = ph.steps[j + 1];
      const opens = s.group && prev?.group !== s.group, closes = s.group && next?.group !== s.group;
      if (opens) out.push(`# one unit on ${s.host}, skipped as a whole when done:`, `if ! ssh ${s.host} -- ${commandLine(s.check ?? ["false"])}; then`);
      const indent = s.group ? "  " : "";
      out.push(`${indent}# ${s.title}${s.destructive ? `  [DESTRUCTIVE: ${s.destructive}]` : ""}`);
      const stdin = s.stdin ? ("secret" in s.stdin ? ` <<< "\${${s.stdin.secret.toUpperCase()}}"` : " <<'EOF'\n" + s.stdin.text + "\nEOF") : "";
      const check = s.check && !s.group ? `${commandLine(s.check)} || ` : "";
      out.push(`${indent}ssh ${s.host} -- ${check}${commandLine(s.argv)}${stdin}`);
      if (closes) out.push("fi");
    });
  });
  return out.join("\n") + "\n";
}

export function destructiveSteps(plan: Plan): Step[] {
  return plan.phases.flatMap((p) => p.steps.filter((s) => s.destructive));
}
