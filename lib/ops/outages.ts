// What the planners declare a phase takes down on purpose (Phase.expectedOutage),
// in a few shapes: the alerts these raise are Warren's own work and held
// while the phase runs (lib/alerts/holds.ts), so they never page.
import { CLUSTER_DURING_NODE_WORK, CLUSTER_SUBJECT, LB_WORK, NODE_STOPPED, VIP_SUBJECT, type AlertKind, type ExpectedOutage } from "@/lib/alerts/kinds";

type Opts = { untilNextRun?: true };
const keep = (o?: Opts) => (o?.untilNextRun ? { untilNextRun: true as const } : {});

/** RabbitMQ nodes stopped, restarted or joining: each node's own alerts and what their absence raises cluster-wide. */
export function nodesDown(hosts: string[], o?: Opts): ExpectedOutage[] {
  if (!hosts.length) return [];
  return [...hosts.map((host) => ({ host, kinds: NODE_STOPPED, ...keep(o) })), { host: CLUSTER_SUBJECT, kinds: CLUSTER_DURING_NODE_WORK, ...keep(o) }];
}

/** Load balancers whose HAProxy or Keepalived restart (the VIP may move between them, or be on none for a moment). */
export function loadBalancersWork(hosts: string[], extra: AlertKind[] = []): ExpectedOutage[] {
  if (!hosts.length) return [];
  return [...hosts.map((host) => ({ host, kinds: [...LB_WORK, ...extra] })), { host: VIP_SUBJECT, kinds: ["vip-none"] }];
}

/** Cluster-wide conditions only (a rolling upgrade's mixed versions, held across its pauses). */
export function clusterWide(kinds: AlertKind[]): ExpectedOutage[] {
  return [{ host: CLUSTER_SUBJECT, kinds }];
}
