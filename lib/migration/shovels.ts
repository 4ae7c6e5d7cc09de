// The dynamic shovels that move a queue's messages from blue to green: one
// per queue, defined on green (so it pulls, and keeps pulling while blue's
// clients move over), reading blue's queue through any of blue's nodes and
// publishing into green's queue of the same name in the same virtual host.
// ack-mode on-confirm: a message is acknowledged on blue only once green has
// confirmed it, so a crash on either side re-delivers, never loses. Both
// queues exist already (green's from the definitions import, as quorum queues
// where blue's were mirrored), so neither is declared: a declare with other
// arguments than the queue's would fail the shovel.
//
// A shovel's value holds blue's password in its URIs. The shovels reach green
// as a definitions document of runtime parameters, imported the way a restore
// imports (lib/backups/commands.ts: on stdin into a 600 file of the rabbitmq
// user's, only for the import) — never an argument, never a request Warren
// would have to authenticate. Shown only through showShovel().
import { createHash } from "node:crypto";
import { rabbitmqctl } from "@/lib/rabbitmq/cli";
import { amqpUri, directUri, redactUri, type AmqpEndpoint } from "./amqp-uri";

/** The prefix of every shovel a migration defines: what it removes at the end, and nothing else. */
export const SHOVEL_PREFIX = "warren-migrate-";

export interface ShovelValue {
  "src-protocol": "amqp091";
  /** Pulling: blue's nodes, tried in turn (the shovel survives a blue node going away); pushing: the node's own broker. */
  "src-uri": string | string[];
  "src-queue": string;
  "src-predeclared": true;
  "src-prefetch-count": number;
  "src-delete-after": "never";
  "dest-protocol": "amqp091";
  /** Pulling: the node's own broker; pushing (a roll back): blue's nodes, tried in turn. */
  "dest-uri": string | string[];
  "dest-queue": string;
  "dest-predeclared": true;
  "ack-mode": "on-confirm";
  "reconnect-delay": number;
  "dest-add-forward-headers": false;
}

export interface Shovel { vhost: string; name: string; queue: string; value: ShovelValue }

/**
 * The other cluster a shovel on green reads from or writes to: always blue.
 * The shovels live on green (never older than blue): pulling blue's queues
 * during a migration, pushing green's back during a roll back — RabbitMQ
 * 3.10's shovel knows neither src- nor dest-predeclared, and a declare of a
 * quorum queue without its arguments fails, so blue runs none.
 */
export interface ShovelSource {
  /** Blue's nodes' addresses and AMQP port. */
  hosts: { host: string; port: number }[];
  /** The user the migration created on blue for its shovels (read, or write for a roll back, on every moved queue's vhost). */
  user: string;
  password: string;
  /** pull (the default): blue's queue into green's; push: green's queue into blue's. */
  direction?: "pull" | "push";
}

/** How many unconfirmed messages a shovel keeps in flight: enough to move a backlog quickly, few enough to re-deliver little after a crash. */
export const SHOVEL_PREFETCH = 1000;

/** A shovel's name: readable (the queue's name, cut), unique per queue (a hash of vhost and name), the same in every plan. */
export function shovelName(vhost: string, queue: string): string {
  const h = createHash("sha256").update(JSON.stringify([vhost, queue])).digest("hex").slice(0, 10);
  const readable = queue.replace(/[^A-Za-z0-9_.-]/g, "_").slice(0, 40);
  return `${SHOVEL_PREFIX}${readable}-${h}`;
}

export function shovelFor(q: { vhost: string; name: string }, src: ShovelSource): Shovel {
  if (!src.hosts.length) throw new Error("a shovel needs at least one of blue's nodes to read from");
  const uri = (h: { host: string; port: number }) => amqpUri({ ...h, user: src.user, password: src.password, vhost: q.vhost } satisfies AmqpEndpoint);
  const remote = src.hosts.map(uri), local = directUri(q.vhost);
  const push = src.direction === "push";
  return {
    vhost: q.vhost,
    name: shovelName(q.vhost, q.name),
    queue: q.name,
    value: {
      "src-protocol": "amqp091", "src-uri": push ? local : remote, "src-queue": q.name, "src-predeclared": true,
      "src-prefetch-count": SHOVEL_PREFETCH, "src-delete-after": "never",
      "dest-protocol": "amqp091", "dest-uri": push ? remote : local, "dest-queue": q.name, "dest-predeclared": true,
      "ack-mode": "on-confirm", "reconnect-delay": 1, "dest-add-forward-headers": false,
    },
  };
}

export const shovelsFor = (queues: { vhost: string; name: string }[], src: ShovelSource): Shovel[] => queues.map((q) => shovelFor(q, src));

/** The shovels as a definitions document (runtime parameters only): what green imports, on stdin. */
export const shovelDefinitions = (shovels: Shovel[]) =>
  JSON.stringify({ parameters: shovels.map((s) => ({ vhost: s.vhost, component: "shovel", name: s.name, value: s.value })) });

/** Removes a shovel (its parameter; RabbitMQ stops it). Names only: no credential in the arguments. */
export const removeShovelArgv = (s: Pick<Shovel, "vhost" | "name">) => rabbitmqctl("clear_parameter", "-p", s.vhost, "shovel", s.name);

/** The shovel as a plan, a log or a page may show it: passwords masked. */
export function showShovel(s: Shovel): Shovel {
  const redact = (u: string | string[]) => (Array.isArray(u) ? u.map(redactUri) : redactUri(u));
  return { ...s, value: { ...s.value, "src-uri": redact(s.value["src-uri"]), "dest-uri": redact(s.value["dest-uri"]) } };
}

/** Of a cluster's shovel parameters, the ones a migration defined (what its clean-up removes). */
export const isMigrationShovel = (name: string) => name.startsWith(SHOVEL_PREFIX);
