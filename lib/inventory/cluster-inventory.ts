// A cluster as planners and the live view see it: its inventory, never its
// secrets. Its own module, so that lib/health reads it without lib/ops.
import type { ClusterSpec } from "@/lib/inventory/spec";
import type { NodeType } from "@/lib/vocabulary";

/**
 * `platform`: the system the host's last probe found (lib/hosts/platform, e.g.
 * "debian-12"); null or absent when it was never probed. Planners read it
 * through planPlatforms (lib/ops/platforms.ts).
 */
export interface NodeSpec { name: string; address: string; type: NodeType; seed: boolean; platform?: string | null }
export interface HostSpec { name: string; address: string; platform?: string | null }

/** What a planner knows of a cluster: its inventory, never its secrets. */
export interface ClusterInventory {
  id: string;
  name: string;
  nodes: NodeSpec[];
  loadBalancers: HostSpec[];
  /** What the hosts were last brought to (lib/inventory/spec); null before the first successful setup. */
  spec: ClusterSpec | null;
  /** What this Warren can do beyond SSH: a power command for hosts (WARREN_POWER_COMMAND). */
  power?: string[] | null;
  /** Hosts of the inventory in no cluster: what an "add node" may choose from. */
  freeHosts?: HostSpec[];
}
