// A blue-green migration behind the same VIP (lib/migration): the clients of
// this cluster ("blue") move to another one the wizard built ("green")
// without a change on their side, their messages with them. Two operations
// share one planner, `planMove(from, to)`:
//
// - "Migrate to a new cluster": blue's definitions onto green (the restore's
//   import and translation: mirrored → quorum), green's shovels pulling what
//   is left in blue's queues (on-confirm), a bridge HAProxy configuration on
//   both load balancers (green's nodes beside blue's, in maintenance), the
//   switch (runtime API, green in before blue out, sessions closed so
//   clients reconnect through the VIP onto green), the drain gate (blue's
//   queues empty, no client on blue, three readings in a row), green healthy,
//   the links removed, HAProxy with green's nodes alone; then a pause — the
//   confirmation — before blue's nodes stop (their data kept). When the run
//   succeeds the load balancers and the VIP become green's.
// - "Roll back a migration", until then (cancel the paused run first): the
//   same move the other way, green's forward shovels removed first so nothing
//   bounces, and blue's own definitions kept.
//
// Every step is checked or safe to repeat: a failed or interrupted run is
// retried from its first unfinished step.
import { z } from "zod";
import { importDefinitions, rebalanceQuorumLeaders } from "@/lib/backups/commands";
import { backupPhase, readOrder } from "@/lib/backups/steps";
import { queueType, refOf, versionOf } from "@/lib/backups/definitions";
import { defineOperation, PlanError, requireSpec, type ClusterInventory } from "../operation";
import type { DefinitionsStep, Phase, Plan, Step } from "../plan";
import { loadBalancersWork, nodesDown } from "../outages";
import { frontendPort, haproxyPhase } from "./load-balancers";
import { planClusterStop } from "./cluster-power";
import { restoreOptions } from "./restore";
import { bridgeBackends, switchSteps, type Side } from "@/lib/migration/switch";
import {
  closeClients, defineShovels, deleteUser, drainCheck, enableShovels, MIGRATION_USER, nodeHealthy, shovelsEnabled, shovelUser, userAbsent,
} from "@/lib/migration/commands";
import type { MigrationFacts } from "@/lib/migration/readiness";

export type { MigrationFacts } from "@/lib/migration/readiness";
import { shovelName } from "@/lib/migration/shovels";

export const MigrateParams = z.strictObject({
  target: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, "A cluster's id").meta({ description: "The cluster to move the clients and their messages to (built by the wizard on other hosts)", "x-warren": "cluster" }),
});
export type MigrateParams = z.infer<typeof MigrateParams>;

/** The run variable holding the id of blue's backup, which green imports. */
export const BLUE_BACKUP_VAR = "blueBackup";

const AMQP_PORT = 5672;
/** A backlog of millions takes a while through shovels; the gate says what is left all along. */
const DRAIN_TIMEOUT_MS = 4 * 60 * 60_000;

const seedOf = (c: ClusterInventory) => readOrder(c)[0];
const vhostsOf = (queues: { vhost: string }[]) => [...new Set(queues.map((q) => q.vhost))].sort();

/** The load balancers' options (blue's), with the frontend port it has now: the same VIP and port for the clients, whoever owns them. */
function lbOptions(blue: ClusterInventory) {
  const o = requireSpec(blue).loadBalancers;
  if (!o || blue.loadBalancers.length < 2) throw new PlanError(`${blue.name} has no load balancers: its clients do not connect through a VIP Warren can move`);
  return { ...o, frontendPort: frontendPort(blue, o) };
}

interface Move {
  from: ClusterInventory;
  to: ClusterInventory;
  /** Which side `to` is: the switch's and the steps' words. */
  toSide: Side;
  /** The load balancers (blue's, serving both sides). */
  lbs: ClusterInventory;
  queues: { vhost: string; name: string }[];
}

/**
 * The migration's shovels on `c` removed through its management API, one
 * request each (a rabbitmqctl per shovel costs a second of CLI start-up; a
 * thousand queues, a quarter of an hour); one already gone counts as removed.
 */
function removeShovelsStep(key: string, c: ClusterInventory, queues: { vhost: string; name: string }[]): DefinitionsStep {
  const hosts = readOrder(c);
  return {
    kind: "definitions", key, title: `Remove ${c.name}'s ${queues.length} migration shovel${queues.length === 1 ? "" : "s"} (RabbitMQ stops each)`, host: hosts[0], hosts,
    cluster: { id: c.id, name: c.name },
    action: { do: "delete", objects: queues.map((q) => refOf("parameters", { vhost: q.vhost, component: "shovel", name: shovelName(q.vhost, q.name) })) },
  };
}

const withKeys = (steps: Step[], prefix: string): Step[] => steps.map((s) => ({ ...s, key: `${prefix}:${s.key}` }));

