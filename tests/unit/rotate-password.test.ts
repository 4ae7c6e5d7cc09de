import { describe, expect, it } from "vitest";
import { allSteps, secretsRotated, secretsUsed, type CommandStep } from "@/lib/ops/plan";
import { rotateManagementPasswordOperation as op } from "@/lib/ops/operations/rotate-management-password";
import { planScript } from "@/lib/ops/script";
import type { ClusterInventory } from "@/lib/ops/operation";
import { labSpec } from "./support-cluster";

const cluster = (rabbitmq: Record<string, unknown> | null): ClusterInventory => ({
  id: "c", name: "prod", loadBalancers: [], spec: rabbitmq ? labSpec({ rabbitmq, loadBalancers: null }) : null,
  nodes: [{ name: "node1", address: "10.0.0.1", type: "disc", seed: true }, { name: "node2", address: "10.0.0.2", type: "disc", seed: false }],
});

describe("rotating the management password", () => {
  it("sets the new value on the seed (destructive: the old one stops working), then checks it on every node, never in argv", () => {
    const plan = op.plan(cluster({ adminUser: "ops-admin", management: true }), {}, undefined);
    const steps = allSteps(plan) as CommandStep[];
    expect(steps.map((s) => `${s.key}@${s.host}`)).toEqual(["change_password@node1", "verify:node1@node1", "verify:node2@node2"]);
    expect(steps[0].destructive).toMatch(/current password of ops-admin stops working/);
    expect(steps.every((s) => s.stdin && "secret" in s.stdin && s.stdin.next)).toBe(true);
    expect(steps.every((s) => s.argv.includes("ops-admin"))).toBe(true);
    expect(secretsRotated(plan)).toEqual(["managementPassword"]);
    expect(secretsUsed(plan)).toEqual([]);
    // A copied script asks for the new value in its own variable.
    expect(planScript(plan, { title: "prod" })).toContain('${NEW_MANAGEMENT_PASSWORD:?set NEW_MANAGEMENT_PASSWORD to the new management admin password}');
  });
  it("is refused for a cluster Warren did not set up, or set up without the management plugin", () => {
    expect(() => op.plan(cluster(null), {}, undefined)).toThrow(/has not been set up by Warren/);
    expect(() => op.plan(cluster({ management: false }), {}, undefined)).toThrow(/without the management plugin/);
  });
  it("needs the admin role", () => expect(op.role).toBe("admin"));
});
