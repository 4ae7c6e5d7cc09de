import { describe, expect, it } from "vitest";
import { z } from "zod";
import { OPERATIONS } from "@/lib/ops/registry";
import { initialValue } from "@/lib/ops/operation";
import { hostReach } from "@/lib/inventory/reach";
import { RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { SetupOptions } from "@/lib/ops/operations/setup";

// What the generic operation form starts with comes from each operation's
// parameter schema (components/ops/operation-form.tsx): these rules hold for
// every registered operation, so a new one cannot quietly preselect a node
// or turn an irreversible option on.
type Prop = { type?: string; default?: unknown; enum?: unknown[]; description?: string; "x-warren"?: string; "x-irreversible"?: boolean };

/** Every property of a JSON schema, nested objects and unions included, with its path. */
function properties(schema: unknown, at = ""): [string, Prop][] {
  if (!schema || typeof schema !== "object") return [];
  const s = schema as { properties?: Record<string, unknown>; oneOf?: unknown[]; anyOf?: unknown[] };
  const own = Object.entries(s.properties ?? {}).flatMap(([k, p]): [string, Prop][] => [[`${at}${k}`, p as Prop], ...properties(p, `${at}${k}.`)]);
  return [...own, ...[...(s.oneOf ?? []), ...(s.anyOf ?? [])].flatMap((x) => properties(x, at))];
}
const schemas = OPERATIONS.map((o) => [o.type, properties(z.toJSONSchema(o.params, { io: "input", unrepresentable: "any" }))] as const);

describe("operation forms start safe", () => {
  it("a host or node to act on is never preselected: every such choice starts empty", () => {
    const hostChoices = schemas.flatMap(([type, props]) => props.filter(([, p]) => p["x-warren"] === "cluster-node" || p["x-warren"] === "free-host").map(([k, p]) => [type, k, initialValue(p)]));
    expect(hostChoices.length).toBeGreaterThanOrEqual(5);
    for (const [type, k, v] of hostChoices) expect(v, `${type}.${k}`).toBe("");
  });

  it("a choice without a default starts empty; one with a default starts there", () => {
    const drill = schemas.find(([t]) => t === "failover-drill")![1].find(([k]) => k === "fault")![1];
    expect(initialValue(drill)).toBe("");
    const mode = schemas.find(([t]) => t === "remove-node")![1].find(([k]) => k === "mode")![1];
    expect(initialValue(mode)).toBe("graceful");
    expect(initialValue({ type: "boolean" })).toBe(false);
  });

  it("irreversible options are off by default, in every operation; options that say so are marked", () => {
    const marked = schemas.flatMap(([type, props]) => props.filter(([, p]) => p["x-irreversible"]).map(([k, p]) => [`${type}.${k}`, p] as const));
    expect(marked.map(([k]) => k).sort()).toEqual(["restore.deleteExtra", "rolling-upgrade.enableFeatureFlags", "setup.khepri"]);
    for (const [k, p] of marked) expect(initialValue(p), k).toBe(false);
    // An option whose own words call it irreversible must carry the mark (and so the rule above).
    for (const [type, props] of schemas)
      for (const [k, p] of props) if (/not reversible|irreversible|cannot be undone/i.test(p.description ?? "")) expect(p["x-irreversible"], `${type}.${k}`).toBe(true);
    expect(RollingUpgradeParams.parse({ erlangVersion: "1" }).enableFeatureFlags).toBe(false);
    expect(SetupOptions.parse({ clusterName: "x", ha: { mode: "quorum" } }).khepri).toBe(false);
  });
});

describe("a host's reachability, as the lists show it", () => {
  it("the live watch first, else the last connection test, else not tested", () => {
    const at = new Date("2026-12-01T10:00:00Z");
    expect(hostReach({ reachable: true }, { ok: false, at })).toEqual({ reach: "reachable", label: "reachable (watched)" });
    expect(hostReach({ reachable: false }, { ok: true, at })).toEqual({ reach: "unreachable", label: "unreachable now" });
    expect(hostReach(undefined, { ok: false, at })).toEqual({ reach: "unreachable", label: "connection test failed" });
    expect(hostReach(undefined, { ok: true, at })).toEqual({ reach: "reachable", label: "connection test passed" });
    expect(hostReach(undefined, { ok: null, at: null })).toEqual({ reach: "untested", label: "not tested yet" });
  });
});
