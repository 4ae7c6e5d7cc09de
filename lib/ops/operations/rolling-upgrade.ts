// A rolling upgrade of Erlang and/or RabbitMQ, one node at a time with the
// cluster serving throughout. Pre-checks refuse with every reason at once
// (a node down, a partition, an alarm, a version the hosts do not offer, a
// downgrade, a skipped release series, an unsupported Erlang, feature flags
// the next series requires). Per node, in order (ram nodes, disc nodes, the
// seed last): no queue depends on it alone → out of both load balancers'
// rotation → drain → stop → upgrade the packages → start → back in the
// cluster with the same type, no partition or alarm, mirrors synchronised →
// back in rotation → (optional pause). Definitions are backed up first;
// stable feature flags are enabled at the end if chosen.
import { z } from "zod";
import type { PackageWant } from "@/lib/hosts/platform";
import { ERLANG_PACKAGES, nodeName, rabbitmqctl, rmqScript } from "@/lib/rabbitmq/cli";
import { CLUSTER_HEALTHY, DRAIN, JOINED, MIRRORS_SYNCED, RUNNING_IN_CLUSTER, START_AND_WAIT } from "@/lib/rabbitmq/scripts";
import { erlangSupported, missingFlags, rabbitmqRelease, seriesOf, upgradePath, erlangRule } from "@/lib/rabbitmq/versions";
import { gatherClusterFacts, nodeState, type ClusterFacts } from "../cluster-facts";
import { defineOperation, IRREVERSIBLE, PlanError, type ClusterInventory, requireSpec } from "../operation";
import { planPlatforms } from "../platforms";
import type { Phase, Plan, Step } from "../plan";
import { queueSafetyGates, verifyPhase } from "./cluster-nodes";
import { stopOrder } from "./cluster-power";
import { rotationSteps } from "./rotation";
import { backupPhase } from "@/lib/backups/steps";
import { clusterWide, nodesDown } from "../outages";

const version = z.string().regex(/^[A-Za-z0-9.+:~-]{1,64}$/, "A package version, e.g. 1:25.2.3+dfsg-1+deb12u2");

export const RollingUpgradeParams = z.strictObject({
  erlangVersion: version.optional().meta({ description: "Erlang (erlang-base and every erlang-* package) to this version", "x-warren": "offered-erlang" }),
  rabbitmqVersion: version.optional().meta({ description: "rabbitmq-server to this version", "x-warren": "offered-rabbitmq" }),
  pauseBetweenNodes: z.boolean().default(false).meta({ description: "Pause after each node until an operator presses Continue" }),
  // Off unless asked: once enabled, no node can go back to the version it ran before.
  enableFeatureFlags: z.boolean().default(false).meta({ ...IRREVERSIBLE, description: "At the end, enable every stable feature flag (the next upgrade will need them; not reversible)" }),
});
export type RollingUpgradeParams = z.infer<typeof RollingUpgradeParams>;