/**
 * The message move and the switch, from `from` to `to`: shared by the
 * migration and its roll back. The shovels always live on green (never older
 * than blue; RabbitMQ 3.10's shovel has no src- or dest-predeclared), and
 * always reach blue as a user made on blue for the run: pulling blue's
 * queues (the user may read) during a migration, pushing green's back (the
 * user may write) during a roll back.
 */
function movePhases(m: Move): Phase[] {
  const { from, to, lbs } = m;
  const o = lbOptions(lbs);
  const vhosts = vhostsOf(m.queues);
  const lbNames = lbs.loadBalancers.map((l) => l.name);
  const fromSeed = seedOf(from);
  const held = loadBalancersWork(lbNames);
  const fromSide: Side = m.toSide === "green" ? "blue" : "green";
  const [blue, green] = m.toSide === "green" ? [from, to] : [to, from];
  const pull = m.toSide === "green";
  const final = { ...lbs, nodes: to.nodes };
  return [
    {
      title: `Shovel plugin on ${green.name}'s nodes (its shovels ${pull ? `pull ${blue.name}'s messages` : `push its messages to ${blue.name}`})`,
      steps: green.nodes.map((n): Step => ({
        kind: "command", key: `shovel-plugin:${n.name}`, title: "rabbitmq-plugins enable rabbitmq_shovel rabbitmq_shovel_management", host: n.name,
        argv: enableShovels(), check: shovelsEnabled(), timeoutMs: 120_000,
      })),
    },
    {
      title: `A user on ${blue.name} for the shovels: ${pull ? "read" : "write"} only, a new password for this run (on stdin), removed at the end`,
      steps: [{
        kind: "command", key: "shovel-user", title: `User ${MIGRATION_USER}: ${pull ? "consume and acknowledge" : "publish"} on ${vhosts.join(", ")}; nothing else`, host: seedOf(blue),
        argv: shovelUser(vhosts, pull ? "read" : "write"), stdin: { secret: "migrationPassword", next: true }, timeoutMs: 120_000,
      }],
    },
    {
      title: `Shovels on ${green.name}: one per queue (${m.queues.length}), on-confirm — a message leaves ${from.name} only once ${to.name} has it`,
      steps: [{
        kind: "command", key: "shovels", title: `Define ${m.queues.length} shovel${m.queues.length === 1 ? "" : "s"} (a definitions document on stdin; their URIs hold the password)`, host: seedOf(green),
        argv: defineShovels(), timeoutMs: 10 * 60_000,
        stdin: { shovels: { queues: m.queues, remote: blue.nodes.map((n) => ({ host: n.address, port: AMQP_PORT })), direction: pull ? "pull" : "push", user: MIGRATION_USER, secret: "migrationPassword" } },
      }],
    },
    {
      ...haproxyPhase(lbs, o, { backends: bridgeBackends(blue.nodes, green.nodes, fromSide), key: `bridge-${m.toSide}`, title: `HAProxy knows both clusters: ${to.name}'s nodes beside ${from.name}'s, in maintenance (one load balancer at a time, the VIP kept)` }),
      expectedOutage: held,
    },
    {
      title: `The switch: on each load balancer ${to.name}'s nodes ready, then ${from.name}'s to maintenance with their sessions closed — clients reconnect through the VIP onto ${to.name}`,
      inOrder: true,
      expectedOutage: held,
      steps: switchSteps(lbNames, blue.nodes.map((n) => n.name), green.nodes.map((n) => n.name), m.toSide),
    },
    {
      title: `Close the clients' connections still on ${from.name}: they reconnect through the VIP onto ${to.name}`,
      steps: [{
        kind: "command", key: `close-clients-${fromSide}`, title: `Close every client connection on ${from.name} (not the shovels')`, host: fromSeed,
        argv: closeClients(`the cluster is being retired by Warren: reconnect through the same address`), timeoutMs: 5 * 60_000,
      }],
    },
    {
      title: `Wait until ${from.name} is drained`,
      steps: [{
        kind: "gate", key: `drained-${fromSide}`, title: `${from.name}'s queues empty and no client on it`, host: fromSeed,
        argv: drainCheck(vhosts), intervalMs: 5000, timeoutMs: DRAIN_TIMEOUT_MS,
        waitingFor: `every queue on ${from.name} empty (ready and unacknowledged 0) and no client connected, three readings in a row`,
      }],
    },
    {
      title: `${to.name} is healthy on every node`,
      steps: to.nodes.map((n): Step => ({ kind: "command", key: `healthy-${m.toSide}:${n.name}`, title: "Running, in the cluster, no resource alarm", host: n.name, argv: nodeHealthy(), readOnly: true, timeoutMs: 60_000 })),
    },
    // The shovels first, then their user: a user deleted under running shovels makes them fail and restart,
    // and 4.0 answered a parameter's deletion during that churn with HTTP 500 (seen on lab hosts).
    { title: `Remove ${green.name}'s shovels`, steps: [removeShovelsStep(`unshovel-${m.toSide}`, green, m.queues)] },
    {
      title: `Remove the shovels' user on ${blue.name}`,
      steps: [{ kind: "command", key: "shovel-user-gone", title: `Delete user ${MIGRATION_USER} on ${blue.name}`, host: seedOf(blue), argv: deleteUser(), check: userAbsent(), timeoutMs: 60_000 }],
    },
    {
      ...haproxyPhase(final, o, { backends: to.nodes, key: `final-${m.toSide}`, title: `HAProxy with ${to.name}'s nodes only (one load balancer at a time, the VIP kept)` }),
      expectedOutage: held,
    },
  ];
}

