// What an operation is to the engine: a parameter schema, a pure planner, the
// role it needs and the secrets its plan uses. The registry (registry.ts)
// lists them; the API, the plan preview, the UI's actions and the OpenAPI
// document all read it.
import type { z } from "zod";
import type { Role } from "@/lib/auth/roles";
import type { Plan } from "./plan";
import type { SecretName } from "./secrets";

export interface NodeSpec { name: string; address: string; type: "disc" | "ram"; seed: boolean }
export interface HostSpec { name: string; address: string }

/** What a planner knows of a cluster: its inventory, never its secrets. */
export interface ClusterInventory {
  id: string;
  name: string;
  nodes: NodeSpec[];
  loadBalancers: HostSpec[];
  /** The parameters last used per operation type that remembers them (e.g. setup). */
  settings: Record<string, Record<string, unknown>>;
  /** What this Warren can do beyond SSH: a power command for hosts (WARREN_POWER_COMMAND). */
  power?: string[] | null;
}

/** A planner's refusal: the operation cannot be planned for this cluster with these parameters. */
export class PlanError extends Error {}

export interface OperationDef<S extends z.ZodType = z.ZodType> {
  type: string;
  title: string;
  description: string;
  role: Role;
  params: S;
  secrets: SecretName[];
  /** Secrets its plans rotate (steps reading their `next` values): the secrets list offers it. */
  rotates?: SecretName[];
  /** Keep the parameters as the cluster's settings for this type (later operations read them). */
  remember?: boolean;
  /** "wizard": a page of its own (setup); "form": the generic form from the parameter schema. */
  ui: "wizard" | "form";
  plan(cluster: ClusterInventory, params: z.infer<S>): Plan;
}

export function defineOperation<S extends z.ZodType>(d: OperationDef<S>): OperationDef<S> {
  return d;
}

/** A parameter naming one of the cluster's RabbitMQ nodes: the UI offers them as choices. */
export const CLUSTER_NODE = { "x-warren": "cluster-node" } as const;