/** Every reason the upgrade cannot start, from the facts. */
export function preChecks(c: ClusterInventory, p: RollingUpgradeParams, f: ClusterFacts): string[] {
  const why: string[] = [];
  if (!p.erlangVersion && !p.rabbitmqVersion) return ["choose an Erlang version, a RabbitMQ version, or both"];
  const platforms = planPlatforms(c.nodes);
  if (c.nodes.length < 2) why.push(`${c.name} has one node: a rolling upgrade needs another node to serve while each one is down (upgrade it in a maintenance window instead)`);
  for (const n of c.nodes) {
    const s = f.nodes[n.name];
    if (!s || "error" in s) { why.push(`${n.name} cannot be reached: ${s && "error" in s ? s.error : "no answer"}`); continue; }
    if (!s.installed["rabbitmq-server"]) why.push(`${n.name} has no rabbitmq-server installed`);
    if (s.active !== "active") why.push(`${n.name}: rabbitmq-server is ${s.active ?? "in an unknown state"}; every node must run before a rolling upgrade`);
    if (p.erlangVersion && !(s.offered["erlang-base"] ?? []).includes(p.erlangVersion)) why.push(`${n.name}'s package source does not offer erlang-base ${p.erlangVersion}${s.offered["erlang-base"]?.length ? ` (it offers ${s.offered["erlang-base"].join(", ")})` : ""}`);
    if (p.rabbitmqVersion && !(s.offered["rabbitmq-server"] ?? []).includes(p.rabbitmqVersion)) why.push(`${n.name}'s package source does not offer rabbitmq-server ${p.rabbitmqVersion}${s.offered["rabbitmq-server"]?.length ? ` (it offers ${s.offered["rabbitmq-server"].join(", ")})` : ""}`);
    const curE = s.installed["erlang-base"], curR = s.installed["rabbitmq-server"];
    if (p.erlangVersion && curE && platforms.of(n.name).compareVersions(p.erlangVersion, curE) < 0) why.push(`${n.name} runs Erlang ${curE}, newer than ${p.erlangVersion}: no downgrades`);
    if (p.rabbitmqVersion && curR) {
      const path = upgradePath(curR, p.rabbitmqVersion);
      if (!path.ok) why.push(`${n.name}: ${path.reason}`);
    }
    const targetR = p.rabbitmqVersion ?? curR, targetE = p.erlangVersion ?? curE;
    if (targetR && targetE) {
      const ok = erlangSupported(targetR, targetE);
      const rule = erlangRule(targetR);
      if (ok === false) why.push(`RabbitMQ ${rabbitmqRelease(targetR)} supports Erlang ${rule!.min} to ${rule!.max}, not ${targetE}`);
    }
  }
  const st = f.status;
  if (!st) why.push("no node answered cluster_status: the cluster must be running");
  else {
    const missing = c.nodes.map((n) => nodeName(n.name)).filter((n) => !st.runningNodes.includes(n));
    if (missing.length) why.push(`the cluster does not list ${missing.join(", ")} as running`);
    const parts = Object.entries(st.partitions).filter(([, v]) => v.length);
    if (parts.length) why.push(`network partitions: ${parts.map(([k, v]) => `${k} from ${v.join(", ")}`).join("; ")}`);
    if (st.alarms.length) why.push(`resource alarms in effect: ${st.alarms.map((a) => `${a.resource ?? a.type}${a.node ? ` on ${a.node}` : ""}`).join(", ")}`);
  }
  if (p.rabbitmqVersion) {
    const cur = c.nodes.map((n) => nodeState(f, n.name)?.installed["rabbitmq-server"]).find(Boolean);
    if (cur && seriesOf(rabbitmqRelease(cur)) !== seriesOf(rabbitmqRelease(p.rabbitmqVersion))) {
      const miss = missingFlags(seriesOf(rabbitmqRelease(p.rabbitmqVersion)), f.featureFlags);
      if (miss === null) why.push("the feature flags could not be read; they must all be enabled before moving to another release series");
      else if (miss.length) why.push(`feature flags ${miss.join(", ")} must be enabled before upgrading to ${seriesOf(rabbitmqRelease(p.rabbitmqVersion))} (rabbitmqctl enable_feature_flag all)`);
    }
  }
  return [...new Set(why)];
}

/** "Erlang", "RabbitMQ" or "Erlang and RabbitMQ": what a run with these parameters upgrades. */
export function upgraded(p: Pick<RollingUpgradeParams, "erlangVersion" | "rabbitmqVersion">): string {
  return [p.erlangVersion && "Erlang", p.rabbitmqVersion && "RabbitMQ"].filter(Boolean).join(" and ") || "nothing";
}

/** What the upgrade moves to, per component, with its pinned packages: computed once per plan. */
function wanted(p: RollingUpgradeParams) {
  return [
    ...(p.erlangVersion ? [{ name: "Erlang", probe: "erlang-base", version: p.erlangVersion, pins: ERLANG_PACKAGES.map((x): PackageWant => ({ name: x, version: p.erlangVersion })) }] : []),
    ...(p.rabbitmqVersion ? [{ name: "RabbitMQ", probe: "rabbitmq-server", version: p.rabbitmqVersion, pins: [{ name: "rabbitmq-server", version: p.rabbitmqVersion }] }] : []),
  ];
}

