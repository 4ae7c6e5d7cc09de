// A RabbitMQ definitions document (what `rabbitmqctl export_definitions -`
// and the management API's GET /api/definitions return: users with their
// password hashes, vhosts, permissions, policies, parameters, queues,
// exchanges, bindings) as a typed value, parsed tolerantly (3.8–4.x differ in
// detail; keys Warren does not know are kept), with a canonical key per
// object, counts per kind, and a diff with field-level changes. Pure.
import { z } from "zod";

/** The kinds of object a document holds, in the order RabbitMQ imports them (vhosts before what lives in them). */
export const KINDS = ["users", "vhosts", "permissions", "topic_permissions", "policies", "operator_policies", "parameters", "global_parameters", "exchanges", "queues", "bindings"] as const;
export type Kind = (typeof KINDS)[number];

export const KIND_LABELS: Record<Kind, { one: string; many: string }> = {
  users: { one: "user", many: "users" }, vhosts: { one: "virtual host", many: "virtual hosts" },
  permissions: { one: "permission", many: "permissions" }, topic_permissions: { one: "topic permission", many: "topic permissions" },
  policies: { one: "policy", many: "policies" }, operator_policies: { one: "operator policy", many: "operator policies" },
  parameters: { one: "parameter", many: "parameters" }, global_parameters: { one: "global parameter", many: "global parameters" },
  exchanges: { one: "exchange", many: "exchanges" }, queues: { one: "queue", many: "queues" }, bindings: { one: "binding", many: "bindings" },
};

export type RawObject = Record<string, unknown>;
const s = z.string();
const obj = (shape: z.ZodRawShape) => z.array(z.looseObject(shape)).optional();

const DefinitionsSchema = z.looseObject({
  rabbit_version: s.optional(),
  rabbitmq_version: s.optional(),
  users: obj({ name: s }),
  vhosts: obj({ name: s }),
  permissions: obj({ user: s, vhost: s }),
  topic_permissions: obj({ user: s, vhost: s, exchange: s }),
  policies: obj({ vhost: s, name: s }),
  operator_policies: obj({ vhost: s, name: s }),
  parameters: obj({ vhost: s, component: s, name: s }),
  global_parameters: obj({ name: s }),
  queues: obj({ vhost: s, name: s }),
  exchanges: obj({ vhost: s, name: s }),
  bindings: obj({ vhost: s, source: s, destination: s, destination_type: s }),
});

/** A parsed document: every kind present (an absent one is empty), every other key kept as it came. */
export type Definitions = { rabbit_version?: string; rabbitmq_version?: string; [key: string]: unknown } & Record<Kind, RawObject[]>;

export class DefinitionsError extends Error {}

/** Parses a definitions document; a file that is not one is a DefinitionsError saying why. */
export function parseDefinitions(text: string): Definitions {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new DefinitionsError(`not JSON (${text.length ? `${text.length} bytes, starting ${JSON.stringify(text.slice(0, 40))}` : "empty"})`);
  }
  return definitionsFrom(raw);
}

export function definitionsFrom(raw: unknown): Definitions {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw new DefinitionsError("not a RabbitMQ definitions document (a JSON object is expected)");
  const r = DefinitionsSchema.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    const where = i.path.join(".");
    const vhostless = i.path.length >= 3 && i.path[2] === "vhost";
    throw new DefinitionsError(`not a whole cluster's definitions: ${where}: ${i.message}${vhostless ? " (a single virtual host's export has no vhost fields: export the whole cluster's definitions)" : ""}`);
  }
  const d = r.data as Record<string, unknown>;
  if (!KINDS.some((k) => k in d) && !("rabbit_version" in d) && !("rabbitmq_version" in d)) throw new DefinitionsError("not a RabbitMQ definitions document: none of users, vhosts, queues, exchanges, bindings, policies");
  const out = { ...d } as Definitions;
  for (const k of KINDS) out[k] = (d[k] as RawObject[] | undefined) ?? [];
  return out;
}

/** The global parameter holding a cluster's own identity (rabbit_nodes:persistent_cluster_id/0): never imported, never deleted. */
export const INTERNAL_CLUSTER_ID = "internal_cluster_id";

/** The RabbitMQ version that wrote the document, when it says. */
export const versionOf = (d: Pick<Definitions, "rabbitmq_version" | "rabbit_version">): string | null => d.rabbitmq_version ?? d.rabbit_version ?? null;

/** The document as RabbitMQ reads it again: JSON, kinds that were absent and stay empty left out. */
export function serialise(d: Definitions): string {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(d)) if (!(KINDS as readonly string[]).includes(k) || (v as unknown[]).length) out[k] = v;
  return JSON.stringify(out);
}

