// What a restore does to a cluster, from its live definitions and the backup
// as Warren imports it (translate.ts): what the import creates, what it
// overwrites, what it leaves as it is (RabbitMQ's import keeps an existing
// queue or exchange whatever its arguments), what is extra on the cluster
// (kept, or deleted when the operator asks), and what Warren never deletes.
// The same classification, asked again after the import, is the run's
// verification: nothing may be left but what the operator chose to keep. Pure.
import { diffDefinitions, INTERNAL_CLUSTER_ID, KINDS, type Change, type Counts, type Definitions, type Kind, type ObjectRef } from "./definitions";
import type { Finding } from "./translate";

export interface RestoreOptions {
  /** Delete what the cluster has and the backup has not, and declare again the queues and exchanges that differ (their messages are lost). */
  deleteExtra: boolean;
  /** The management plugin is on: exchanges and bindings can be deleted (rabbitmqctl has no command for either). */
  management: boolean;
  /** Warren's management user on the cluster: never deleted, nor its permissions. */
  adminUser: string | null;
}

/**
 * Fields RabbitMQ's import changes on an object that exists already
 * (rabbit_definitions, 3.10.8 and 4.0.5: put_user, put_vhost updates the
 * description and tags, permissions, policies and parameters are set again;
 * an existing queue or exchange is left as it is).
 */
export const IMPORT_UPDATES: Record<Kind, "all" | readonly string[]> = {
  users: "all", vhosts: ["description", "tags"], permissions: "all", topic_permissions: "all", policies: "all", operator_policies: [],
  parameters: "all", global_parameters: "all", exchanges: [], queues: [], bindings: [],
};
/** Kinds a restore may delete and declare again when they differ (deleteExtra). */
const RECREATED: readonly Kind[] = ["queues", "exchanges"];
/** The order deletions go in: what lives in something before it. */
export const DELETE_ORDER: readonly Kind[] = ["bindings", "queues", "exchanges", "policies", "parameters", "global_parameters", "topic_permissions", "permissions", "users", "vhosts"];

export interface RestoreClasses {
  /** In the backup, not on the cluster: the import creates them. */
  create: ObjectRef[];
  /** Different, and the import sets them as the backup has them. */
  update: Change[];
  /** Different in what the import does not change: left as they are. */
  keepChanged: Change[];
  /** Different queues and exchanges deleted first and declared again by the import (deleteExtra). */
  recreate: Change[];
  /** On the cluster, not in the backup (kept, or deleted with deleteExtra). */
  extra: ObjectRef[];
  /** Never deleted: Warren's management user and its permissions, the cluster's name and internal id, the default virtual host. */
  protected: ObjectRef[];
  /** Extra exchanges and bindings on a cluster without the management plugin: kept. */
  cannotDelete: ObjectRef[];
  /** What the delete step deletes, in order (objects inside a deleted vhost, queue or exchange go with it). */
  delete: ObjectRef[];
}

function isProtected(r: ObjectRef, o: RestoreOptions): boolean {
  if (r.kind === "global_parameters") return r.parts[0] === "cluster_name" || r.parts[0] === INTERNAL_CLUSTER_ID;
  if (r.kind === "vhosts") return r.parts[0] === "/";
  if (!o.adminUser) return false;
  if (r.kind === "users") return r.parts[0] === o.adminUser;
  if (r.kind === "permissions" || r.kind === "topic_permissions") return r.parts[1] === o.adminUser;
  return false;
}

export function classify(live: Definitions, desired: Definitions, o: RestoreOptions): RestoreClasses {
  const d = diffDefinitions(live, desired, { redacted: false });
  const c: RestoreClasses = { create: d.added, update: [], keepChanged: [], recreate: [], extra: [], protected: [], cannotDelete: [], delete: [] };
  for (const ch of d.changed) {
    const upd = IMPORT_UPDATES[ch.kind];
    const updated = ch.fields.filter((f) => upd === "all" || upd.includes(f.field));
    const kept = ch.fields.filter((f) => !updated.includes(f));
    if (updated.length) c.update.push({ ...ch, fields: updated });
    if (!kept.length) continue;
    if (o.deleteExtra && RECREATED.includes(ch.kind) && (ch.kind === "queues" || o.management)) c.recreate.push({ ...ch, fields: kept });
    else c.keepChanged.push({ ...ch, fields: kept });
  }
  for (const r of d.removed) {
    if (isProtected(r, o)) c.protected.push(r);
    else if (r.kind === "operator_policies") continue; // never in an export; nothing to say
    else if (!o.management && (r.kind === "exchanges" || r.kind === "bindings")) c.cannotDelete.push(r);
    else c.extra.push(r);
  }
  if (o.deleteExtra) {
    const all = [...c.extra, ...c.recreate];
    const inside = goesWith(all);
    c.delete = deletions(all, c.recreate, inside);
    // An exchange or binding rabbitmqctl cannot delete may still go with a vhost or queue that is deleted.
    c.cannotDelete = c.cannotDelete.filter((r) => !inside(r));
  }
  return c;
}

