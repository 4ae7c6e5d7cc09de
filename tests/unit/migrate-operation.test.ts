// The migration as an operation (lib/ops/operations/migrate.ts): its plan on
// real definitions (the 3.10 and 4.0 fixtures), the roll back's, the order
// the steps must keep, what no plan may hold (a password), how a run binds
// the backup it took to the import and the shovels' document it makes at
// run time. The run itself is proven on lab hosts (integration 05).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDefinitions, type Definitions } from "@/lib/backups/definitions";
import { assessMigration } from "@/lib/migration/readiness";
import { parseAmqpUri } from "@/lib/migration/amqp-uri";
import { shovelDefinitions, shovelsFor } from "@/lib/migration/shovels";
import { planMigration, planRollback, rollbackQueues, type MigrationFacts } from "@/lib/ops/operations/migrate";
import { allSteps, assertWellFormed, bindVars, secretsRotated, secretsUsed, type Step } from "@/lib/ops/plan";
import { planScript } from "@/lib/ops/script";
import { PlanError } from "@/lib/ops/operation";
import { BLUE_DEFS, blue, FOUR, FRESH_GREEN, green, greenStats } from "./support-migration";

const stats = greenStats;
const facts = (greenDefs: Definitions = FRESH_GREEN, blueDefs: Definitions = BLUE_DEFS): MigrationFacts => ({
  blue, green, blueDefs, greenDefs, readFrom: { blue: "node1", green: "node6" },
  readiness: assessMigration({ blue, green, blueDefs, greenDefs, greenNodes: stats(), greenQueues: [] }),
});
const keys = (steps: Step[]) => steps.map((s) => s.key);
const index = (steps: Step[], key: string | RegExp) => steps.findIndex((s) => (typeof key === "string" ? s.key === key : key.test(s.key)));

