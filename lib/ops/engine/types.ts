// The engine's vocabulary: run and step statuses (the state machine), and the
// two edges it talks to — where runs are stored, and how a command reaches a
// host. The runner is written against these interfaces only, so its
// scheduling is unit-tested with an in-memory store and an in-process
// executor, and integration-tested with Prisma and SSH on lab hosts.
import type { DefinitionsRef, DefinitionsStep, Plan } from "../plan";
import type { SecretName } from "../secrets";
import type { LogStream } from "@/lib/vocabulary";

export const RUN_STATUSES = ["queued", "running", "paused", "succeeded", "failed", "cancelled", "interrupted"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const STEP_STATUSES = ["pending", "running", "waiting", "done", "skipped", "failed", "cancelled", "interrupted"] as const;
export type StepStatus = (typeof STEP_STATUSES)[number];

/** Who may move a run from one status to another. */
export const RUN_TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  queued: ["running", "cancelled"],
  running: ["succeeded", "failed", "cancelled", "paused", "interrupted"],
  paused: ["queued", "cancelled"],
  failed: ["queued"],
  interrupted: ["queued"],
  cancelled: ["queued"],
  succeeded: [],
};

/** A run holds its cluster while it is in one of these. */
export const ACTIVE_RUN: readonly RunStatus[] = ["queued", "running", "paused"];
/** A run in one of these can be resumed from its first unfinished step. */
export const RETRYABLE_RUN: readonly RunStatus[] = ["failed", "interrupted", "cancelled"];

export const FINISHED_STEP: readonly StepStatus[] = ["done", "skipped"];
/** Steps a retry or resume runs again. */
export const UNFINISHED_STEP: readonly StepStatus[] = ["pending", "running", "failed", "cancelled", "interrupted"];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

export interface StepOutcome {
  status: StepStatus;
  exitCode?: number | null;
  stderrTail?: string | null;
  note?: string | null;
}

export interface ClaimedRun {
  id: string;
  type: string;
  clusterId: string;
  plan: Plan;
  cancelAsked: boolean;
  steps: Map<string, StepStatus>;
  /** Steps that began in an earlier attempt (a retry set them back to pending). */
  startedBefore: Set<string>;
  /** Values recorded by earlier steps ({var:NAME}). */
  vars: Record<string, string>;
}

export interface Adopted { id: string; resumed: boolean; why: string }

export interface LogRow { seq: number; hostName: string | null; stream: LogStream; text: string }

/** Where runs live. Every method is one small write: a crash between two loses nothing already written. */
export interface RunStore {
  /**
   * Runs left "running" by a process that is gone (of one cluster, or of all when null): with
   * `resume`, each whose steps in progress are all safe to start again (takeover.ts) goes back
   * to queued with those steps pending (their checks decide); every other one is marked interrupted.
   */
  adopt(clusterId: string | null, resume: boolean): Promise<Adopted[]>;
  /** Of these runs, those an operator asked to stop (possibly through another instance). */
  cancelAsked(runIds: string[]): Promise<string[]>;
  queued(): Promise<{ id: string; clusterId: string }[]>;
  /** Runs marked running (by this process or another). */
  running(): Promise<{ id: string; clusterId: string }[]>;
  /** queued → running, only if still queued (a cancel may have landed). */
  claim(runId: string): Promise<ClaimedRun | null>;
  stepStarted(runId: string, key: string): Promise<void>;
  stepFinished(runId: string, key: string, o: StepOutcome): Promise<void>;
  /** Latest progress of a long step (a gate's last output). */
  stepNote(runId: string, key: string, note: string): Promise<void>;
  /** Records a run variable for later steps (kept across a restart). */
  setVar(runId: string, name: string, value: string): Promise<void>;
  finish(runId: string, status: RunStatus, error: string | null): Promise<void>;
  secrets(clusterId: string, names: SecretName[]): Promise<Partial<Record<SecretName, string>>>;
  /** The new values of the secrets this run rotates (set up when it started); an error if another run took the rotation over. */
  nextSecrets(clusterId: string, runId: string, names: SecretName[]): Promise<Partial<Record<SecretName, string>>>;
  lastLogSeq(runId: string): Promise<number>;
  appendLogs(runId: string, rows: LogRow[]): Promise<void>;
}

export interface ExecResult { exitCode: number; stdout: string; stderr: string }

export interface ExecOptions {
  stdin?: string;
  timeoutMs: number;
  signal?: AbortSignal;
  onOutput?: (stream: "stdout" | "stderr", text: string) => void;
  /** Return non-zero exits instead of throwing. */
  allowFailure?: boolean;
  /** Masked as *** wherever the command, output or errors are reported. */
  secrets?: string[];
}

/**
 * Runs an argument vector on a host (by inventory name). Failures are thrown
 * as errors recognised by isSshError (kind, exitCode, stderrTail, command).
 */
export interface Executor {
  run(host: string, argv: string[], o: ExecOptions): Promise<ExecResult>;
}

/**
 * Warren's own work on a cluster's definitions (lib/backups/work.ts): backups
 * stored in its database, documents sent to a host on stdin, objects
 * deleted, live definitions compared with a backup. The runner is given one;
 * unit tests give it a fake.
 */
export interface DefinitionsWork {
  /** Reads the definitions from the first of `hosts` that answers and stores them as a backup of the cluster. */
  backup(o: { clusterId: string; runId: string; hosts: string[]; reason: string; signal: AbortSignal }): Promise<{ id: string; line: string }>;
  /** The newest stored backup of the cluster, in words (for a backup step that found the cluster stopped). */
  latest(clusterId: string): Promise<string | null>;
  /** The document a step sends on stdin: the stored backup as prepared for the cluster, and the values to mask wherever output is reported (its password hashes). */
  document(ref: DefinitionsRef): Promise<{ text: string; mask: string[] }>;
  /** Deletes the objects one by one (those already gone count as deleted), saying each. */
  remove(o: { clusterId: string; hosts: string[]; objects: Extract<DefinitionsStep["action"], { do: "delete" }>["objects"]; signal: AbortSignal; say: (line: string) => void }): Promise<void>;
  /** What still differs between the live definitions and the backup after a restore (empty: nothing). */
  verify(o: { clusterId: string; hosts: string[]; action: Extract<DefinitionsStep["action"], { do: "verify" }>; signal: AbortSignal }): Promise<{ problems: string | null; line: string }>;
}
