import type { ClusterInventory } from "@/lib/ops/operation";

/** The lab's reference cluster as the planners see it: node1 disc (seed), node2 disc, node3 ram, node4 and node5 load balancers with the VIP. */
export const labCluster = (o: Partial<ClusterInventory> = {}): ClusterInventory => ({
  id: "c", name: "prod",
  nodes: [
    { name: "node1", address: "10.213.77.11", type: "disc", seed: true },
    { name: "node2", address: "10.213.77.12", type: "disc", seed: false },
    { name: "node3", address: "10.213.77.13", type: "ram", seed: false },
  ],
  loadBalancers: [{ name: "node4", address: "10.213.77.14" }, { name: "node5", address: "10.213.77.15" }],
  settings: { setup: { clusterName: "rabbit-prod", ha: { mode: "all" } }, "load-balancers": { vip: "10.213.77.100", interface: "eth0", routerId: 51 } },
  ...o,
});
