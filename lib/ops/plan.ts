// A plan: ordered phases; within a phase, steps on different hosts run in
// parallel (or one host after another, in a given order), steps on one host in
// order. Steps are data — exact argument vectors, file contents, gates, pauses —
// so the same plan can be previewed, printed as a script and executed.
import type { SecretName } from "./secrets";
import type { ClusterSpec, LoadBalancerOptions } from "@/lib/inventory/spec";
import type { ObjectRef } from "@/lib/backups/definitions";
import type { PrepareOptions } from "@/lib/backups/translate";
import type { RestoreOptions, RestoreSummary } from "@/lib/backups/restore";
import type { ExpectedOutage } from "@/lib/alerts/kinds";

/**
 * A stored definitions backup as a step sends it: read from Warren's database
 * when the step runs and prepared for the cluster (lib/backups/translate.ts),
 * so neither the plan nor the run's rows ever hold the document.
 */
export interface DefinitionsRef { backup: string; prepare: PrepareOptions }

/**
 * What a step reads on standard input, never from argv: a sealed secret,
 * text, or a stored definitions backup. `next`: the new value of a secret
 * this run rotates (it replaces the current one only when the run succeeds).
 */
export type StepInput = { secret: SecretName; next?: true } | { text: string } | { definitions: DefinitionsRef } | { shovels: ShovelsRef };

/**
 * A blue-green migration's shovels as a definitions document (lib/migration/
 * shovels.ts), made when the step runs: their URIs hold the password of the
 * user the run created to read the source cluster, which is the new value of
 * `secret` this run rotates — so neither the plan nor the run's rows hold it.
 */
export interface ShovelsRef {
  queues: { vhost: string; name: string }[];
  /** The other cluster's nodes (address and AMQP port), tried in turn. */
  remote: { host: string; port: number }[];
  /** pull: the other cluster's queues into this one's; push: this one's into the other's. */
  direction: "pull" | "push";
  user: string;
  secret: SecretName;
}

/** A verification of a command's output done in Warren (pure, see verifiers.ts). */
export type Verify = { kind: "cluster-status"; expect: ExpectedCluster };

export interface ExpectedCluster {
  name: string;
  disc: string[]; // node names, rabbit@host
  ram: string[];
}

/** A read-only command whose output says what a destructive step would destroy. */
export interface Impact { argv: string[]; format: "rabbitmq-data" }

interface StepCommon {
  /** Unique within the plan; run rows are matched to steps by it. */
  key: string;
  title: string;
  host: string;
  /**
   * Consecutive steps on one host that form one unit (stop_app, reset,
   * join_cluster, start_app; a config file and the reload after it): only the
   * first carries the check, asked once. Done → the whole unit is skipped;
   * not done → the unit runs from its first step, even when an earlier attempt
   * finished some of it. Every step of a unit must be safe to repeat. A failure
   * inside a unit rolls back the unit's file steps.
   */
  group?: string;
  /** Why this step destroys something; it needs confirmation when it will really run. */
  destructive?: string;
  impact?: Impact;
  timeoutMs?: number;
}

export interface CommandStep extends StepCommon {
  kind: "command";
  argv: string[];
  /** Given to the check as well as to the command. */
  stdin?: StepInput;
  /** Exit 0 means the step's effect is already there. */
  check?: string[];
  /**
   * false: the check only serves the preview; at run time the step just runs
   * (idempotent steps, where asking would cost as much as doing).
   */
  checkAtRun?: boolean;
  /** Changes nothing on the host (a connectivity or state check). */
  readOnly?: boolean;
  verify?: Verify;
}

/**
 * A managed file: uploaded next to its target, validated on the host, swapped
 * in atomically keeping the previous version, followed by `then` (a reload)
 * and `verify`; a failed verification — or a later failure in its unit —
 * restores the previous file and runs `then` again.
 */
export interface FileStep extends StepCommon {
  kind: "file";
  path: string;
  /** May hold {{secret:NAME}} placeholders, filled at run time. */
  content: string;
  mode: string;
  owner?: string;
  /** Validates the candidate; an argument that is exactly {file} stands for its path. */
  validate?: string[];
  then?: string[];
  verify?: string[];
}

/**
 * Polls a read-only command until it exits 0, showing its latest output. With
 * `across`, the command runs on each of those hosts and the gate passes when
 * exactly one of them exits 0 (e.g. exactly one load balancer holds the VIP);
 * an unreachable host counts as "not it".
 */
export interface GateStep extends StepCommon {
  kind: "gate";
  argv: string[];
  across?: {
    hosts: string[];
    expect: "exactly-one";
    what: string;
    /** This host must not be the one (e.g. "{var:owner}": the VIP moved away from it). */
    not?: string;
    /** Remember the host that said yes as this run variable, for later steps ({var:NAME}). */
    record?: string;
  };
  waitingFor: string;
  intervalMs: number;
  timeoutMs: number;
}

/**
 * Runs on Warren's own machine, not on a host: a configured power command
 * (the lab's, or a site's IPMI wrapper) switching a host off and on. Its
 * argv comes from Warren's configuration and host names, never from input.
 */