/** The queues whose messages move: blue's (not streams) as green has them after the import. */
export function movingQueues(f: Pick<MigrationFacts, "readiness">): { vhost: string; name: string }[] {
  return byName(f.readiness.moving.map((q) => ({ vhost: q.vhost, name: q.name })));
}

/**
 * Sorted: a live node lists its queues in no fixed order (a busy 3.10 node
 * gave another order between the preview and the start, and the plan's
 * token changed with it).
 */
const byName = <T extends { vhost: string; name: string }>(qs: T[]) => [...qs].sort((a, b) => (a.vhost === b.vhost ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.vhost < b.vhost ? -1 : 1));

export function planMigration(blue: ClusterInventory, p: MigrateParams, f: MigrationFacts): Plan {
  const green = f.green;
  if (f.readiness.blockers.length)
    throw new PlanError(`${green.name} cannot take ${blue.name}'s clients yet: ${f.readiness.blockers.map((b) => `${b.message}${b.items.length ? ` (${b.items.slice(0, 5).join("; ")}${b.items.length > 5 ? "…" : ""})` : ""}`).join("; ")}`);
  if (p.target !== green.id) throw new PlanError("the facts are of another target");
  const o = lbOptions(blue);
  const queues = movingQueues(f);
  if (!queues.length) throw new PlanError(`${blue.name} has no queue to move`);
  const { prepare: base, options } = restoreOptions(green, false);
  const prepare = { ...base, target: versionOf(f.greenDefs) };
  const ref = { backup: `{var:${BLUE_BACKUP_VAR}}`, prepare };
  const greenHosts = readOrder(green), greenSeed = greenHosts[0];
  const blueBackup = backupPhase(blue, `before migrating to ${green.name}`);
  const greenBackup = backupPhase(green, `before ${blue.name} migrates onto it`);
  const greenBackupStep: DefinitionsStep = { ...(greenBackup.steps[0] as DefinitionsStep), key: "backup-green", cluster: { id: green.id, name: green.name } };
  greenBackupStep.action = { do: "backup", reason: `before ${blue.name} migrates onto it` };
  const blueBackupStep: DefinitionsStep = { ...(blueBackup.steps[0] as DefinitionsStep) };
  blueBackupStep.action = { do: "backup", reason: `before migrating to ${green.name}`, record: BLUE_BACKUP_VAR };
  const stop = planClusterStop({ ...blue, loadBalancers: [] }).phases.at(-1)!;
  const phases: Phase[] = [
    { title: `Back up both clusters' definitions into Warren (${blue.name}'s is what ${green.name} imports)`, steps: [blueBackupStep, greenBackupStep] },
    {
      title: `${blue.name}'s definitions onto ${green.name}: the restore's import, translated for RabbitMQ ${prepare.target ?? "of the target"} (every translation listed in the readiness report)`,
      steps: [
        { kind: "command", key: "import", title: "rabbitmqctl import_definitions, the document sent on stdin into a private file, removed afterwards", host: greenSeed, argv: importDefinitions(), stdin: { definitions: ref }, timeoutMs: 30 * 60_000 },
        ...(green.nodes.length > 1 ? [{ kind: "command" as const, key: "rebalance", title: "rabbitmq-queues rebalance quorum", host: greenSeed, argv: rebalanceQuorumLeaders(), timeoutMs: 15 * 60_000 }] : []),
        { kind: "definitions", key: "verify", title: `Compare ${green.name}'s live definitions with ${blue.name}'s backup`, host: greenSeed, hosts: greenHosts, cluster: { id: green.id, name: green.name }, action: { do: "verify", against: ref, options } },
      ],
    },
    ...movePhases({ from: blue, to: green, toSide: "green", lbs: blue, queues }),
    {
      title: `Confirm: stop ${blue.name}`,
      steps: [{
        kind: "pause", key: "confirm-stop", title: `Stop ${blue.name}?`, host: seedOf(blue),
        message: `${green.name} serves the clients through the same VIP and port; ${blue.name} is drained and serves no one. Continue stops ${blue.name}'s nodes (their data is kept, "Start the cluster" brings them back). To go back to ${blue.name} instead, cancel this run and run "Roll back a migration" from ${blue.name}'s page.`,
      }],
    },
    { ...stop, title: `Stop ${blue.name}'s nodes one at a time (their data kept)`, steps: withKeys(stop.steps, "stop-blue"), expectedOutage: nodesDown(blue.nodes.map((n) => n.name), { untilNextRun: true }) },
  ];
  return {
    type: "migrate", phases,
    vars: { [BLUE_BACKUP_VAR]: `the backup of ${blue.name} taken first` },
    warnings: [
      `Clients connected to ${blue.name}'s nodes directly (not through the VIP) are not moved: the drain waits for them to leave.`,
      // Not the queues on green holding messages: their counts move (and lag), and the plan's token must hold from the preview to the start.
      ...f.readiness.notes.filter((n) => n.id !== "green-queues-not-empty").map((n) => `${n.title}: ${n.instead} (${n.items.slice(0, 5).join(", ")}${n.items.length > 5 ? "…" : ""}).`),
    ],
    handover: { to: { id: green.id, name: green.name }, loadBalancers: blue.loadBalancers.map((l) => l.name), options: o, release: green.loadBalancers.map((l) => l.name) },
  };
}

