// The facts cluster operations plan from, read through an injected Reader
// (so planners stay pure and tests use captured output): each node's
// packages and service state, and the cluster's own view from one node
// that answers (cluster_status, feature flags).
import { parseClusterStatus, type ClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { rabbitmqctl } from "@/lib/rabbitmq/cli";
import { nodeStateArgv, parseFeatureFlags, parseNodeState, type NodeState } from "@/lib/rabbitmq/node-state";
import type { ClusterInventory, Reader } from "./operation";
import { platformForReading } from "./platforms";

export interface ClusterFacts {
  nodes: Record<string, NodeState | { error: string }>;
  /** cluster_status as the first answering node sees it (null: none answered). */
  status: ClusterStatus | null;
  statusFrom: string | null;
  featureFlags: Record<string, string> | null;
}

export const nodeState = (f: ClusterFacts, host: string): NodeState | null => {
  const s = f.nodes[host];
  return s && !("error" in s) ? s : null;
};

export async function gatherClusterFacts(c: ClusterInventory, read: Reader, o: { featureFlags?: boolean; hosts?: string[] } = {}): Promise<ClusterFacts> {
  const hosts = o.hosts ?? c.nodes.map((n) => n.name);
  const nodes: ClusterFacts["nodes"] = {};
  const recorded = new Map([...c.nodes, ...c.loadBalancers].map((m) => [m.name, m.platform]));
  await Promise.all(hosts.map(async (h) => {
    const r = await read(h, nodeStateArgv(platformForReading(recorded.get(h))));
    nodes[h] = "error" in r ? { error: r.error } : parseNodeState(r.stdout);
  }));
  let status: ClusterStatus | null = null;
  let statusFrom: string | null = null;
  let featureFlags: Record<string, string> | null = null;
  for (const n of c.nodes) {
    const st = nodes[n.name];
    if (!st || "error" in st || st.active !== "active") continue;
    const r = await read(n.name, rabbitmqctl("-q", "cluster_status", "--formatter", "json"));
    if ("error" in r || r.exitCode !== 0) continue;
    try { status = parseClusterStatus(r.stdout); statusFrom = n.name; } catch { continue; }
    if (o.featureFlags) {
      const ff = await read(n.name, rabbitmqctl("-q", "list_feature_flags", "name", "state", "stability", "--formatter", "json"));
      if (!("error" in ff) && ff.exitCode === 0) try { featureFlags = parseFeatureFlags(ff.stdout); } catch { /* stays unknown */ }
    }
    break;
  }
  return { nodes, status, statusFrom, featureFlags };
}