/** The packages to install on a node, and what each component moves from and to. */
function targets(want: ReturnType<typeof wanted>, installed: Record<string, string>) {
  const moving = want.filter((w) => installed[w.probe] !== w.version);
  return { pkgs: moving.flatMap((w) => w.pins), moves: moving.map((w) => `${w.name} ${installed[w.probe]} → ${w.version}`) };
}

export function planRollingUpgrade(c: ClusterInventory, p: RollingUpgradeParams, f: ClusterFacts): Plan {
  const why = preChecks(c, p, f);
  if (why.length) throw new PlanError(`The rolling upgrade cannot start:\n- ${why.join("\n- ")}`);
  const platforms = planPlatforms(c.nodes);
  const order = stopOrder(c.nodes);
  const want = wanted(p);
  const work = order.map((n) => ({ n, ...targets(want, nodeState(f, n.name)!.installed) })).filter((w) => w.pkgs.length);
  if (!work.length) throw new PlanError(`every node already runs ${want.map((w) => `${w.name} ${w.version}`).join(" and ")}`);
  // The run's title names what it upgrades: a component asked for that no node moves to would make it lie.
  const idle = want.filter((w) => !work.some((x) => x.moves.some((m) => m.startsWith(`${w.name} `))));
  if (idle.length) throw new PlanError(`every node already runs ${idle.map((w) => `${w.name} ${w.version}`).join(" and ")}: leave ${idle.length === 1 ? "it" : "them"} unchanged`);
  const seed = c.nodes.find((n) => n.seed) ?? c.nodes[0];
  // Into Warren's database, not a file on the seed (the document holds password hashes).
  const phases: Phase[] = [backupPhase(c, `before the rolling upgrade of ${upgraded(p)} (${want.map((w) => `${w.name} ${w.version}`).join(", ")})`)];
  work.forEach(({ n, pkgs, moves }, i) => {
    const host = n.name;
    const other = c.nodes.find((x) => x.name !== host && x.type === "disc") ?? c.nodes.find((x) => x.name !== host);
    const steps: Step[] = [
      ...queueSafetyGates(host),
      ...rotationSteps(c, host, "maint"),
      { kind: "command", key: `drain:${host}`, title: "Maintenance mode: close client connections, move quorum queue leaders away", host, argv: rmqScript(DRAIN), timeoutMs: 5 * 60_000 },
      { kind: "command", key: `stop:${host}`, title: "Stop rabbitmq-server", host, argv: ["systemctl", "stop", platforms.of(host).serviceUnit("rabbitmq")], timeoutMs: 5 * 60_000,
        destructive: `${host} is out of the cluster while its packages are upgraded; the other nodes serve` },
      { kind: "command", key: `upgrade:${host}`, title: `Upgrade packages: ${moves.join(", ")}`, host, argv: platforms.of(host).install(pkgs, { stopFirst: "rabbitmq" }),
        check: platforms.of(host).installedExactly(pkgs), timeoutMs: 15 * 60_000 },
      { kind: "command", key: `start:${host}`, title: "Start rabbitmq-server and wait for it to boot", host, argv: rmqScript(START_AND_WAIT), timeoutMs: 6 * 60_000 },
      ...(other ? [{ kind: "gate" as const, key: `rejoined:${host}`, title: `Back in the cluster as a ${n.type} node, in every running list`, host: other.name, waitingFor: `${nodeName(host)} to run in the cluster`,
        argv: rmqScript(JOINED, nodeName(other.name), n.type === "disc" ? "disk" : "ram", nodeName(host)), intervalMs: 2000, timeoutMs: 300_000 }] : []),
      { kind: "gate", key: `running:${host}`, title: "It sees itself running", host, waitingFor: `${nodeName(host)} to run`,
        argv: rmqScript(RUNNING_IN_CLUSTER, nodeName(host)), intervalMs: 2000, timeoutMs: 120_000 },
      { kind: "gate", key: `healthy:${host}`, title: "No partition, no resource alarm", host, waitingFor: "the cluster to be free of partitions and alarms",
        argv: rmqScript(CLUSTER_HEALTHY), intervalMs: 2000, timeoutMs: 120_000 },
      { kind: "gate", key: `synced:${host}`, title: "Every mirrored queue synchronised again", host, waitingFor: "mirrors to synchronise",
        argv: rmqScript(MIRRORS_SYNCED), intervalMs: 3000, timeoutMs: 30 * 60_000 },
      ...rotationSteps(c, host, "ready"),
    ];
    // Held from the first step that takes the node away (after the queue-safety gates) — the node itself
    // until it runs again, its HAProxy rows until it is back in rotation: a crash during the gates, or
    // after it came back while the mirrors synchronise (up to 30 min), pages.
    const away = steps[queueSafetyGates(host).length].key;
    phases.push({ title: `${host} (${n.type}${n.seed ? ", seed" : ""}): ${moves.join(", ")}`, inOrder: true, subject: host, steps,
      expectedOutage: [
        ...nodesDown([host]).map((d) => ({ ...d, fromStep: away, ...(d.host === host ? { kinds: d.kinds.filter((k) => k !== "backend-down" && k !== "lb-disagree"), untilStep: `running:${host}` } : {}) })),
        { host, kinds: ["backend-down", "lb-disagree"], fromStep: away },
        ...clusterWide(["version-mismatch"]),
      ] });
    // A pause is a phase of its own (the runner stops at a phase that starts with one).
    if (p.pauseBetweenNodes && i < work.length - 1) phases.push({ title: `Pause after ${host}`, expectedOutage: clusterWide(["version-mismatch"]), steps: [
      { kind: "pause", key: `pause:${host}`, title: `Pause after ${host}`, host, message: `${host} is upgraded and back in rotation: check it (the cluster page, your clients), then press Continue for ${work[i + 1].n.name}` },
    ] });
  });
  phases.push(verifyPhase(c, "Verify: every node back, same disc and ram nodes as before"));
  phases.push({
    title: "Every node runs the new versions",
    steps: c.nodes.map((n): Step => ({
      kind: "command", key: `versions:${n.name}`, title: want.map((w) => `${w.probe} ${w.version}`).join(", "), host: n.name,
      argv: platforms.of(n.name).installedExactly(want.map((w) => ({ name: w.probe, version: w.version }))), readOnly: true,
    })),
  });
  if (p.enableFeatureFlags) phases.push({
    title: "Enable every stable feature flag",
    steps: [{ kind: "command", key: "feature-flags", title: "rabbitmqctl enable_feature_flag all", host: seed.name, argv: rabbitmqctl("enable_feature_flag", "all"),
      destructive: "feature flags cannot be disabled again: after this, no node may go back to the previous version" }],
  });
  return { type: "rolling-upgrade", phases, ...(platforms.warnings.length ? { warnings: platforms.warnings } : {}) };
}

export const rollingUpgradeOperation = defineOperation({
  type: "rolling-upgrade",
  title: "Rolling upgrade (Erlang, RabbitMQ)",
  runTitle: (p) => `Rolling upgrade of ${upgraded(p)}`,
  description: "Upgrades Erlang and/or RabbitMQ one node at a time while the cluster serves: pre-checks, definitions backup, then per node queue-safety gates, out of both load balancers, drain, stop, upgrade, start, back in the cluster with mirrors synchronised, back in rotation. Stops at the first failed gate with the other nodes untouched.",
  role: "operator",
  params: RollingUpgradeParams,
  secrets: [],
  ui: "upgrade",
  gather: (c, _p, read) => gatherClusterFacts(c, read, { featureFlags: true }),
  plan: planRollingUpgrade,
  // The versions the nodes now run are what a node added later installs.
  nextSpec: (c, p) => ({ ...requireSpec(c), rabbitmq: { ...requireSpec(c).rabbitmq, ...(p.erlangVersion ? { erlangVersion: p.erlangVersion } : {}), ...(p.rabbitmqVersion ? { rabbitmqVersion: p.rabbitmqVersion } : {}) } }),
});