describe("the migration's plan", () => {
  const plan = planMigration(blue, { target: "g" }, facts());
  const steps = allSteps(plan);

  it("is well formed, and keeps the order that loses nothing: backups, import, shovels, bridge, switch, drain, health, clean-up, final config, pause, stop", () => {
    assertWellFormed(plan);
    const order = ["backup", "backup-green", "import", "verify", "shovel-user", "shovels", /^bridge-green:/, /^switch-green:in:/, /^switch-green:out:/, "close-clients-blue", "drained-blue",
      /^healthy-green:/, "unshovel-green", "shovel-user-gone", /^final-green:/, "confirm-stop", /^stop-blue:/];
    const at = order.map((k) => index(steps, k));
    expect(at.every((i) => i >= 0), JSON.stringify(order.filter((_, i) => at[i] < 0).map(String))).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    // The shovels' user goes only after the shovels, in a later phase (a phase's hosts run in parallel).
    const phaseOf = (key: string) => plan.phases.findIndex((p) => p.steps.some((x) => x.key === key));
    expect(phaseOf("unshovel-green")).toBeLessThan(phaseOf("shovel-user-gone"));
    // On each load balancer green's servers come in before blue's go out: a reconnecting client always finds one.
    for (const lb of blue.loadBalancers.map((l) => l.name)) {
      const lastIn = Math.max(...steps.flatMap((s, i) => (s.key.startsWith("switch-green:in:") && s.key.endsWith(`@${lb}`) ? [i] : [])));
      const firstOut = Math.min(...steps.flatMap((s, i) => (s.key.startsWith("switch-green:out:") && s.key.endsWith(`@${lb}`) ? [i] : [])));
      expect(lastIn).toBeLessThan(firstOut);
    }
  });

  it("works on green's hosts where green's things are, blue's where blue's are, and stops only blue's nodes after the pause, destructively", () => {
    const blueNodes = blue.nodes.map((n) => n.name), greenNodes = green.nodes.map((n) => n.name), lbs = blue.loadBalancers.map((l) => l.name);
    expect(greenNodes).toContain(steps.find((s) => s.key === "import")!.host);
    expect(greenNodes).toContain(steps.find((s) => s.key === "shovels")!.host);
    expect(blueNodes).toContain(steps.find((s) => s.key === "shovel-user")!.host);
    expect(blueNodes).toContain(steps.find((s) => s.key === "drained-blue")!.host);
    for (const s of steps.filter((x) => /^(bridge|final)-green:|^switch-green:/.test(x.key))) expect(lbs).toContain(s.host);
    const stops = steps.filter((s) => s.key.startsWith("stop-blue:"));
    expect(stops.map((s) => s.host).sort()).toEqual([...blueNodes].sort());
    expect(stops.some((s) => s.destructive)).toBe(true);
    expect(steps.filter((s) => s.destructive).every((s) => s.key.startsWith("stop-blue:"))).toBe(true);
    const verify = steps.find((s) => s.key === "verify")!;
    expect(verify.kind === "definitions" && verify.cluster).toEqual({ id: "g", name: "four" });
  });

  it("the bridge lists both sides with green in maintenance; the final configuration green's nodes only", () => {
    const bridge = steps.find((s) => s.key.startsWith("bridge-green:"))!;
    const final = steps.find((s) => s.key.startsWith("final-green:"))!;
    if (bridge.kind !== "file" || final.kind !== "file") throw new Error("file steps expected");
    for (const n of blue.nodes) expect(bridge.content).toMatch(new RegExp(`server ${n.name} \\S+ check(?! disabled)`));
    for (const n of green.nodes) expect(bridge.content).toContain(`server ${n.name} ${n.address}:5672 check`);
    for (const n of green.nodes) expect(bridge.content).toMatch(new RegExp(`server ${n.name} \\S+ check.* disabled`));
    for (const n of blue.nodes) expect(final.content).not.toContain(`server ${n.name} `);
    for (const n of green.nodes) expect(final.content).toContain(`server ${n.name} `);
  });

  it("rotates the shovels' password (sealed, new each run) and holds no password or hash anywhere in the plan or its script", () => {
    expect(secretsRotated(plan)).toEqual(["migrationPassword"]);
    // haproxy.cfg holds the stats password (filled at run time), as every load-balancer deploy does.
    expect(secretsUsed(plan)).toEqual(["statsPassword"]);
    const text = JSON.stringify(plan) + planScript(plan, { title: "t" });
    for (const u of BLUE_DEFS.users) expect(text).not.toContain(String(u.password_hash));
    expect(text).not.toMatch(/amqp:\/\/[^"]*:[^"@]*@/);
  });

  it("makes blue's user for the shovels read only, and defines the shovels on green pulling", () => {
    const user = steps.find((s) => s.key === "shovel-user")!;
    if (user.kind !== "command") throw new Error("a command expected");
    expect(user.argv.slice(user.argv.indexOf("shovel-user") + 1).slice(0, 3)).toEqual(["warren-migrate", "", ".*"]);
    const shovels = steps.find((s) => s.key === "shovels")!;
    expect(shovels.kind === "command" && shovels.stdin && "shovels" in shovels.stdin && shovels.stdin.shovels.direction).toBe("pull");
  });

  it("hands the load balancers and the VIP to green with the port the clients use now", () => {
    expect(plan.handover).toMatchObject({ to: { id: "g", name: "four" }, loadBalancers: blue.loadBalancers.map((l) => l.name) });
    expect(plan.handover!.options.frontendPort).toBe(5672);
    expect(plan.handover!.options.vip).toBe(blue.spec!.loadBalancers!.vip);
  });

  it("is refused, saying why, when the readiness has blockers or blue has nothing to move", () => {
    const unhealthy: MigrationFacts = { ...facts(), readiness: assessMigration({ blue, green, blueDefs: BLUE_DEFS, greenDefs: FRESH_GREEN, greenNodes: null, greenQueues: [] }) };
    expect(() => planMigration(blue, { target: "g" }, unhealthy)).toThrow(PlanError);
    expect(() => planMigration(blue, { target: "g" }, unhealthy)).toThrow(/not healthy/);
    expect(() => planMigration(blue, { target: "g" }, facts(FRESH_GREEN, { ...BLUE_DEFS, queues: [] }))).toThrow(/no queue to move/);
    expect(() => planMigration({ ...blue, loadBalancers: [] }, { target: "g" }, facts())).toThrow(PlanError);
  });
});

describe("a run binds what earlier steps recorded", () => {
  it("the import and the verification take the backup the run took first", () => {
    const steps = allSteps(planMigration(blue, { target: "g" }, facts()));
    const imp = bindVars(steps.find((s) => s.key === "import")!, { blueBackup: "bk-123" });
    expect(imp.kind === "command" && imp.stdin && "definitions" in imp.stdin && imp.stdin.definitions.backup).toBe("bk-123");
    const ver = bindVars(steps.find((s) => s.key === "verify")!, { blueBackup: "bk-123" });
    expect(ver.kind === "definitions" && ver.action.do === "verify" && ver.action.against.backup).toBe("bk-123");
    expect(() => bindVars(steps.find((s) => s.key === "import")!, {})).toThrow(/no value for \{var:blueBackup\}/);
  });

  it("the shovels' document made at run time reads every blue node as the run's user with any password, and says it nowhere else (property)", () => {
    const step = allSteps(planMigration(blue, { target: "g" }, facts())).find((s) => s.key === "shovels")!;
    if (step.kind !== "command" || !step.stdin || !("shovels" in step.stdin)) throw new Error("a shovels input expected");
    const ref = step.stdin.shovels;
    fc.assert(fc.property(fc.string({ minLength: 1, unit: "grapheme" }), (password) => {
      const doc = JSON.parse(shovelDefinitions(shovelsFor(ref.queues, { hosts: ref.remote, user: ref.user, password, direction: ref.direction }))) as { parameters: { value: { "src-uri": string[] } }[] };
      expect(doc.parameters).toHaveLength(ref.queues.length);
      for (const p of doc.parameters) {
        expect(p.value["src-uri"].map((u) => parseAmqpUri(u).host)).toEqual(blue.nodes.map((n) => n.address));
        for (const u of p.value["src-uri"]) expect(parseAmqpUri(u)).toMatchObject({ user: ref.user, password });
      }
    }), { numRuns: 50 });
  });
});

