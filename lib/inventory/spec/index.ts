// The cluster spec: what a cluster is meant to be — its RabbitMQ options,
// its load balancers and VIP, its members with their roles — as one typed,
// versioned value. A run that changes it carries the next spec in its plan;
// the new version is recorded only when that run succeeds, so the spec is
// always what the hosts were last brought to. Pure: the store is ../specs.ts.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { NodeType } from "@/lib/vocabulary";
import { LoadBalancerOptions, RabbitmqOptions, SetupOptions } from "./options";

export { HaOptions, LoadBalancerOptions, RabbitmqOptions, SetupOptions } from "./options";

export const SpecMembers = z.object({
  nodes: z.array(z.object({ name: hostName, type: z.enum(NodeType), seed: z.boolean() })),
  loadBalancers: z.array(hostName),
});
export type SpecMembers = z.infer<typeof SpecMembers>;

export const ClusterSpec = z.object({
  rabbitmq: RabbitmqOptions,
  /** null: the cluster has no load balancers (or they were never deployed). */
  loadBalancers: LoadBalancerOptions.nullable(),
  members: SpecMembers,
});
export type ClusterSpec = z.infer<typeof ClusterSpec>;

/** Members as planners see them (ClusterInventory), as a spec records them. */
export function specMembers(c: { nodes: { name: string; type: NodeType; seed: boolean }[]; loadBalancers: { name: string }[] }): SpecMembers {
  return {
    nodes: [...c.nodes].map((n) => ({ name: n.name, type: n.type, seed: n.seed })).sort((a, b) => a.name.localeCompare(b.name)),
    loadBalancers: c.loadBalancers.map((l) => l.name).sort(),
  };
}

/** A setup's spec: its options, its load balancers' (or the ones already deployed, when it has none), its members. */
export function specFromSetup(o: SetupOptions, members: SpecMembers, current: ClusterSpec | null): ClusterSpec {
  const { loadBalancers, ...rabbitmq } = o;
  return ClusterSpec.parse({ rabbitmq, loadBalancers: loadBalancers ?? (members.loadBalancers.length ? current?.loadBalancers ?? null : null), members });
}

/**
 * Version 1 of a cluster that predates specs, from what its earlier runs left
 * in Cluster.settings ("the parameters each operation last ran with"; before
 * that, the last setup's options alone) and its members. Null when there is
 * no setup to start from. Settings that do not pass today's schemas are
 * reported, not dropped silently.
 */
export function specFromLegacySettings(json: string | null, members: SpecMembers): { spec: ClusterSpec | null; problems: string[] } {
  if (!json) return { spec: null, problems: [] };
  let raw: Record<string, unknown>;
  try { raw = JSON.parse(json) as Record<string, unknown>; } catch { return { spec: null, problems: ["the stored settings are not JSON"] }; }
  const byType = ("clusterName" in raw ? { setup: raw } : raw) as Record<string, Record<string, unknown> | undefined>;
  const setup = SetupOptions.safeParse(byType.setup);
  if (!setup.success) return { spec: null, problems: byType.setup ? [`the last setup's options no longer pass: ${setup.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`] : [] };
  const problems: string[] = [];
  // The load-balancer operation ran after the setup when it has its own entry: it is the newer.
  let lb: LoadBalancerOptions | null = setup.data.loadBalancers ?? null;
  if (byType["load-balancers"]) {
    const own = LoadBalancerOptions.safeParse(byType["load-balancers"]);
    if (own.success) lb = own.data;
    else problems.push(`the load balancers' last options no longer pass: ${own.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  if (!members.loadBalancers.length) lb = null;
  const { loadBalancers: _, ...rabbitmq } = setup.data;
  return { spec: ClusterSpec.parse({ rabbitmq, loadBalancers: lb, members }), problems };
}

export interface SpecChange { path: string; before: unknown; after: unknown }

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** What differs between two specs, leaf by leaf (arrays compared whole), in a stable order. */
export function diffSpecs(a: ClusterSpec | null, b: ClusterSpec | null): SpecChange[] {
  const out: SpecChange[] = [];
  const walk = (x: unknown, y: unknown, path: string) => {
    // Something new (or gone) is listed leaf by leaf, like a change.
    if (x === undefined && isObject(y)) x = {};
    if (y === undefined && isObject(x)) y = {};
    if (isObject(x) && isObject(y)) {
      for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) walk(x[k], y[k], path ? `${path}.${k}` : k);
      return;
    }
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ path, before: x, after: y });
  };
  walk(a ?? {}, b ?? {}, "");
  return out.filter((c) => c.before !== undefined || c.after !== undefined);
}

export const sameSpec = (a: ClusterSpec | null, b: ClusterSpec | null) => diffSpecs(a, b).length === 0;

/** One line per change, as people read it. */
export function describeChange(c: SpecChange): string {
  const show = (v: unknown) => (v === undefined || v === null ? "—" : typeof v === "string" ? v : JSON.stringify(v));
  return `${c.path}: ${show(c.before)} → ${show(c.after)}`;
}
