// Setup: the seeds' procedure as a pure planner — from the cluster's members
// and the operator's options to a plan. No I/O here.
import { z } from "zod";
import { hostsBlock, hostsBlockPresent, writeHostsBlock } from "@/lib/hosts/hosts-file";
import type { PackageWant } from "@/lib/hosts/platform";
import { serviceRunning } from "@/lib/hosts/systemd";
import { COOKIE_PATH, ERLANG_PACKAGES, nodeName, rabbitmqctl, rabbitmqPlugins, rmqScript, WARREN_CONF, WARREN_CONF_CONTENT } from "@/lib/rabbitmq/cli";
import {
  ADMIN_USER, ADMIN_USER_OK, CLUSTER_NAMED, CLUSTER_PORTS, COOKIE_MATCHES, COOKIE_WRITE, DATA_IMPACT, FLAG_ENABLED, FLAGS_ALL_ENABLED, JOINED,
  PLUGIN_ENABLED, POLICY_SET, rabbitmqTargetArgv, START_AND_WAIT, USER_ABSENT, VHOST_QUEUE_TYPE,
} from "@/lib/rabbitmq/scripts";
import { judgeSetup, rulesFor } from "@/lib/rabbitmq/series";
import { bash } from "@/lib/shell";
import { defineOperation, PlanError, type ClusterInventory, type NodeSpec, type Reader } from "../operation";
import { planPlatforms, platformForReading } from "../platforms";
import { planLoadBalancerPhases } from "./load-balancers";
import { SetupOptions, specFromSetup, specMembers } from "@/lib/inventory/spec";
import type { ExpectedCluster, Phase, Plan, Step } from "../plan";
import { nodesDown } from "../outages";

// The options are the RabbitMQ part of the cluster spec (lib/inventory/spec).
export { SetupOptions } from "@/lib/inventory/spec";

export function policyDefinition(o: SetupOptions): { name: string; pattern: string; definition: string } | null {
  if (o.ha.mode === "all") return { name: o.ha.policyName, pattern: o.ha.pattern, definition: JSON.stringify({ "ha-mode": "all", "ha-sync-mode": "automatic" }) };
  if (o.ha.mode === "exactly")
    return { name: o.ha.policyName, pattern: o.ha.pattern, definition: JSON.stringify({ "ha-mode": "exactly", "ha-params": o.ha.count, "ha-sync-mode": "automatic" }) };
  // Quorum queues have no policy: clients choose them (x-queue-type), or the virtual host's default does (3.11 and later).
  return null;
}

/** The rabbitmq-server version a setup will run: the pin, else what the seed has installed, else the newest it is offered. */
export interface SetupFacts { rabbitmqVersion: string | null }

export async function gatherSetupFacts(c: Pick<ClusterInventory, "nodes">, o: Pick<SetupOptions, "rabbitmqVersion">, read: Reader): Promise<SetupFacts> {
  if (o.rabbitmqVersion) return { rabbitmqVersion: o.rabbitmqVersion };
  const seed = c.nodes.find((n) => n.seed) ?? c.nodes[0];
  if (!seed) return { rabbitmqVersion: null };
  const r = await read(seed.name, rabbitmqTargetArgv(platformForReading(seed.platform)));
  return { rabbitmqVersion: "error" in r ? null : parseSetupTarget(r.stdout) };
}

/** "installed V" wins; otherwise the first "rabbitmq-server V" line (offered versions come newest first). */
export function parseSetupTarget(out: string): string | null {
  const lines = out.split("\n").map((l) => l.trim().split(/\s+/));
  const installed = lines.find((l) => l[0] === "installed" && l[1]);
  if (installed) return installed[1];
  return lines.find((l) => l[0] === "rabbitmq-server" && l[1])?.[1] ?? null;
}

export function validateTopology(nodes: NodeSpec[]): string[] {
  const problems: string[] = [];
  if (nodes.length === 0) problems.push("The cluster has no RabbitMQ nodes");
  if (!nodes.some((n) => n.type === "disc")) problems.push("At least one node must be a disc node");
  const seeds = nodes.filter((n) => n.seed);
  if (seeds.length !== 1) problems.push("Exactly one node must be the seed");
  else if (seeds[0].type !== "disc") problems.push("The seed node must be a disc node");
  return problems;
}