export interface LocalStep extends StepCommon {
  kind: "local";
  argv: string[];
}

/**
 * Work Warren itself does on the cluster's definitions (lib/backups), through
 * the SSH connection of the first of `hosts` that answers (`host` is the
 * first): read them and store a backup in Warren's database (recording its
 * id as a run variable), delete objects one by one, or compare the live
 * definitions with a backup. Nothing is written to a file on a host.
 */
export interface DefinitionsStep extends StepCommon {
  kind: "definitions";
  hosts: string[];
  /** The cluster whose definitions these are, when not the run's own (a migration restores onto its target). */
  cluster?: { id: string; name: string };
  action:
    | {
      do: "backup"; reason: string;
      /** A cluster that does not answer (stopped, as force-boot finds it) is no failure: the newest stored backup is named instead. */
      ifRunning?: boolean;
      record?: string;
    }
    | { do: "delete"; objects: ObjectRef[] }
    | { do: "verify"; against: DefinitionsRef; options: RestoreOptions };
}

/** The run waits here for an operator's Continue. */
export interface PauseStep extends StepCommon {
  kind: "pause";
  message: string;
}

export type Step = CommandStep | FileStep | GateStep | LocalStep | PauseStep | DefinitionsStep;
export type StepKind = Step["kind"];

export interface Phase {
  title: string;
  /** Run the hosts one after another (joins, upgrades), not in parallel. */
  oneHostAtATime?: boolean;
  /**
   * Every step after the one before, whatever its host: a node's upgrade goes
   * from gates on the node to both load balancers, the node, a peer and back,
   * and no step may start before the one listed before it has finished.
   */
  inOrder?: boolean;
  /** Explicit host order within the phase (default: order of first appearance). */
  order?: string[];
  /**
   * The host this phase works on when its steps also run elsewhere (a node's
   * upgrade takes it out of the load balancers' rotation on them): the phase's
   * time is that host's time, whichever host each step ran on.
   */
  subject?: string;
  /**
   * What this phase takes down on purpose (a node it stops, a load balancer
   * whose HAProxy it restarts): those alerts are held while the phase runs
   * and shortly after, never paged (lib/alerts/holds.ts). Anything else —
   * another node failing, the run failing — pages at once.
   */
  expectedOutage?: ExpectedOutage[];
  steps: Step[];
}

export interface Plan {
  type: string;
  phases: Phase[];
  /** What the operator should know before starting (a deprecated choice the version still allows). */
  warnings?: string[];
  /** The cluster spec this plan applies (OperationDef.nextSpec): recorded when the run succeeds. */
  spec?: ClusterSpec;
  /** Each run variable in words ({ owner: "the VIP holder" }): shown wherever its value is not known yet. */
  vars?: Record<string, string>;
  /** A restore's account of what it will create, change and delete against the live definitions, and what it translates (lib/backups/restore.ts). */
  restore?: RestoreSummary;
  /**
   * A migration's end (lib/migration): when the run succeeds, the load
   * balancers (and the VIP) become the target cluster's members, with these
   * options in its spec, and leave this one's — in one transaction; the
   * target's own load balancers, if it had any, leave its inventory.
   */
  handover?: {
    to: { id: string; name: string }; loadBalancers: string[]; options: LoadBalancerOptions;
    /** The target's own load balancers: they leave its inventory (the hosts are not touched). */
    release: string[];
  };
}

export const FILE_TOKEN = "{file}";
/** A run variable recorded by an earlier step (see GateStep.across.record), as a whole argument or as a step's host. */
export const VAR_RE = /^\{var:([a-z][a-zA-Z0-9]*)\}$/;

/** The step with its run variables filled in; an unknown variable is an error. */
export function bindVars<T extends Step>(s: T, vars: Record<string, string>): T {
  const one = (v: string) => {
    const m = VAR_RE.exec(v);
    if (!m) return v;
    if (!(m[1] in vars)) throw new Error(`the run has no value for {var:${m[1]}} yet (the step recording it did not run)`);
    return vars[m[1]];
  };
  const out = { ...s, host: one(s.host) } as T;
  if ("argv" in out) (out as { argv: string[] }).argv = out.argv.map(one);
  // A backup made earlier in the run (its id recorded) is what a later step imports or compares with.
  if (out.kind === "command" && out.stdin && "definitions" in out.stdin)
    out.stdin = { definitions: { ...out.stdin.definitions, backup: one(out.stdin.definitions.backup) } };
  if (out.kind === "definitions" && out.action.do === "verify")
    out.action = { ...out.action, against: { ...out.action.against, backup: one(out.action.against.backup) } };
  if (out.kind === "gate" && out.across?.not) out.across = { ...out.across, not: one(out.across.not) };
  return out;
}
/**
 * A host as people should read it: a run variable's value once the run has
 * recorded it, else what the variable stands for ("the VIP holder"), never
 * the placeholder itself.
 */
