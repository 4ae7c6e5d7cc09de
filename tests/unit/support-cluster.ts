import type { ClusterInventory } from "@/lib/ops/operation";
import { ClusterSpec } from "@/lib/inventory/spec";

/** The reference cluster's spec, as its setup and load-balancer runs recorded it. */
export const labSpec = (o: { rabbitmq?: Record<string, unknown>; loadBalancers?: Record<string, unknown> | null } = {}): ClusterSpec => ClusterSpec.parse({
  rabbitmq: { clusterName: "rabbit-prod", ha: { mode: "all" }, ...o.rabbitmq },
  loadBalancers: o.loadBalancers === null ? null : { vip: "10.213.77.100", interface: "eth0", routerId: 51, ...o.loadBalancers },
  members: { nodes: [{ name: "node1", type: "disc", seed: true }, { name: "node2", type: "disc", seed: false }, { name: "node3", type: "ram", seed: false }], loadBalancers: ["node4", "node5"] },
});

/** The lab's reference cluster as the planners see it: node1 disc (seed), node2 disc, node3 ram, node4 and node5 load balancers with the VIP, all probed as Debian 12. */
export const labCluster = (o: Partial<ClusterInventory> = {}): ClusterInventory => ({
  id: "c", name: "prod",
  nodes: [
    { name: "node1", address: "10.213.77.11", type: "disc", seed: true, platform: "debian-12" },
    { name: "node2", address: "10.213.77.12", type: "disc", seed: false, platform: "debian-12" },
    { name: "node3", address: "10.213.77.13", type: "ram", seed: false, platform: "debian-12" },
  ],
  loadBalancers: [{ name: "node4", address: "10.213.77.14", platform: "debian-12" }, { name: "node5", address: "10.213.77.15", platform: "debian-12" }],
  spec: labSpec(),
  ...o,
});