describe("the roll back's plan", () => {
  const plan = planRollback(blue, { target: "g" }, facts(parseDefinitions(JSON.stringify({ ...FOUR, queues: FOUR.queues }))));
  const steps = allSteps(plan);

  it("first stops green's forward shovels, then moves back the same way: green's shovels push its queues to blue (3.10's shovel has no predeclared), blue's servers in before green's out", () => {
    assertWellFormed(plan);
    expect(index(steps, "unshovel-green-first")).toBeLessThan(index(steps, "shovels"));
    const shovels = steps.find((s) => s.key === "shovels")!;
    expect(green.nodes.map((n) => n.name)).toContain(shovels.host);
    expect(shovels.kind === "command" && shovels.stdin && "shovels" in shovels.stdin && shovels.stdin.shovels.direction).toBe("push");
    const user = steps.find((s) => s.key === "shovel-user")!;
    expect(blue.nodes.map((n) => n.name)).toContain(user.host);
    // The roll back's user on blue may publish, and nothing else.
    if (user.kind !== "command") throw new Error("a command expected");
    const vhosts = [...new Set(rollbackQueues(facts(FOUR)).map((q) => q.vhost))].sort();
    expect(user.argv.slice(user.argv.indexOf("shovel-user") + 1)).toEqual(["warren-migrate", ".*", "", ...vhosts]);
    expect(green.nodes.map((n) => n.name)).toContain(steps.find((s) => s.key === "drained-green")!.host);
    expect(index(steps, /^switch-blue:in:/)).toBeLessThan(index(steps, /^switch-blue:out:/));
    const final = steps.find((s) => s.key.startsWith("final-blue:"))!;
    if (final.kind !== "file") throw new Error("a file step expected");
    for (const n of green.nodes) expect(final.content).not.toContain(`server ${n.name} `);
    expect(steps.some((s) => s.destructive || s.key.startsWith("stop-"))).toBe(false);
    expect(plan.handover).toBeUndefined();
    expect(keys(steps)).not.toContain("import");
  });

  it("moves only the queues both sides have (not streams), and is refused once the load balancers were handed over", () => {
    const f = facts(parseDefinitions(JSON.stringify({ ...FOUR, queues: FOUR.queues })));
    const both = rollbackQueues(f);
    for (const q of both) expect(BLUE_DEFS.queues.some((b) => b.vhost === q.vhost && b.name === q.name)).toBe(true);
    expect(() => planRollback({ ...blue, loadBalancers: [] }, { target: "g" }, f)).toThrow(/handed them to the target/);
  });
});

describe("a plan does not depend on the order a node lists its queues in", () => {
  it("the same plan for any order of blue's and green's queues (property): the preview's token holds until the start", () => {
    const base = JSON.stringify(planMigration(blue, { target: "g" }, facts()));
    const backBase = JSON.stringify(planRollback(blue, { target: "g" }, facts(FOUR)));
    fc.assert(fc.property(fc.shuffledSubarray(BLUE_DEFS.queues, { minLength: BLUE_DEFS.queues.length }), fc.shuffledSubarray(FOUR.queues, { minLength: FOUR.queues.length }), (bq, gq) => {
      expect(JSON.stringify(planMigration(blue, { target: "g" }, facts(FRESH_GREEN, { ...BLUE_DEFS, queues: bq })))).toBe(base);
      expect(JSON.stringify(planRollback(blue, { target: "g" }, facts({ ...FOUR, queues: gq })))).toBe(backBase);
    }), { numRuns: 30 });
  });
});

describe("a plan does not depend on message counts", () => {
  it("green's queues holding messages or not (the management API's counts lag and move) give the same plan (property)", () => {
    const base = JSON.stringify(planMigration(blue, { target: "g" }, facts()));
    const moving = facts().readiness.moving;
    fc.assert(fc.property(fc.array(fc.nat({ max: 10_000 }), { minLength: moving.length, maxLength: moving.length }), (counts) => {
      const greenQueues = moving.map((q, i) => ({ vhost: q.vhost, name: q.name, type: "quorum", ready: counts[i], unacked: 0, consumers: 0 }));
      const f: MigrationFacts = { ...facts(), readiness: assessMigration({ blue, green, blueDefs: BLUE_DEFS, greenDefs: FRESH_GREEN, greenNodes: stats(), greenQueues }) };
      expect(JSON.stringify(planMigration(blue, { target: "g" }, f))).toBe(base);
    }), { numRuns: 30 });
  });
});
