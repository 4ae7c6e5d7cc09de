// Observe, then plan (like `terraform plan`): before a plan is shown, every
// step's check is asked on its host — read-only — so each step can be marked
// "will run", "already in place" or "destructive — will run", with what it
// would destroy and, for files, the diff. The same checks run again before
// each step at run time; a token over the forecast lets a start refuse a
// plan whose hosts changed since it was shown.
import { createHash } from "node:crypto";
import { isSshError } from "@/lib/ssh/errors";
import { describeImpact } from "@/lib/rabbitmq/impact";
import { fileArgv, fileDiff } from "./file-deploy";
import { allSteps, fillSecrets, VAR_RE, type Plan, type Step } from "./plan";
import type { SecretName } from "./secrets";
import type { Executor } from "./engine/types";

export type Forecast = "run" | "in-place" | "check" | "wait" | "pause" | "unknown";

export interface StepForecast {
  state: Forecast;
  /** What a destructive step that will run would destroy. */
  impact?: string;
  /** A file step's changes, secrets shown as <NAME>. */
  diff?: string;
  /** Why the state is unknown. */
  error?: string;
  /** A gate that records a run variable: the host that would pass it now (the run asks again). */
  found?: string;
}

export interface ForecastSummary { change: number; inPlace: number; destructive: number; checks: number; unknown: number }

const TIMEOUT_MS = 45_000;

function stdinOf(s: Step, secrets: Partial<Record<SecretName, string>>): string | undefined {
  if (s.kind !== "command" || !s.stdin || "definitions" in s.stdin || "shovels" in s.stdin) return undefined;
  return "text" in s.stdin ? s.stdin.text : secrets[s.stdin.secret];
}

const maskSecrets = (text: string, secrets: Partial<Record<SecretName, string>>) => {
  let out = text;
  for (const [name, v] of Object.entries(secrets)) if (v && v.length >= 3) out = out.split(v).join(`<${name}>`);
  return out;
};

export async function forecastPlan(plan: Plan, executor: Executor, secrets: Partial<Record<SecretName, string>>): Promise<Record<string, StepForecast>> {
  const mask = Object.values(secrets).filter((v): v is string => !!v);
  const run = (host: string, argv: string[], stdin?: string) => executor.run(host, argv, { stdin, allowFailure: true, timeoutMs: TIMEOUT_MS, secrets: mask });
  const out: Record<string, StepForecast> = {};
  const steps = allSteps(plan);

  // An unreachable host makes every one of its steps "unknown" at once, instead of one timeout per check.
  // Steps on Warren itself (a power command, definitions work), or on a host only known at run time ({var:…}), cannot be asked beforehand.
  const runtime = (s: Step) => s.kind === "local" || s.kind === "definitions" || VAR_RE.test(s.host);
  const hosts = [...new Set(steps.filter((s) => !runtime(s)).map((s) => s.host).filter(Boolean))];
  const down = new Map<string, string>();
  await Promise.all(hosts.map(async (h) => {
    try { await run(h, ["true"]); } catch (e) { down.set(h, isSshError(e) ? e.message : String(e)); }
  }));

  const ask = async (s: Step): Promise<StepForecast> => {
    if (s.kind === "pause") return { state: "pause" };
    if (s.kind === "gate" && s.across?.record) {
      // Read-only, like the gate itself: who would be recorded if the run started now (who holds the VIP).
      const yes = await Promise.all(s.across.hosts.map(async (h) => !down.has(h) && (await run(h, s.argv).then((r) => r.exitCode === 0, () => false))));
      const found = s.across.hosts.filter((_, i) => yes[i]);
      return found.length === 1 ? { state: "wait", found: found[0] } : { state: "wait" };
    }
    if (s.kind === "gate") return { state: "wait" };
    if (s.kind === "definitions") return { state: s.action.do === "verify" ? "check" : "run" };
    if (s.kind === "local" || runtime(s)) return { state: "run" };
    if (down.has(s.host)) return { state: "unknown", error: down.get(s.host) };
    try {
      if (s.kind === "file") {
        const content = fillSecrets(s.content, (n) => secrets[n]);
        if ((await run(s.host, fileArgv.inPlace(s), content)).exitCode === 0) return { state: "in-place" };
        const cur = await run(s.host, fileArgv.read(s.path));
        const current = cur.exitCode === 3 ? null : maskSecrets(cur.stdout, secrets);
        return { state: "run", diff: fileDiff(s.path, current, s.content.replace(/\{\{secret:([A-Za-z]+)\}\}/g, "<$1>")) };
      }
      if (s.readOnly) return { state: "check" };
      if (!s.check) return { state: "run" };
      return { state: (await run(s.host, s.check, stdinOf(s, secrets))).exitCode === 0 ? "in-place" : "run" };
    } catch (e) {
      return { state: "unknown", error: isSshError(e) ? e.message : String(e) };
    }
  };

  // A unit's check decides for the whole unit (see Step.group).
  const heads = new Map<string, Step>();
  for (const s of steps) if (s.group && !heads.has(s.group)) heads.set(s.group, s);
  const unitChecked = (s: Step) => { const h = s.group ? heads.get(s.group) : undefined; return h && h.kind === "command" && h.check ? h : undefined; };

  await Promise.all(steps.map(async (s) => {
    const head = unitChecked(s);
    if (head && head !== s) return;
    out[s.key] = await ask(s);
  }));
  for (const s of steps) {
    const head = unitChecked(s);
    if (head && head !== s) out[s.key] = { ...out[head.key], diff: undefined, impact: undefined };
  }
  // What the destructive steps that will run would destroy.
  await Promise.all(steps.filter((s) => s.destructive && s.impact && out[s.key].state === "run").map(async (s) => {
    try {
      const r = await run(s.host, s.impact!.argv);
      out[s.key].impact = describeImpact(s.impact!.format, s.host, r.stdout);
    } catch (e) {
      out[s.key].impact = `could not tell what it would destroy (${isSshError(e) ? e.message : String(e)})`;
    }
  }));
  return out;
}

export function summarize(plan: Plan, f: Record<string, StepForecast>): ForecastSummary {
  const s: ForecastSummary = { change: 0, inPlace: 0, destructive: 0, checks: 0, unknown: 0 };
  for (const st of allSteps(plan)) {
    const x = f[st.key]?.state ?? "unknown";
    if (x === "in-place") s.inPlace++;
    else if (x === "run") { s.change++; if (st.destructive) s.destructive++; }
    else if (x === "unknown") { s.unknown++; if (st.destructive) s.destructive++; }
    else s.checks++;
  }
  return s;
}

export function summaryLine(s: ForecastSummary): string {
  const parts = [`${s.change} to change`, `${s.inPlace} already in place`, `${s.destructive} destructive`];
  if (s.checks) parts.push(`${s.checks} ${s.checks === 1 ? "check or wait" : "checks and waits"}`);
  if (s.unknown) parts.push(`${s.unknown} unknown (host unreachable)`);
  return parts.join(", ");
}

/**
 * A token over the plan and what was observed: starting with a token that no
 * longer matches means the hosts changed since the plan was shown.
 */
export function planToken(plan: Plan, f: Record<string, StepForecast>): string {
  const states = allSteps(plan).map((s) => [s.key, f[s.key]?.state ?? "unknown", f[s.key]?.diff ?? "", impactKind(f[s.key]?.impact)]);
  return createHash("sha256").update(JSON.stringify([plan, states])).digest("hex").slice(0, 32);
}

// Message counts move on a live node; whether there is data to destroy is what matters.
const impactKind = (impact?: string) => (!impact ? "" : /^nothing/.test(impact) ? "none" : "data");