/** Whether an object goes when one of `all` is deleted: anything in a deleted vhost, a binding of a deleted queue or exchange. */
function goesWith(all: ObjectRef[]): (r: ObjectRef) => boolean {
  const vhosts = new Set(all.filter((r) => r.kind === "vhosts").map((r) => r.parts[0]));
  const gone = (kind: "queues" | "exchanges") => new Set(all.filter((r) => r.kind === kind).map((r) => JSON.stringify([r.parts[0], r.parts[1]])));
  const queues = gone("queues"), exchanges = gone("exchanges");
  return (r) => {
    if (r.kind !== "users" && r.kind !== "vhosts" && r.kind !== "global_parameters" && vhosts.has(r.parts[0])) return true;
    if (r.kind !== "bindings") return false;
    const [vhost, source, destType, dest] = r.parts;
    return exchanges.has(JSON.stringify([vhost, source])) || (destType === "exchange" ? exchanges : queues).has(JSON.stringify([vhost, dest]));
  };
}

/** The objects to delete, in DELETE_ORDER, leaving out what goes with a deleted vhost, queue or exchange. */
function deletions(all: ObjectRef[], recreate: ObjectRef[], inside: (r: ObjectRef) => boolean): ObjectRef[] {
  const vhosts = new Set(all.filter((r) => r.kind === "vhosts").map((r) => r.parts[0]));
  const keys = new Set(recreate.map((r) => `${r.kind}\u0000${r.key}`));
  const seen = new Set<string>();
  return DELETE_ORDER.flatMap((k) => all.filter((r) => r.kind === k))
    .filter((r) => { const id = `${r.kind}\u0000${r.key}`; if (seen.has(id)) return false; seen.add(id); return keys.has(id) ? !vhosts.has(r.parts[0]) : !inside(r); })
    .map(({ kind, key, parts, label }) => ({ kind, key, parts, label }));
}

/**
 * What is left after a restore that should not be: anything not created, not
 * updated or not declared again, and — when the operator chose to delete the
 * extras — any extra still there. Empty: the restore did what its plan said.
 */
export function residual(c: RestoreClasses, o: Pick<RestoreOptions, "deleteExtra">): { what: string; refs: ObjectRef[] }[] {
  const out: { what: string; refs: ObjectRef[] }[] = [];
  if (c.create.length) out.push({ what: "missing", refs: c.create });
  if (c.update.length) out.push({ what: "still different", refs: c.update });
  if (c.recreate.length) out.push({ what: "still different (not declared again)", refs: c.recreate });
  if (o.deleteExtra && c.delete.length) out.push({ what: "still there (not deleted)", refs: c.delete });
  return out;
}

export function residualLine(r: ReturnType<typeof residual>, max = 8): string {
  return r.map((x) => `${x.refs.length} ${x.what}: ${x.refs.slice(0, max).map((ref) => `${ref.kind.replace(/s$/, "").replace("_", " ")} ${ref.label}${"fields" in ref ? ` (${(ref as Change).fields.map((f) => f.field).join(", ")})` : ""}`).join("; ")}${x.refs.length > max ? `; and ${x.refs.length - max} more` : ""}`).join(" — ");
}

// ---- The plan's account of it ------------------------------------------------

export interface Section {
  total: number;
  byKind: Partial<Record<Kind, number>>;
  items: { kind: Kind; label: string; fields?: string[] }[];
  /** Items not listed (the API's diff has them all). */
  more: number;
}

export interface RestoreSummary {
  backup: { id: string; cluster: string; createdAt: string; rabbitmqVersion: string | null; counts: Counts };
  target: { rabbitmqVersion: string | null; readFrom: string };
  deleteExtra: boolean;
  create: Section;
  update: Section;
  keepChanged: Section;
  recreate: Section;
  /** Deleted when deleteExtra, else kept. */
  extra: Section;
  protected: Section;
  cannotDelete: Section;
  findings: (Finding & { more: number })[];
}

export const SECTION_ITEMS = 100;

export function section(refs: (ObjectRef | Change)[], max = SECTION_ITEMS): Section {
  const byKind: Partial<Record<Kind, number>> = {};
  for (const r of refs) byKind[r.kind] = (byKind[r.kind] ?? 0) + 1;
  const sorted = [...refs].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));
  return {
    total: refs.length, byKind, more: Math.max(0, refs.length - max),
    items: sorted.slice(0, max).map((r) => ({ kind: r.kind, label: r.label, ...("fields" in r ? { fields: (r as Change).fields.map((f) => f.field) } : {}) })),
  };
}

export function summarise(c: RestoreClasses, findings: Finding[], o: { backup: RestoreSummary["backup"]; target: RestoreSummary["target"]; deleteExtra: boolean }): RestoreSummary {
  return {
    backup: o.backup, target: o.target, deleteExtra: o.deleteExtra,
    create: section(c.create), update: section(c.update), keepChanged: section(c.keepChanged), recreate: section(c.recreate),
    extra: section(c.extra), protected: section(c.protected), cannotDelete: section(c.cannotDelete),
    findings: findings.map((f) => ({ ...f, items: f.items.slice(0, SECTION_ITEMS), more: Math.max(0, f.items.length - SECTION_ITEMS) })),
  };
}
