// A backup as Warren imports it onto a cluster: what the target's RabbitMQ
// version no longer supports translated (on 4.x: ha-* policy keys removed,
// queues a mirroring policy applied to declared as quorum queues), what would
// break Warren's hold on the cluster left out (its own management user, the
// cluster's name), and every such change listed as a finding for the plan —
// nothing is dropped silently. The version rules are lib/rabbitmq/series.ts's.
// Pure and deterministic: the plan and the run compute the same document.
import { rulesFor, seriesOf } from "@/lib/rabbitmq/series";
import { rabbitmqRelease } from "@/lib/rabbitmq/versions";
import { argumentsOf as argsOf, identity, INTERNAL_CLUSTER_ID, labelOf, queueType, versionOf, type Definitions, type Kind, type RawObject } from "./definitions";

export interface PrepareOptions {
  /** The target's RabbitMQ version (as its export says); null when unknown: nothing is translated. */
  target: string | null;
  /** Warren's management user on the target: never replaced by the backup's copy (its password is the one Warren uses). */
  adminUser: string | null;
  /** The target's cluster name (its spec's): the backup's cluster_name global parameter is not applied. */
  clusterName: string | null;
}

export interface Finding {
  id: "mirrored-to-quorum" | "mirrored-not-quorum" | "quorum-arguments" | "ha-policy-keys" | "ha-policy-dropped" | "explicit-classic" | "operator-policies" | "admin-user" | "cluster-name" | "cluster-id" | "newer-source" | "pattern";
  /** What the backup has that cannot be imported as it is. */
  title: string;
  /** What the restore does instead. */
  instead: string;
  kind: Kind;
  items: { label: string; detail?: string }[];
}

/** Queue arguments RabbitMQ accepts on a quorum queue (rabbit_quorum_queue:capabilities/0, the same in 3.10.8 and 4.0.5). */
export const QUORUM_QUEUE_ARGUMENTS = [
  "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy", "x-expires", "x-max-length", "x-max-length-bytes",
  "x-max-in-memory-length", "x-max-in-memory-bytes", "x-overflow", "x-single-active-consumer", "x-queue-type",
  "x-quorum-initial-group-size", "x-delivery-limit", "x-message-ttl", "x-queue-leader-locator",
] as const;

/** The keys of classic queue mirroring in a policy's definition. */
export const isHaKey = (k: string) => k.startsWith("ha-");

const policyDef = (p: RawObject) => (p.definition && typeof p.definition === "object" && !Array.isArray(p.definition) ? (p.definition as RawObject) : {});
const appliesToClassicQueues = (p: RawObject) => ["all", "queues", "classic_queues", undefined].includes(p["apply-to"] as string | undefined);

/**
 * The policy that applies to a queue: of the vhost's policies whose pattern
 * matches its name and that apply to classic queues, the one of the highest
 * priority (ties by name). null when none does; "unreadable" patterns are
 * reported by the caller.
 */
export function effectivePolicy(q: RawObject, policies: RawObject[], bad: Set<string> = new Set()): RawObject | null {
  const name = String(q.name);
  const matching = policies.filter((p) => {
    if (p.vhost !== q.vhost || !appliesToClassicQueues(p)) return false;
    try {
      return new RegExp(String(p.pattern ?? "")).test(name);
    } catch {
      bad.add(`${p.vhost}\u0000${p.name}`);
      return false;
    }
  });
  matching.sort((a, b) => Number(b.priority ?? 0) - Number(a.priority ?? 0) || String(a.name).localeCompare(String(b.name)));
  return matching[0] ?? null;
}

const series = (v: string) => seriesOf(rabbitmqRelease(v)).split(".").map(Number);
const newer = (a: string, b: string) => { const x = series(a), y = series(b); return x[0] > y[0] || (x[0] === y[0] && x[1] > y[1]); };

