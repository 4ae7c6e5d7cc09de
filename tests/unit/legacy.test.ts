import { describe, expect, it } from "vitest";
import { legacyBefore4 } from "@/lib/rabbitmq/legacy";
import { labCluster, labSpec } from "./support-cluster";

describe("what a 3.x cluster must change before RabbitMQ 4.x", () => {
  it("names the ram nodes and the mirrored-queue policy, with what breaks and what to do", () => {
    const f = legacyBefore4(labCluster());
    expect(f.map((x) => x.id)).toEqual(["ram-nodes", "mirrored-queues"]);
    expect(f[0].what).toBe("ram node node3");
    expect(f[0].todo).toMatch(/Change a node's type/);
    expect(f[1].what).toBe("classic mirrored queues: policy ha-all (ha-mode all, pattern ^)");
    expect(f[1].breaks).toMatch(/removed in RabbitMQ 4\.0/);
    expect(f[1].todo).toMatch(/quorum/);
  });
  it("nothing for disc nodes with quorum queues", () => {
    const c = labCluster();
    expect(legacyBefore4({ nodes: c.nodes.map((n) => ({ ...n, type: "disc" as const })), spec: labSpec({ rabbitmq: { ha: { mode: "quorum" } } }) })).toEqual([]);
  });
});