export type Counts = Record<Kind, number>;
export function countsOf(d: Definitions): Counts {
  return Object.fromEntries(KINDS.map((k) => [k, d[k].length])) as Counts;
}
export const totalOf = (c: Partial<Counts>) => Object.values(c).reduce<number>((n, x) => n + (x ?? 0), 0);

// ---- Identity ------------------------------------------------------------

/** JSON with object keys sorted: equal values, equal text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object") return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as RawObject)[k])}`).join(",")}}`;
  return JSON.stringify(v ?? null);
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));
/** A queue's, exchange's or binding's arguments (none: an empty table). */
export const argumentsOf = (o: RawObject): RawObject => (o.arguments && typeof o.arguments === "object" && !Array.isArray(o.arguments) ? (o.arguments as RawObject) : {});

/** What identifies an object within its kind, as strings (a binding's arguments as canonical JSON). */
export function identity(kind: Kind, o: RawObject): string[] {
  switch (kind) {
    case "users": case "global_parameters": return [str(o.name)];
    case "vhosts": return [str(o.name)];
    case "permissions": return [str(o.vhost), str(o.user)];
    case "topic_permissions": return [str(o.vhost), str(o.user), str(o.exchange)];
    case "policies": case "operator_policies": case "queues": case "exchanges": return [str(o.vhost), str(o.name)];
    case "parameters": return [str(o.vhost), str(o.component), str(o.name)];
    case "bindings": return [str(o.vhost), str(o.source), str(o.destination_type), str(o.destination), str(o.routing_key), canonical(argumentsOf(o))];
  }
}

/** An object as lists and diffs name it: its kind, canonical key, identity and a readable label. */
export interface ObjectRef { kind: Kind; key: string; parts: string[]; label: string }

export function labelOf(kind: Kind, p: string[]): string {
  const on = (v: string) => ` on ${v}`;
  switch (kind) {
    case "users": case "vhosts": case "global_parameters": return p[0];
    case "permissions": return `${p[1]}${on(p[0])}`;
    case "topic_permissions": return `${p[1]}${on(p[0])}, exchange ${p[2]}`;
    case "policies": case "operator_policies": case "queues": case "exchanges": return `${p[1]}${on(p[0])}`;
    case "parameters": return `${p[1]} ${p[2]}${on(p[0])}`;
    case "bindings": {
      const a = p[5] === "{}" ? "" : `, arguments ${p[5]}`;
      return `${p[1] || "(default exchange)"} → ${p[2] === "exchange" ? "exchange" : "queue"} ${p[3]}${p[4] ? `, key ${JSON.stringify(p[4])}` : ""}${a}${on(p[0])}`;
    }
  }
}

export function refOf(kind: Kind, o: RawObject): ObjectRef {
  const parts = identity(kind, o);
  return { kind, key: JSON.stringify(parts), parts, label: labelOf(kind, parts) };
}

// ---- What is compared ----------------------------------------------------

const tagList = (v: unknown): string[] | undefined => {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v.map(str) : str(v).split(",");
  return list.map((t) => t.trim()).filter((t) => t && t !== "undefined").sort();
};
const defined = (v: unknown) => (v === undefined || v === null || v === "undefined" ? undefined : v);

/** A queue's type: its own field, else its x-queue-type argument, else classic (3.8 exports have neither for classic queues). */
export function queueType(q: RawObject): string {
  return str(defined(q.type) ?? defined(argumentsOf(q)["x-queue-type"]) ?? "classic");
}

/**
 * The fields of an object that a diff compares, normalised so that what the
 * CLI and the management API write differently (tags as a list or a string,
 * vhost metadata nested or not, a queue's type in a field or an argument)
 * compares equal. A field absent from either side is not compared: exports of
 * different versions and tools leave out different fields.
 */
export function fieldsOf(kind: Kind, o: RawObject): Record<string, unknown> {
  const meta = (o.metadata && typeof o.metadata === "object" ? o.metadata : {}) as RawObject;
  switch (kind) {
    case "users": return { password_hash: o.password_hash, hashing_algorithm: o.hashing_algorithm, tags: tagList(o.tags) };
    case "vhosts": return { description: defined(o.description) ?? defined(meta.description), tags: tagList(o.tags ?? meta.tags), default_queue_type: defined(o.default_queue_type) ?? defined(meta.default_queue_type) };
    case "permissions": return { configure: o.configure, write: o.write, read: o.read };
    case "topic_permissions": return { write: o.write, read: o.read };
    case "policies": case "operator_policies": return { pattern: o.pattern, "apply-to": o["apply-to"], priority: o.priority, definition: o.definition };
    case "parameters": case "global_parameters": return { value: o.value };
    case "queues": {
      const { "x-queue-type": _, ...rest } = argumentsOf(o);
      return { type: queueType(o), durable: o.durable, auto_delete: o.auto_delete, arguments: rest };
    }
    case "exchanges": return { type: o.type, durable: o.durable, auto_delete: o.auto_delete, internal: o.internal, arguments: o.arguments === undefined ? undefined : argumentsOf(o) };
    case "bindings": return {};
  }
}

