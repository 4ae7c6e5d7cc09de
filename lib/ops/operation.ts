// What an operation is to the engine: a parameter schema, a pure planner, the
// role it needs and the secrets its plan uses. The registry (registry.ts)
// lists them; the API, the plan preview, the UI's actions and the OpenAPI
// document all read it.
import type { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import type { Plan } from "./plan";
import type { SecretName } from "./secrets";
import type { MemberRole, NodeType } from "@/lib/vocabulary";
import type { ClusterSpec } from "@/lib/inventory/spec";
import type { ClusterInventory } from "@/lib/inventory/cluster-inventory";
import type { MigrationFacts } from "@/lib/migration/readiness";

export type { ClusterInventory, HostSpec, NodeSpec } from "@/lib/inventory/cluster-inventory";

/** A read-only command on a host, for gathering facts before planning: its result, or why it could not run. */
export type Reader = (host: string, argv: string[]) => Promise<{ exitCode: number; stdout: string; stderr: string } | { error: string }>;

/**
 * How a run changes the cluster's inventory, applied when it starts (in the
 * same transaction that creates it): add or remove a member, or change a
 * node's type. Removing the seed makes the first remaining disc node the seed.
 */
export type MembershipChange =
  | { op: "add"; host: string; role: MemberRole; nodeType?: NodeType }
  | { op: "remove"; host: string; role: MemberRole }
  | { op: "type"; host: string; nodeType: NodeType };

/** A stored definitions backup as a planner reads it (lib/backups): its document and where it came from. */
export interface StoredBackup { id: string; clusterId: string; clusterName: string; createdAt: Date; rabbitmqVersion: string | null; text: string }

/**
 * What a gather may read besides host commands: stored backups (of any
 * cluster) and a cluster's live definitions, read as a backup reads them
 * (management API through the SSH connection, else rabbitmqctl); nothing is
 * stored. live() throws, saying why, when no node answers.
 */
export interface GatherContext {
  backup(id: string): Promise<StoredBackup | null>;
  liveDefinitions(c: ClusterInventory): Promise<{ text: string; node: string; via: string }>;
  /** Both clusters of a blue-green migration, read and judged (lib/migration/service.ts); throws a PlanError-worthy error, saying why. */
  migration(blueId: string, greenId: string): Promise<MigrationFacts>;
}

/** A planner's refusal: the operation cannot be planned for this cluster with these parameters. */
export class PlanError extends Error {}

/** The cluster's spec, or a refusal: the operation changes what setup made. */
export function requireSpec(c: Pick<ClusterInventory, "name" | "spec">): ClusterSpec {
  if (!c.spec) throw new PlanError(`${c.name} has not been set up by Warren: run the setup first`);
  return c.spec;
}

export interface OperationDef<S extends z.ZodType = z.ZodType, F = undefined> {
  type: string;
  title: string;
  description: string;
  role: Role;
  params: S;
  secrets: SecretName[];
  /** Secrets its plans rotate (steps reading their `next` values): the secrets list offers it. */
  rotates?: SecretName[];
  /**
   * The spec the run brings the cluster to, when it changes it (options,
   * load balancers, members, version pins). It travels in the plan and
   * becomes the cluster's spec when the run succeeds — never before.
   */
  nextSpec?(cluster: ClusterInventory, params: z.infer<S>, facts: F): ClusterSpec;
  /** "wizard": a page of its own (setup); "form": the generic form from the parameter schema; "upgrade", "backups": the cluster page's cards of those names. */
  ui: "wizard" | "form" | "upgrade" | "backups" | "migration";
  /**
   * Facts the planner needs from the hosts (versions installed and offered,
   * which node stopped last…), read before planning. Read-only; the parsing
   * is pure and lives beside the planner.
   */
  gather?(cluster: ClusterInventory, params: z.infer<S>, read: Reader, more: GatherContext): Promise<F>;
  plan(cluster: ClusterInventory, params: z.infer<S>, facts: F): Plan;
  /** What a run with these parameters does, when the title alone would overstate it ("Rolling upgrade of Erlang"). */
  runTitle?(params: z.infer<S>): string;
  /** The inventory change the run makes (see MembershipChange). */
  membership?(cluster: ClusterInventory, params: z.infer<S>): MembershipChange[];
}

export function defineOperation<S extends z.ZodType, F = undefined>(d: OperationDef<S, F>): OperationDef<S, F> {
  return d;
}

/** A parameter naming a host of the inventory that is in no cluster: the UI offers them as choices. */
export const FREE_HOST = { "x-warren": "free-host" } as const;

/** A parameter naming one of the cluster's RabbitMQ nodes: the UI offers them as choices. */
export const CLUSTER_NODE = { "x-warren": "cluster-node" } as const;

/** An option that cannot be undone once applied: off by default everywhere (lib/inventory/spec/options.ts). */
export { IRREVERSIBLE } from "@/lib/inventory/spec/markers";

/**
 * The value an operation form's field starts with: its schema's default, else
 * nothing. A choice without a default (which node to remove or restart, which
 * host to add, which fault to inject) starts empty, so no operation is ever
 * pointed at a host the operator did not pick; a boolean without one is off.
 */
export function initialValue(p: { type?: string; default?: unknown }): unknown {
  if (p.default !== undefined) return p.default;
  return p.type === "boolean" ? false : "";
}