/** What the migration and its roll back share: the target as their parameter, both clusters read and judged as facts, a password of their own each run, the migrate page as their form. */
const migrationOperation = (d: { type: string; title: string; description: string; plan: typeof planMigration; runTitle: string }) => defineOperation({
  ...d,
  role: "operator",
  params: MigrateParams,
  secrets: [],
  rotates: ["migrationPassword"],
  ui: "migration",
  async gather(c, p, _read, more): Promise<MigrationFacts> {
    requireSpec(c);
    return more.migration(c.id, p.target);
  },
  runTitle: () => d.runTitle,
});

export const migrateOperation = migrationOperation({
  type: "migrate",
  title: "Migrate to a new cluster",
  description: "Moves this cluster's clients and messages to a cluster built by the wizard on other hosts (RabbitMQ 3.x with mirrored queues to 4.x with quorum queues, or new hardware) behind the same VIP and port: definitions restored onto it, messages moved by on-confirm shovels, HAProxy switched one load balancer at a time, this cluster stopped only after a confirmation; a roll back exists until then.",
  plan: planMigration,
  runTitle: "Migration to a new cluster",
});

/** The queues a roll back moves: those both sides have (not streams) — a queue only the target has has nowhere to go on blue. */
export function rollbackQueues(f: Pick<MigrationFacts, "blueDefs" | "greenDefs">): { vhost: string; name: string }[] {
  const blue = new Set(f.blueDefs.queues.map((q) => refOf("queues", q).key));
  return byName(f.greenDefs.queues
    .filter((q) => blue.has(refOf("queues", q).key) && queueType(q) !== "stream")
    .map((q) => { const { parts } = refOf("queues", q); return { vhost: parts[0], name: parts[1] }; }));
}

export function planRollback(blue: ClusterInventory, p: MigrateParams, f: MigrationFacts): Plan {
  const green = f.green;
  if (p.target !== green.id) throw new PlanError("the facts are of another target");
  if (blue.id === green.id) throw new PlanError("the target is the cluster itself");
  if (!blue.loadBalancers.length) throw new PlanError(`${blue.name} has no load balancers: a finished migration handed them to the target, and there is nothing to roll back`);
  const queues = rollbackQueues(f);
  if (!queues.length) throw new PlanError(`${green.name} has none of ${blue.name}'s queues: there is nothing to move back`);
  return {
    type: "migrate-back",
    phases: [
      backupPhase(blue, `before rolling the migration to ${green.name} back`),
      {
        title: `Stop ${green.name}'s shovels from pulling ${blue.name}'s messages (the roll back moves them the other way)`,
        steps: [removeShovelsStep("unshovel-green-first", green, queues)],
      },
      ...movePhases({ from: green, to: blue, toSide: "blue", lbs: blue, queues }),
    ],
    warnings: [`${green.name} keeps its definitions and stays running; ${blue.name} serves the clients again through the same VIP and port.`],
  };
}

export const rollbackOperation = migrationOperation({
  type: "migrate-back",
  title: "Roll back a migration",
  description: "Before a migration has stopped this cluster: moves the clients and the messages published since the switch back from the target through the same VIP and port (the target's shovels pull no more; they push its queues back to this cluster; HAProxy switched back one load balancer at a time). The target keeps running.",
  plan: planRollback,
  runTitle: "Roll back of a migration",
});