export interface FieldChange { field: string; before: unknown; after: unknown }

export function fieldChanges(kind: Kind, a: RawObject, b: RawObject): FieldChange[] {
  const fa = fieldsOf(kind, a), fb = fieldsOf(kind, b);
  const out: FieldChange[] = [];
  for (const f of Object.keys(fa)) {
    if (fa[f] === undefined || fb[f] === undefined) continue;
    if (canonical(fa[f]) !== canonical(fb[f])) out.push({ field: f, before: fa[f], after: fb[f] });
  }
  return out;
}

// ---- Secrets in what is shown --------------------------------------------

const HIDDEN = "(hidden)";
/** Keys of parameter values that hold credentials (a shovel's or an upstream's URI, a password). */
const SECRET_KEY = /pass|secret|token|(^|-)key$/i;

/** A value safe to show: password hashes hidden, credentials in URIs and secret-looking keys masked. */
export function redact(kind: Kind, field: string, v: unknown): unknown {
  if (kind === "users" && field === "password_hash") return v === undefined || v === "" ? v : HIDDEN;
  const walk = (x: unknown, key = ""): unknown => {
    if (typeof x === "string") return SECRET_KEY.test(key) && x ? HIDDEN : x.replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]*:)[^@/\s]*@/gi, "$1***@");
    if (Array.isArray(x)) return x.map((y) => walk(y, key));
    if (x && typeof x === "object") return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, walk(y, k)]));
    return x;
  };
  return walk(v, field);
}

// ---- Diff ------------------------------------------------------------------

export interface Change extends ObjectRef { fields: FieldChange[] }
export interface DefinitionsDiff {
  /** In `to`, not in `from`. */
  added: ObjectRef[];
  /** In `from`, not in `to`. */
  removed: ObjectRef[];
  changed: Change[];
}

/** Every object of a document by kind and canonical key (the last one wins, as an import would have it). */
export function indexOf(d: Definitions): Map<string, { ref: ObjectRef; o: RawObject }> {
  const m = new Map<string, { ref: ObjectRef; o: RawObject }>();
  for (const k of KINDS) for (const o of d[k]) { const ref = refOf(k, o); m.set(`${k}\u0000${ref.key}`, { ref, o }); }
  return m;
}

const order = (a: ObjectRef, b: ObjectRef) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind) || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0);

/** What differs from `from` to `to`, object by object and field by field; values as `redact` shows them. */
export function diffDefinitions(from: Definitions, to: Definitions, o: { redacted?: boolean } = {}): DefinitionsDiff {
  const a = indexOf(from), b = indexOf(to);
  const added: ObjectRef[] = [], removed: ObjectRef[] = [], changed: Change[] = [];
  for (const [k, x] of a) if (!b.has(k)) removed.push(x.ref);
  for (const [k, y] of b) {
    const x = a.get(k);
    if (!x) { added.push(y.ref); continue; }
    const fields = fieldChanges(y.ref.kind, x.o, y.o);
    if (fields.length) changed.push({ ...y.ref, fields: o.redacted === false ? fields : fields.map((f) => ({ field: f.field, before: redact(y.ref.kind, f.field, f.before), after: redact(y.ref.kind, f.field, f.after) })) });
  }
  return { added: added.sort(order), removed: removed.sort(order), changed: changed.sort(order) };
}

export const isEmptyDiff = (d: DefinitionsDiff) => !d.added.length && !d.removed.length && !d.changed.length;

/** Per kind: how many objects were added, removed and changed. */
export function diffCounts(d: DefinitionsDiff): Record<Kind, { added: number; removed: number; changed: number }> {
  const out = Object.fromEntries(KINDS.map((k) => [k, { added: 0, removed: 0, changed: 0 }])) as Record<Kind, { added: number; removed: number; changed: number }>;
  for (const r of d.added) out[r.kind].added++;
  for (const r of d.removed) out[r.kind].removed++;
  for (const r of d.changed) out[r.kind].changed++;
  return out;
}

/** "3 queues, 1 user": counts per kind in words, kinds with none left out. */
export function countsLine(c: Partial<Counts>): string {
  const parts = KINDS.filter((k) => c[k]).map((k) => `${c[k]} ${c[k] === 1 ? KIND_LABELS[k].one : KIND_LABELS[k].many}`);
  return parts.length ? parts.join(", ") : "nothing";
}