/**
 * `runningMembers`: nodes already running in the cluster (adding a node). They
 * see again only what is safe to re-check (hosts file, ports, settings,
 * verify), never a cookie write, an install or a join unit: a check failing
 * for a passing reason (a busy node, the seed restarting) must not reset a
 * running member.
 */
export function planSetup(c: Pick<ClusterInventory, "name" | "nodes" | "loadBalancers" | "id">, o: SetupOptions, { runningMembers = [], rabbitmqVersion = null }: { runningMembers?: string[]; rabbitmqVersion?: string | null } = {}): Plan {
  const nodes = c.nodes;
  const problems = validateTopology(nodes);
  if (problems.length) throw new PlanError(problems.join("; "));
  // What the version allows: refusals stop the plan, warnings travel with it.
  const rules = rulesFor(rabbitmqVersion);
  const judged = rabbitmqVersion ? judgeSetup(rabbitmqVersion, { ha: o.ha.mode, ramNodes: nodes.filter((n) => n.type === "ram").map((n) => n.name), khepri: o.khepri }) : { refusals: [], warnings: [] };
  if (judged.refusals.length) throw new PlanError(judged.refusals.join("; "));
  if (o.khepri && !rules) throw new PlanError("Khepri needs a known RabbitMQ version: pin one, or let Warren reach the seed to read it");
  const seed = nodes.find((n) => n.seed)!;
  // Every host's own package commands; hosts never probed get the default platform, and the plan says so.
  const platforms = planPlatforms([...nodes, ...c.loadBalancers]);
  const running = new Set(runningMembers);
  const fresh = nodes.filter((n) => !running.has(n.name));
  const phases: Phase[] = [];
  const each = (f: (n: NodeSpec) => Step[]) => nodes.flatMap(f);
  const eachFresh = (f: (n: NodeSpec) => Step[]) => fresh.flatMap(f);

  if (o.manageHostsFile) {
    const block = hostsBlock(nodes);
    phases.push({
      title: "Name resolution: a managed block in /etc/hosts",
      steps: each((n) => [{
        kind: "command", key: `hosts:${n.name}`, title: "Write the Warren block in /etc/hosts", host: n.name,
        argv: writeHostsBlock(), stdin: { text: block }, check: hostsBlockPresent(block),
      }]),
    });
  }

  // The cookie is written before the install (when the package keeps it, no
  // restart is needed) and checked again after it: Debian's package may
  // replace a file it did not create, so the post-install step compares
  // hashes and rewrites it with the service stopped when they differ.
  const cookieWrite = rmqScript(COOKIE_WRITE, COOKIE_PATH);
  phases.push({
    title: "Erlang cookie and configuration, before install",
    steps: eachFresh((n) => [{
      kind: "command", key: `cookie:${n.name}`, title: "Write the cluster's Erlang cookie (mode 400)", host: n.name,
      argv: cookieWrite, stdin: { secret: "erlangCookie" }, check: rmqScript(COOKIE_MATCHES, COOKIE_PATH, ""),
    }, {
      // Before the install, so the broker starts with it: connection events (the load balancers' checks) in a file of their own.
      kind: "file", key: `conf:${n.name}`, title: "RabbitMQ configuration: connection events logged to a rotated file of their own", host: n.name,
      path: WARREN_CONF, content: WARREN_CONF_CONTENT, mode: "0644", owner: "root:root",
    }]),
  });

  const rabbitmq: PackageWant = { name: "rabbitmq-server", version: o.rabbitmqVersion };
  const pkgs: PackageWant[] = [rabbitmq, ...(o.erlangVersion ? ERLANG_PACKAGES.map((name) => ({ name, version: o.erlangVersion })) : [])];
  phases.push({
    title: "Install RabbitMQ",
    steps: eachFresh((n) => [
      {
        kind: "command", key: `install:${n.name}`, title: `Install rabbitmq-server${o.rabbitmqVersion ? ` ${o.rabbitmqVersion}` : ""}${o.erlangVersion ? ` with Erlang ${o.erlangVersion}` : ""}`, host: n.name,
        argv: platforms.of(n.name).install(pkgs),
        check: platforms.of(n.name).installedAtLeast([rabbitmq, ...(o.erlangVersion ? [{ name: "erlang-base", version: o.erlangVersion }] : [])]),
        timeoutMs: 15 * 60_000,
      },
      {
        kind: "command", key: `cookie-after:${n.name}`, title: "Same cookie after install (compared by hash), owner rabbitmq, mode 400", host: n.name,
        argv: cookieWrite, stdin: { secret: "erlangCookie" }, check: rmqScript(COOKIE_MATCHES, COOKIE_PATH, "strict"),
      },
      {
        kind: "command", key: `start:${n.name}`, title: "Service enabled and running", host: n.name,
        argv: rmqScript(START_AND_WAIT), check: serviceRunning(platforms.of(n.name).serviceUnit("rabbitmq")), timeoutMs: 5 * 60_000,
      },
    ]),
  });

  if (nodes.length > 1) phases.push({
    title: "Network: clustering ports reachable between nodes",
    steps: each((n) => [{
      kind: "command", key: `ports:${n.name}`, title: "Reach every peer by name on 4369 (epmd), 25672 (Erlang distribution), 5672 (AMQP)", host: n.name,
      argv: bash(CLUSTER_PORTS, "ports", ...nodes.filter((p) => p.name !== n.name).map((p) => p.name)), readOnly: true,
    }]),
  });

  phases.push({
    title: `Join the cluster of ${nodeName(seed.name)}`,
    oneHostAtATime: true,
    // A node leaves and rejoins here (stop_app, reset, join, start_app) only when it is not in place yet.
    expectedOutage: nodesDown(fresh.filter((n) => !n.seed).map((n) => n.name)),
    // One unit per node with one check: asked once, not before every command
    // (each rabbitmqctl call boots an Erlang VM, about a second).
    steps: fresh.filter((n) => !n.seed).flatMap((n): Step[] => {
      const group = `join:${n.name}`;
      return [
        { kind: "command", key: `stop_app:${n.name}`, title: "Stop the RabbitMQ application", host: n.name, argv: rabbitmqctl("stop_app"), group,
          check: rmqScript(JOINED, nodeName(seed.name), n.type === "disc" ? "disk" : "ram", nodeName(n.name)) },
        { kind: "command", key: `reset:${n.name}`, title: "Reset the node", host: n.name, argv: rabbitmqctl("reset"), group,
          destructive: `wipes all data on ${n.name} (queues, messages, users) before it joins`, impact: { argv: rmqScript(DATA_IMPACT), format: "rabbitmq-data" } },
        { kind: "command", key: `join:${n.name}`, title: `Join as a ${n.type} node`, host: n.name, group,
          argv: rabbitmqctl("join_cluster", ...(n.type === "ram" ? ["--ram"] : []), nodeName(seed.name)) },
        // start_app returns once the application has booted: no await_startup needed.
        { kind: "command", key: `start_app:${n.name}`, title: "Start the RabbitMQ application", host: n.name, group, argv: rabbitmqctl("start_app"), timeoutMs: 5 * 60_000 },
      ];
    }),
  });

  // Checks that cost an Erlang VM boot serve the preview only (checkAtRun:
  // false): these steps are idempotent, so at run time they just run.
  const settings: Step[] = [{
    kind: "command", key: "cluster_name", title: `Name the cluster ${o.clusterName}`, host: seed.name,
    argv: rabbitmqctl("set_cluster_name", o.clusterName), check: rmqScript(CLUSTER_NAMED, o.clusterName), checkAtRun: false,
  }];
  const pol = policyDefinition(o);
  if (o.ha.mode === "quorum" && rules?.vhostDefaultQueueType) settings.push({
    kind: "command", key: "default_queue_type", title: "Quorum queues as the default queue type of the virtual host /", host: seed.name,
    argv: rabbitmqctl("update_vhost_metadata", "/", "--default-queue-type", "quorum"), check: rmqScript(VHOST_QUEUE_TYPE, "/", "quorum"), checkAtRun: false,
  });
  if (pol) settings.push({
    kind: "command", key: "policy", title: `Policy ${pol.name} on the pattern ${JSON.stringify(pol.pattern)}`, host: seed.name,
    argv: rabbitmqctl("set_policy", pol.name, pol.pattern, pol.definition, "--apply-to", "queues"),
    check: rmqScript(POLICY_SET, pol.name, pol.pattern, "queues", pol.definition), checkAtRun: false,
  });
  if (o.management) {
    for (const n of nodes) settings.push({
      kind: "command", key: `management:${n.name}`, title: "Enable the management plugin", host: n.name,
      argv: rabbitmqPlugins("enable", "rabbitmq_management"), check: rmqScript(PLUGIN_ENABLED, "rabbitmq_management"),
    });
    settings.push({
      kind: "command", key: "admin_user", title: `Management user ${o.adminUser} (administrator)`, host: seed.name,
      argv: rmqScript(ADMIN_USER, o.adminUser), stdin: { secret: "managementPassword" },
      check: rmqScript(ADMIN_USER_OK, o.adminUser), checkAtRun: false,
    });
  }
  // After the plugins: a plugin's own flags (detailed_queues_endpoint of the management plugin) exist only once it is enabled.
  if (rules?.enableAllFeatureFlags) settings.push({
    kind: "command", key: "feature_flags", title: "Enable every stable feature flag (what the next upgrade needs)", host: seed.name,
    argv: rabbitmqctl("enable_feature_flag", "all"), check: rmqScript(FLAGS_ALL_ENABLED), checkAtRun: false,
  });
  if (o.khepri) settings.push({
    kind: "command", key: "khepri", title: "Switch the metadata store to Khepri (feature flag khepri_db)", host: seed.name,
    argv: rabbitmqctl("enable_feature_flag", "--opt-in", "khepri_db"), check: rmqScript(FLAG_ENABLED, "khepri_db"),
    destructive: "moves the cluster's metadata from Mnesia to Khepri; this cannot be undone",
  });
  if (o.removeGuest) settings.push({
    kind: "command", key: "guest", title: "Remove the default guest user", host: seed.name,
    argv: rabbitmqctl("delete_user", "guest"), check: rmqScript(USER_ABSENT, "guest"),
  });
  phases.push({ title: "Cluster settings", oneHostAtATime: true, steps: settings });

  const expect: ExpectedCluster = {
    name: o.clusterName,
    disc: nodes.filter((n) => n.type === "disc").map((n) => nodeName(n.name)).sort(),
    ram: nodes.filter((n) => n.type === "ram").map((n) => nodeName(n.name)).sort(),
  };
  phases.push({
    title: "Verify: every node sees the planned cluster",
    steps: each((n) => [{
      kind: "command", key: `verify:${n.name}`, title: "cluster_status agrees with the plan", host: n.name,
      argv: rabbitmqctl("cluster_status", "--formatter", "json"), verify: { kind: "cluster-status", expect }, readOnly: true,
    }]),
  });
  if (o.loadBalancers) phases.push(...planLoadBalancerPhases(c, o.loadBalancers));
  else if (c.loadBalancers.length)
    // Chosen as load balancers but not configured yet: say so rather than ignore them.
    throw new PlanError(`${c.loadBalancers.map((l) => l.name).join(", ")} ${c.loadBalancers.length === 1 ? "has" : "have"} the load-balancer role: configure the load balancers (VIP, interface, router id) in the wizard, or remove the role`);
  const warnings = [...judged.warnings, ...platforms.warnings];
  return { type: "setup", phases, ...(warnings.length ? { warnings } : {}) };
}

export const setupOperation = defineOperation({
  type: "setup",
  title: "Set up RabbitMQ",
  description: "Install RabbitMQ on the cluster's nodes and join them into one cluster, as the seeds do by hand: /etc/hosts, the shared Erlang cookie, install, joins one node at a time, name, policy, management user, then verify.",
  role: "operator",
  params: SetupOptions,
  secrets: ["erlangCookie", "managementPassword", "statsPassword", "vrrpPassword"],
  ui: "wizard",
  gather: (c, o, read) => gatherSetupFacts(c, o, read),
  plan: (c, o, facts) => planSetup(c, o, { rabbitmqVersion: facts?.rabbitmqVersion ?? null }),
  nextSpec: (c, o) => specFromSetup(o, specMembers(c), c.spec),
});