export function showHost(host: string, vars: Record<string, string> = {}, labels: Record<string, string> = {}): string {
  const m = VAR_RE.exec(host);
  if (!m) return host;
  return vars[m[1]] ?? labels[m[1]] ?? m[1];
}

/** Text mentioning run variables (a step's command line) as people should read it: values where known, else <what they stand for>. */
export function showVars(text: string, vars: Record<string, string> = {}, labels: Record<string, string> = {}): string {
  return text.replace(/\{var:([a-z][a-zA-Z0-9]*)\}/g, (_, n: string) => vars[n] ?? `<${labels[n] ?? n}>`);
}

/** A step changes its host (a command that is not a read-only check, a file, a local power command, definitions deleted); gates and pauses only wait, backups and verifications only read. */
export function changesHost(s: Step): boolean {
  return s.kind === "file" || s.kind === "local" || (s.kind === "command" && !s.readOnly) || (s.kind === "definitions" && s.action.do === "delete");
}

const SECRET_RE = /\{\{secret:([A-Za-z]+)\}\}/g;

/** Secrets a plan needs at run time (their current values). */
export function secretsUsed(plan: Plan): SecretName[] {
  const out = new Set<SecretName>();
  for (const s of allSteps(plan)) {
    if (s.kind === "command" && s.stdin && "secret" in s.stdin && !s.stdin.next) out.add(s.stdin.secret);
    if (s.kind === "file") for (const m of s.content.matchAll(SECRET_RE)) out.add(m[1] as SecretName);
  }
  return [...out];
}

/** Secrets a plan rotates: steps read their new values. */
export function secretsRotated(plan: Plan): SecretName[] {
  const out = new Set<SecretName>();
  for (const s of allSteps(plan)) {
    if (s.kind === "command" && s.stdin && "secret" in s.stdin && s.stdin.next) out.add(s.stdin.secret);
    if (s.kind === "command" && s.stdin && "shovels" in s.stdin) out.add(s.stdin.shovels.secret);
  }
  return [...out];
}

/** Fills {{secret:NAME}} placeholders; an unknown secret is an error, never an empty string. */
export function fillSecrets(content: string, value: (name: SecretName) => string | undefined): string {
  return content.replace(SECRET_RE, (_, name: SecretName) => {
    const v = value(name);
    if (v === undefined) throw new Error(`the cluster has no ${name} yet`);
    return v;
  });
}

/** Splits content into literal parts and secret references (for scripts that fill them locally). */
export function splitSecrets(content: string): ({ text: string } | { secret: SecretName })[] {
  const parts: ({ text: string } | { secret: SecretName })[] = [];
  let last = 0;
  for (const m of content.matchAll(SECRET_RE)) {
    if (m.index > last) parts.push({ text: content.slice(last, m.index) });
    parts.push({ secret: m[1] as SecretName });
    last = m.index + m[0].length;
  }
  if (last < content.length) parts.push({ text: content.slice(last) });
  return parts;
}

export function allSteps(plan: Plan): Step[] {
  return plan.phases.flatMap((p) => p.steps);
}

/** Host order of a phase: its explicit order, then any host not named there, in order of appearance. */
export function hostOrder(phase: Phase): string[] {
  const seen = [...new Set(phase.steps.map((s) => s.host))];
  if (!phase.order) return seen;
  return [...phase.order.filter((h) => seen.includes(h)), ...seen.filter((h) => !phase.order!.includes(h))];
}

/** Consecutive steps (of one host, if given): a single step, or a unit (see Step.group). */
export type Work = { unit: false; step: Step } | { unit: true; steps: Step[] };

export function workOfPhase(phase: Phase, host?: string): Work[] {
  const out: Work[] = [];
  for (const s of phase.steps) {
    if (host !== undefined && s.host !== host) continue;
    const last = out[out.length - 1];
    if (s.group && last?.unit && last.steps[0].group === s.group) last.steps.push(s);
    else out.push(s.group ? { unit: true, steps: [s] } : { unit: false, step: s });
  }
  return out;
}

/** Plan-level invariants every planner must keep; a violation is a bug in the planner. */
export function assertWellFormed(plan: Plan): void {
  const keys = new Set<string>();
  for (const [pi, ph] of plan.phases.entries()) {
    let prevGroup: string | undefined;
    const closed = new Set<string>();
    for (const s of ph.steps) {
      if (keys.has(s.key)) throw new Error(`plan ${plan.type}: duplicate step key ${s.key}`);
      keys.add(s.key);
      if (s.group) {
        if (closed.has(s.group)) throw new Error(`plan ${plan.type}: unit ${s.group} is not contiguous`);
        const first = ph.steps.find((x) => x.group === s.group)!;
        if (first.host !== s.host) throw new Error(`plan ${plan.type}: unit ${s.group} spans hosts`);
      }
      if (prevGroup && prevGroup !== s.group) closed.add(prevGroup);
      prevGroup = s.group;
      if (s.kind === "pause" && ph.steps.length !== 1) throw new Error(`plan ${plan.type}: phase ${pi + 1}: a pause is a phase of its own`);
    }
  }
}
