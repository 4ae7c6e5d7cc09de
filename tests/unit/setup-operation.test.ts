import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { allSteps, assertWellFormed, type CommandStep, type Step } from "@/lib/ops/plan";
import { planSetup, SetupOptions, validateTopology } from "@/lib/ops/operations/setup";
import type { NodeSpec } from "@/lib/ops/operation";
import { hostsBlock } from "@/lib/hosts/hosts-file";
import { SECRETS } from "@/lib/ops/secrets";
import { compareWithPlan, parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { ATTACK_STRINGS } from "../support/attack-strings";

const inv = (nodes: NodeSpec[]) => ({ id: "c", name: "prod", nodes, loadBalancers: [], spec: null });
const nodes: NodeSpec[] = [
  { name: "node1", address: "10.213.77.11", type: "disc", seed: true },
  { name: "node2", address: "10.213.77.12", type: "disc", seed: false },
  { name: "node3", address: "10.213.77.13", type: "ram", seed: false },
];
const opts = SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all" } });
const CLI = "/usr/lib/rabbitmq/bin/rabbitmqctl";
const cliArgs = (argv: string[]) => argv.slice(argv.indexOf(CLI) + 1);
const commands = (steps: Step[]) => steps.filter((s): s is CommandStep => s.kind === "command");

describe("planSetup", () => {
  const plan = planSetup(inv(nodes), opts);

  it("follows the seeds: hosts, cookie, install, joins one at a time, settings, verify", () => {
    assertWellFormed(plan);
    expect(plan.phases.map((p) => p.title)).toEqual([
      "Name resolution: a managed block in /etc/hosts", "Erlang cookie and configuration, before install", "Install RabbitMQ",
      "Network: clustering ports reachable between nodes", "Join the cluster of rabbit@node1", "Cluster settings",
      "Verify: every node sees the planned cluster",
    ]);
    const join = plan.phases[4];
    expect(join.oneHostAtATime).toBe(true);
    expect(commands(join.steps).filter((s) => s.argv.includes(CLI)).map((s) => `${s.host} ${cliArgs(s.argv).join(" ")}`)).toEqual([
      "node2 stop_app", "node2 reset", "node2 join_cluster rabbit@node1", "node2 start_app",
      "node3 stop_app", "node3 reset", "node3 join_cluster --ram rabbit@node1", "node3 start_app",
    ]);
  });

  it("writes Warren's configuration before the install, so the broker starts with connection events in their own rotated file", () => {
    const conf = plan.phases[1].steps.filter((s) => s.kind === "file");
    expect(conf.map((s) => `${s.host} ${s.kind === "file" && s.path}`)).toEqual(["node1 /etc/rabbitmq/conf.d/90-warren.conf", "node2 /etc/rabbitmq/conf.d/90-warren.conf", "node3 /etc/rabbitmq/conf.d/90-warren.conf"]);
    expect(conf[0].kind === "file" && conf[0].content).toMatch(/^log\.connection\.file = connection\.log$/m);
    expect(plan.phases[2].title).toBe("Install RabbitMQ");
  });

  it("never goes through Debian's rabbitmqctl/rabbitmq-plugins wrappers, which re-evaluate arguments in a shell", () => {
    for (const st of commands(allSteps(plan))) {
      for (const argv of [st.argv, st.check].filter((a): a is string[] => !!a)) {
        expect(argv[0], st.key).not.toMatch(/^rabbitmq(ctl|-plugins|-diagnostics|-upgrade)$/);
        if (argv[0] === "sh" && /(^|\s)rabbitmqctl /m.test(argv[2].split("\n").slice(1).join("\n"))) expect(argv[2], st.key).toContain("rabbitmqctl() { runuser -u rabbitmq");
        if (argv[0] === "sh") expect(argv[2], st.key).not.toMatch(/(^|[;&|(\n]\s*)rabbitmq-(plugins|diagnostics|upgrade) /);
      }
      if (st.argv.includes(CLI)) expect(st.argv.slice(0, 4)).toEqual(["runuser", "-u", "rabbitmq", "--"]);
    }
  });

  it("checks the clustering ports from every node to every peer by name, passing names as arguments", () => {
    const ports = commands(plan.phases[3].steps);
    expect(ports.map((s) => `${s.host}: ${s.argv.slice(3).join(" ")}`)).toEqual(["node1: ports node2 node3", "node2: ports node1 node3", "node3: ports node1 node2"]);
    expect(ports[0].argv[2]).not.toMatch(/node\d/);
    expect(ports.every((s) => s.readOnly)).toBe(true);
  });

  it("calls out the resets as destructive, with what they would destroy, and nothing else", () => {
    const d = commands(allSteps(plan)).filter((s) => s.destructive);
    expect(d.map((s) => `${s.host}:${cliArgs(s.argv).join(" ")}`)).toEqual(["node2:reset", "node3:reset"]);
    expect(d.every((s) => s.impact?.format === "rabbitmq-data")).toBe(true);
  });

  it("gives every step that changes something a check (its own or its unit's), so a re-plan can tell what is in place", () => {
    const steps = allSteps(plan);
    const unitChecked = (s: Step) => !!s.group && !!(steps.find((x) => x.group === s.group) as CommandStep).check;
    const unchecked = commands(steps).filter((s) => !s.check && !s.readOnly && !unitChecked(s)).map((s) => s.key);
    expect(unchecked).toEqual([]);
    // Checks that cost an Erlang VM boot serve the preview; at run time these idempotent steps just run.
    expect(commands(steps).filter((s) => s.checkAtRun === false).map((s) => s.key)).toEqual(["cluster_name", "policy", "admin_user"]);
  });

  it("makes each join one unit with one check, the check on its first step", () => {
    expect(plan.phases[4].steps.map((s) => `${s.group}:${(s as CommandStep).check ? "check" : "-"}`)).toEqual([
      "join:node2:check", "join:node2:-", "join:node2:-", "join:node2:-",
      "join:node3:check", "join:node3:-", "join:node3:-", "join:node3:-",
    ]);
  });

  it("never puts the cookie or the management password in a command: they travel on stdin", () => {
    const secretSteps = commands(allSteps(plan)).filter((s) => s.stdin && "secret" in s.stdin);
    expect(secretSteps.map((s) => s.key)).toEqual(["cookie:node1", "cookie:node2", "cookie:node3", "cookie-after:node1", "cookie-after:node2", "cookie-after:node3", "admin_user"]);
    expect(JSON.stringify(plan)).not.toMatch(/[0-9a-f]{64}/); // not even the cookie's hash
    expect(Object.keys(SECRETS)).toContain("erlangCookie");
  });

  it("uses the mirrored-queue policy the operator chose", () => {
    const p2 = planSetup(inv(nodes), SetupOptions.parse({ clusterName: "x", ha: { mode: "exactly", count: 2 } }));
    expect(cliArgs(commands(p2.phases[5].steps).find((s) => s.key === "policy")!.argv)).toEqual(
      ["set_policy", "ha-exactly", "^", '{"ha-mode":"exactly","ha-params":2,"ha-sync-mode":"automatic"}', "--apply-to", "queues"]);
    const q = planSetup(inv(nodes), SetupOptions.parse({ clusterName: "x", ha: { mode: "quorum" } }));
    expect(q.phases[5].steps.some((s) => s.key === "policy")).toBe(false);
  });

  it("pins RabbitMQ and every Erlang package when versions are chosen", () => {
    const p = planSetup(inv(nodes), SetupOptions.parse({ clusterName: "x", ha: { mode: "all" }, erlangVersion: "1:25.2.3+dfsg-1+deb12u1" }));
    const argv = (p.phases[2].steps[0] as CommandStep).argv;
    expect(argv).toContain("erlang-base=1:25.2.3+dfsg-1+deb12u1");
    expect(argv.filter((a) => a.startsWith("erlang-")).length).toBe(17);
  });

  it("leaves /etc/hosts alone when the operator declines", () => {
    const p = planSetup(inv(nodes), { ...opts, manageHostsFile: false });
    expect(p.phases[0].title).toBe("Erlang cookie and configuration, before install");
  });

  it("writes a hosts block tagged by its content", () => {
    expect(hostsBlock(nodes)).toMatch(/^# BEGIN warren [0-9a-f]{12}\n10\.213\.77\.11\tnode1\n10\.213\.77\.12\tnode2\n10\.213\.77\.13\tnode3\n# END warren$/);
  });

  it("refuses topologies without a disc node or with a ram seed", () => {
    expect(validateTopology(nodes.map((n) => ({ ...n, type: "ram" as const })))).toContain("At least one node must be a disc node");
    expect(() => planSetup(inv([{ ...nodes[2], seed: true }, { ...nodes[0], seed: false }]), opts)).toThrow(/seed node must be a disc/);
  });

  it("rejects shell metacharacters in every free-text option, and loose types", () => {
    for (const a of ATTACK_STRINGS.filter((x) => /[^A-Za-z0-9_.@-]/.test(x) || x === "")) {
      expect(SetupOptions.safeParse({ clusterName: a, ha: { mode: "all" } }).success, JSON.stringify(a)).toBe(false);
      expect(SetupOptions.safeParse({ clusterName: "x", ha: { mode: "all" }, adminUser: a }).success, JSON.stringify(a)).toBe(false);
    }
    expect(SetupOptions.safeParse({ clusterName: "x", ha: { mode: "exactly", count: "2" } }).success).toBe(false);
    expect(SetupOptions.safeParse({ clusterName: "x", ha: { mode: "all", pattern: "a\u0000b" } }).success).toBe(false);
  });
});

describe("secrets", () => {
  it("the Erlang cookie is strong, uses only characters Erlang accepts, and is not the form Debian's postinst replaces", () => {
    const c = SECRETS.erlangCookie.generate();
    expect(c).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(c).not.toMatch(/^[A-Z]{20}$/);
    expect(SECRETS.erlangCookie.generate()).not.toBe(c);
    expect(SECRETS.vrrpPassword.generate().length).toBeLessThanOrEqual(8);
  });
});

describe("parseClusterStatus", () => {
  // Captured from lab node2 after Warren set up node1+node2 disc, node3 ram (RabbitMQ 3.10.8).
  const real = fs.readFileSync(`${__dirname}/../fixtures/cluster-status-3.10-disc2-ram1.json`, "utf8");

  it("reads a real 3.10 cluster", () => {
    const s = parseClusterStatus(real);
    expect(s).toMatchObject({ clusterName: "rabbit-prod", diskNodes: ["rabbit@node1", "rabbit@node2"], ramNodes: ["rabbit@node3"] });
    expect(s.runningNodes).toEqual(["rabbit@node1", "rabbit@node2", "rabbit@node3"]);
    expect(s.versions["rabbit@node1"].rabbitmq).toBe("3.10.8");
    expect(compareWithPlan(s, { name: "rabbit-prod", disc: ["rabbit@node1", "rabbit@node2"], ram: ["rabbit@node3"] })).toEqual([]);
  });

  it("says what differs", () => {
    const s = parseClusterStatus(real);
    const d = compareWithPlan(s, { name: "other", disc: ["rabbit@node1"], ram: ["rabbit@node2", "rabbit@node3"] });
    expect(d.join("\n")).toMatch(/cluster name is rabbit-prod, planned other/);
    expect(d.join("\n")).toMatch(/disc nodes are/);
  });

  it("strips 3.10's ANSI colours and tolerates keys it does not know", () => {
    const j = JSON.parse(real);
    j.maintenance_status = { "rabbit@node1": "\u001b[1mmarked for maintenance\u001b[0m" };
    j.cluster_tags = { a: "b" };
    expect(parseClusterStatus(JSON.stringify(j)).maintenance["rabbit@node1"]).toBe("marked for maintenance");
  });
});