export function prepareForImport(d: Definitions, o: PrepareOptions): { doc: Definitions; findings: Finding[] } {
  const findings: Finding[] = [];
  const add = (f: Omit<Finding, "items">, items: Finding["items"]) => { if (items.length) findings.push({ ...f, items }); };
  const out: Definitions = { ...d };
  const rules = rulesFor(o.target);
  const from = versionOf(d);

  if (from && o.target && rulesFor(from) && rules && newer(from, o.target))
    add({ id: "newer-source", kind: "vhosts", title: `The backup comes from RabbitMQ ${rabbitmqRelease(from)}, newer than this cluster's ${rabbitmqRelease(o.target)}`, instead: "imported as it is: anything the older version does not know makes the import fail with RabbitMQ's own message" }, [{ label: `RabbitMQ ${rabbitmqRelease(from)} → ${rabbitmqRelease(o.target)}` }]);

  if (o.adminUser) {
    const own = d.users.filter((u) => u.name === o.adminUser);
    out.users = d.users.filter((u) => u.name !== o.adminUser);
    add({ id: "admin-user", kind: "users", title: "Warren's management user on this cluster", instead: "left as it is: the backup's copy would change the password Warren reads the cluster with" }, own.map((u) => ({ label: String(u.name) })));
  }
  if (o.clusterName) {
    const named = d.global_parameters.filter((p) => p.name === "cluster_name");
    out.global_parameters = d.global_parameters.filter((p) => p.name !== "cluster_name");
    add({ id: "cluster-name", kind: "global_parameters", title: "The cluster's name", instead: `not applied: the cluster keeps its name ${o.clusterName}` },
      named.filter((p) => p.value !== o.clusterName).map((p) => ({ label: "cluster_name", detail: `the backup's is ${JSON.stringify(p.value)}` })));
  }
  // RabbitMQ gives every cluster an internal id (a global parameter both 3.x and 4.x export): imported, it
  // would make this cluster claim another's identity. Seen on lab hosts: a 3.10 cluster's readiness for a
  // 4.0 one was blocked by it, and a restore onto another cluster copied it over.
  const ids = out.global_parameters.filter((p) => p.name === INTERNAL_CLUSTER_ID);
  out.global_parameters = out.global_parameters.filter((p) => p.name !== INTERNAL_CLUSTER_ID);
  add({ id: "cluster-id", kind: "global_parameters", title: "The cluster's internal id", instead: "not applied: it identifies the cluster the backup was made on; this cluster keeps its own" },
    ids.map((p) => ({ label: INTERNAL_CLUSTER_ID, detail: `the backup's is ${JSON.stringify(p.value)}` })));
  // Neither 3.10 nor 4.0 imports operator policies (rabbit_definitions:apply_defs has no step for them).
  out.operator_policies = [];
  add({ id: "operator-policies", kind: "operator_policies", title: "Operator policies", instead: "not imported (RabbitMQ's definitions import does not apply them): set them again with rabbitmqctl set_operator_policy" },
    d.operator_policies.map((p) => ({ label: labelOf("operator_policies", identity("operator_policies", p)) })));

  let queues = d.queues;
  if (rules?.mirroring === "removed") {
    const bad = new Set<string>();
    const mirrored = (q: RawObject) => {
      if (queueType(q) !== "classic") return false;
      const p = effectivePolicy(q, d.policies, bad);
      return !!p && Object.keys(policyDef(p)).some(isHaKey);
    };
    const toQuorum: Finding["items"] = [], stayClassic: Finding["items"] = [], droppedArgs: Finding["items"] = [];
    queues = d.queues.map((q) => {
      if (!mirrored(q)) return q;
      const label = labelOf("queues", identity("queues", q));
      if (q.durable === false || q.auto_delete === true || q.exclusive === true) {
        stayClassic.push({ label, detail: [q.durable === false && "not durable", q.auto_delete === true && "auto-delete", q.exclusive === true && "exclusive"].filter(Boolean).join(", ") });
        return q;
      }
      const a = argsOf(q);
      const kept: RawObject = {};
      const gone: string[] = [];
      for (const [k, v] of Object.entries(a)) {
        if (!(QUORUM_QUEUE_ARGUMENTS as readonly string[]).includes(k)) gone.push(k);
        else if (k === "x-overflow" && v === "reject-publish-dlx") { kept[k] = "reject-publish"; gone.push("x-overflow reject-publish-dlx (reject-publish instead)"); }
        else kept[k] = v;
      }
      kept["x-queue-type"] = "quorum";
      toQuorum.push({ label });
      if (gone.length) droppedArgs.push({ label, detail: gone.join(", ") });
      return { ...q, type: "quorum", arguments: kept };
    });
    add({ id: "mirrored-to-quorum", kind: "queues", title: `Classic mirrored queues (an ha-* policy applies to them; mirroring was removed in RabbitMQ ${seriesOf(rabbitmqRelease(o.target!))})`, instead: "declared as quorum queues (x-queue-type quorum), replicated on a majority of the nodes" }, toQuorum);
    add({ id: "quorum-arguments", kind: "queues", title: "Arguments quorum queues do not take, on queues declared as quorum queues", instead: "left out of the declaration" }, droppedArgs);
    add({ id: "mirrored-not-quorum", kind: "queues", title: "Classic mirrored queues that cannot be quorum queues (quorum queues are durable, neither auto-delete nor exclusive)", instead: "declared as classic queues without mirroring: a node failure loses their messages" }, stayClassic);
    add({ id: "pattern", kind: "policies", title: "Policies whose pattern Warren cannot evaluate", instead: "the queues they match are not translated (their ha-* keys are still removed)" },
      [...bad].map((k) => { const [vhost, name] = k.split("\u0000"); return { label: labelOf("policies", [vhost, name]) }; }));

    const stripped: Finding["items"] = [], dropped: Finding["items"] = [];
    out.policies = d.policies.flatMap((p) => {
      const def = policyDef(p);
      const ha = Object.keys(def).filter(isHaKey);
      if (!ha.length) return [p];
      const label = labelOf("policies", identity("policies", p));
      const rest = Object.fromEntries(Object.entries(def).filter(([k]) => !isHaKey(k)));
      const detail = ha.map((k) => `${k} ${JSON.stringify(def[k])}`).join(", ");
      if (!Object.keys(rest).length) { dropped.push({ label, detail }); return []; }
      stripped.push({ label, detail: `${detail} removed; kept: ${Object.keys(rest).join(", ")}` });
      return [{ ...p, definition: rest }];
    });
    add({ id: "ha-policy-dropped", kind: "policies", title: "Mirroring policies (nothing but ha-* keys)", instead: "left out: RabbitMQ 4.x refuses ha-* keys" }, dropped);
    add({ id: "ha-policy-keys", kind: "policies", title: "Policies with ha-* keys among others", instead: "imported without their ha-* keys" }, stripped);
  }
  if (rules?.vhostDefaultQueueType) {
    // From 3.12 a virtual host's default queue type applies to queues declared without x-queue-type, imports included (4.0.5's add_queue_int).
    const explicit: Finding["items"] = [];
    queues = queues.map((q) => {
      if (argsOf(q)["x-queue-type"] !== undefined) return q;
      const t = queueType(q);
      if (t === "classic") explicit.push({ label: labelOf("queues", identity("queues", q)) });
      return { ...q, arguments: { ...argsOf(q), "x-queue-type": t } };
    });
    add({ id: "explicit-classic", kind: "queues", title: "Classic queues declared without x-queue-type", instead: "declared with x-queue-type classic, so a virtual host whose default queue type is quorum does not turn them into quorum queues" }, explicit);
  }
  out.queues = queues;
  return { doc: out, findings };
}
