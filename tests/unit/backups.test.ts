import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { canonical, countsLine, countsOf, definitionsFrom, DefinitionsError, diffCounts, diffDefinitions, fieldsOf, isEmptyDiff, KINDS, parseDefinitions, redact, refOf, serialise, totalOf, versionOf, type Definitions, type RawObject } from "@/lib/backups/definitions";
import { effectivePolicy, prepareForImport, QUORUM_QUEUE_ARGUMENTS } from "@/lib/backups/translate";
import { classify, IMPORT_UPDATES, residual, residualLine, type RestoreOptions } from "@/lib/backups/restore";
import { DEFAULT_SCHEDULE, expiredBackups, nextDue, ScheduleInput } from "@/lib/backups/retention";
import { BACKUP_PURPOSE, gunzipBounded, pack, sha256, unpack } from "@/lib/backups/pack";
import { SecretBox } from "@/lib/crypto/secret-box";
import { rulesFor } from "@/lib/rabbitmq/series";

// Definitions backups, diff and restore (issue #26), the pure core. The
// fixtures in tests/fixtures/definitions are HAND-MADE from RabbitMQ's
// documented export format (rabbit_definitions:all_definitions/0 for
// `rabbitmqctl export_definitions -`, rabbit_mgmt_wm_definitions for the
// management API's GET /api/definitions, read at rabbitmq-server v3.10.8 and
// v4.0.5), not captured from lab hosts: one 3.10 cluster "shop" exported by
// both tools, and a fresh 4.0 cluster with a few objects of its own. Replace
// them with captures from the lab when it is at hand (tests/README.md).
const fixture = (name: string) => fs.readFileSync(path.resolve("tests/fixtures/definitions", name), "utf8");
const CLI_310 = fixture("rabbitmq-3.10-rabbitmqctl.json");
const API_310 = fixture("rabbitmq-3.10-api.json");
const CLI_40 = fixture("rabbitmq-4.0-rabbitmqctl.json");
const HASHES = ["W4rR3nAdm1nHash", "Sh0pAppHash", "M0n1t0rHash", "F0urAdm1nHash", "0ldAppHash"];

const key = (d: { kind: string; label: string }[]) => d.map((r) => `${r.kind}: ${r.label}`);

describe("a definitions document", () => {
  it("parses 3.10 exports of both tools and a 4.0 export: every kind, counts, the version, unknown keys kept", () => {
    const cli = parseDefinitions(CLI_310), api = parseDefinitions(API_310), four = parseDefinitions(CLI_40);
    expect(countsOf(cli)).toEqual({ users: 3, vhosts: 2, permissions: 3, topic_permissions: 1, policies: 3, operator_policies: 0, parameters: 1, global_parameters: 1, exchanges: 2, queues: 5, bindings: 3 });
    expect(countsOf(api)).toEqual(countsOf(cli));
    expect(totalOf(countsOf(cli))).toBe(24);
    expect(versionOf(cli)).toBe("3.10.8");
    expect(versionOf(four)).toBe("4.0.5");
    expect(api.product_name).toBe("RabbitMQ");
    expect(countsLine(countsOf(four))).toBe("2 users, 1 virtual host, 2 permissions, 1 global parameter, 1 exchange, 2 queues");
    // An absent kind is empty, and stays absent when written again.
    const sparse = definitionsFrom({ rabbitmq_version: "3.8.2", queues: [{ vhost: "/", name: "q" }] });
    expect(sparse.users).toEqual([]);
    expect(JSON.parse(serialise(sparse))).toEqual({ rabbitmq_version: "3.8.2", queues: [{ vhost: "/", name: "q" }] });
  });

  it("refuses what is not a whole cluster's definitions, saying why", () => {
    expect(() => parseDefinitions("")).toThrow(DefinitionsError);
    expect(() => parseDefinitions("<html>")).toThrow(/not JSON \(6 bytes, starting "<html>"\)/);
    expect(() => parseDefinitions("[]")).toThrow(/a JSON object is expected/);
    expect(() => parseDefinitions('{"hello":1}')).toThrow(/none of users, vhosts/);
    expect(() => parseDefinitions('{"queues":[{"name":"q","durable":true}]}')).toThrow(/queues\.0\.vhost.*single virtual host's export/);
    expect(() => parseDefinitions('{"users":[{"password_hash":"x"}]}')).toThrow(/users\.0\.name/);
  });

  it("names each object by a canonical key; a binding's arguments are part of it, in any key order", () => {
    const b1 = refOf("bindings", { vhost: "v", source: "x", destination: "q", destination_type: "queue", routing_key: "k", arguments: { a: 1, b: 2 } });
    const b2 = refOf("bindings", { vhost: "v", source: "x", destination: "q", destination_type: "queue", routing_key: "k", arguments: { b: 2, a: 1 } });
    expect(b1.key).toBe(b2.key);
    expect(b1.label).toBe('x → queue q, key "k", arguments {"a":1,"b":2} on v');
    expect(refOf("queues", { vhost: "/", name: "orders" })).toMatchObject({ key: '["/","orders"]', label: "orders on /" });
    expect(refOf("parameters", { vhost: "shop", component: "federation-upstream", name: "up" }).label).toBe("federation-upstream up on shop");
    expect(canonical({ b: [1, { d: 1, c: 2 }], a: null })).toBe('{"a":null,"b":[1,{"c":2,"d":1}]}');
  });
});

describe("diff", () => {
  const cli = parseDefinitions(CLI_310), api = parseDefinitions(API_310);

  it("the same cluster exported by rabbitmqctl and by the management API has no difference", () => {
    expect(diffDefinitions(cli, api)).toEqual({ added: [], removed: [], changed: [] });
    // Tags as a comma-separated string (3.8's management API) compare equal to a list.
    const old = structuredClone(api);
    old.users[2].tags = "monitoring";
    (old.vhosts[1] as RawObject).tags = "prod";
    expect(isEmptyDiff(diffDefinitions(cli, old))).toBe(true);
  });

  it("lists what was added, removed and changed, field by field, in import order", () => {
    const next = structuredClone(cli);
    next.queues = next.queues.filter((q) => q.name !== "events.audit");
    next.queues.push({ vhost: "shop", name: "refunds", type: "quorum", durable: true, auto_delete: false, arguments: { "x-queue-type": "quorum" } });
    next.users[1].password_hash = "NewHashForShopApp";
    (next.policies[2].definition as RawObject)["message-ttl"] = 120000;
    next.bindings[0].routing_key = "order.placed";
    const d = diffDefinitions(cli, next);
    expect(key(d.added)).toEqual(["queues: refunds on shop", 'bindings: orders → queue orders.new, key "order.placed" on shop']);
    expect(key(d.removed)).toEqual(["queues: events.audit on shop", 'bindings: orders → queue orders.new, key "order.created" on shop']);
    expect(d.changed.map((c) => [c.kind, c.label, c.fields.map((f) => f.field)])).toEqual([["users", "shop-app", ["password_hash"]], ["policies", "shop-ttl on shop", ["definition"]]]);
    expect(diffCounts(d).queues).toEqual({ added: 1, removed: 1, changed: 0 });
  });

  it("never shows a password hash or a credential: hashes hidden, passwords in URIs and secret keys masked", () => {
    const next = structuredClone(cli);
    next.users[1].password_hash = "NewHashForShopApp";
    next.parameters[0].value = { uri: "amqps://fed:n3w-s3cret@new-broker:5671", "ack-mode": "on-publish", password: "plain" };
    const d = diffDefinitions(cli, next);
    const text = JSON.stringify(d);
    for (const h of [...HASHES, "NewHashForShopApp", "s3cret-fed", "n3w-s3cret", "plain"]) expect(text).not.toContain(h);
    expect(d.changed.find((c) => c.kind === "users")!.fields[0]).toEqual({ field: "password_hash", before: "(hidden)", after: "(hidden)" });
    expect(text).toContain("amqps://fed:***@new-broker:5671");
    expect(redact("global_parameters", "value", { token: "t", note: "x" })).toEqual({ token: "(hidden)", note: "x" });
    // Unredacted only when asked (the restore's own classification).
    expect(JSON.stringify(diffDefinitions(cli, next, { redacted: false }))).toContain("NewHashForShopApp");
  });

  it("compares a queue's type whether its export says it in a field or an argument (3.8 exports have neither for classic queues)", () => {
    expect(fieldsOf("queues", { name: "q", vhost: "/", durable: true, auto_delete: false, arguments: { "x-queue-type": "quorum" } })).toMatchObject({ type: "quorum", arguments: {} });
    expect(fieldsOf("queues", { name: "q", vhost: "/", durable: true, auto_delete: false, arguments: {} })).toMatchObject({ type: "classic" });
    expect(fieldsOf("vhosts", { name: "v", metadata: { default_queue_type: "undefined", description: "d", tags: [] } })).toEqual({ description: "d", tags: [], default_queue_type: undefined });
  });
});

describe("translation for the target's version", () => {
  const d310 = parseDefinitions(CLI_310);
  const four = (o: Partial<Parameters<typeof prepareForImport>[1]> = {}) => prepareForImport(d310, { target: "4.0.5", adminUser: "warren-admin", clusterName: "rabbit-four", ...o });
  const byName = (d: Definitions, vhost: string, name: string) => d.queues.find((q) => q.vhost === vhost && q.name === name)!;

  it("uses the series rules: mirroring is removed from 4.0, not before", () => {
    expect(rulesFor("4.0.5")?.mirroring).toBe("removed");
    expect(rulesFor("3.13.7")?.mirroring).toBe("deprecated");
    const same = prepareForImport(d310, { target: "3.10.8", adminUser: null, clusterName: null });
    expect(same.findings).toEqual([]);
    expect(same.doc.queues).toEqual(d310.queues);
    expect(same.doc.policies).toEqual(d310.policies);
  });

  it("on 4.x: ha-* keys leave the policies (a policy left empty is dropped), each change a finding", () => {
    const { doc, findings } = four();
    expect(doc.policies.map((p) => [p.vhost, p.name, p.definition])).toEqual([["shop", "shop-ha", { "max-length": 10000 }], ["shop", "shop-ttl", { "message-ttl": 60000 }]]);
    expect(findings.find((f) => f.id === "ha-policy-dropped")!.items).toEqual([{ label: "ha-all on /", detail: 'ha-mode "all", ha-sync-mode "automatic"' }]);
    expect(findings.find((f) => f.id === "ha-policy-keys")!.items).toEqual([{ label: "shop-ha on shop", detail: 'ha-mode "exactly", ha-params 2, ha-sync-mode "automatic" removed; kept: max-length' }]);
    expect(JSON.stringify(doc.policies)).not.toMatch(/"ha-/);
  });

  it("on 4.x: queues a mirroring policy applied to become quorum queues, without the arguments quorum queues refuse; those that cannot be are listed", () => {
    const { doc, findings } = four();
    expect(byName(doc, "shop", "orders.new")).toMatchObject({ type: "quorum", arguments: { "x-message-ttl": 3600000, "x-queue-type": "quorum" } });
    expect(byName(doc, "/", "misc")).toMatchObject({ type: "quorum", arguments: { "x-queue-type": "quorum" } });
    for (const q of doc.queues.filter((x) => x.type === "quorum")) for (const a of Object.keys(q.arguments as RawObject)) expect(QUORUM_QUEUE_ARGUMENTS).toContain(a);
    expect(findings.find((f) => f.id === "mirrored-to-quorum")!.items.map((i) => i.label)).toEqual(["orders.new on shop", "misc on /"]);
    expect(findings.find((f) => f.id === "quorum-arguments")!.items).toEqual([{ label: "orders.new on shop", detail: "x-max-priority" }, { label: "misc on /", detail: "x-queue-mode" }]);
    // Auto-delete and not durable: quorum queues cannot be either.
    expect(findings.find((f) => f.id === "mirrored-not-quorum")!.items).toEqual([{ label: "orders.tmp on shop", detail: "not durable, auto-delete" }]);
    expect(byName(doc, "shop", "orders.tmp")).toMatchObject({ type: "classic", arguments: { "x-queue-type": "classic" } });
    // No mirroring policy applies to events.audit (shop-ttl has none): it stays classic, declared so explicitly.
    expect(byName(doc, "shop", "events.audit")).toMatchObject({ type: "classic", arguments: { "x-queue-type": "classic" } });
    expect(findings.find((f) => f.id === "explicit-classic")!.items.map((i) => i.label)).toEqual(["orders.tmp on shop", "events.audit on shop"]);
    expect(byName(doc, "shop", "payments")).toEqual(byName(d310, "shop", "payments"));
  });

  it("the policy that applies is the matching one of the highest priority: a higher policy without ha-* keys means no mirroring", () => {
    const q = { vhost: "v", name: "jobs.1", type: "classic", durable: true, auto_delete: false, arguments: {} };
    const ha = { vhost: "v", name: "ha", pattern: "^jobs", "apply-to": "all", priority: 0, definition: { "ha-mode": "all" } };
    const ttl = { vhost: "v", name: "ttl", pattern: "\\.1$", "apply-to": "queues", priority: 5, definition: { "message-ttl": 1 } };
    const ex = { vhost: "v", name: "ex", pattern: ".*", "apply-to": "exchanges", priority: 9, definition: { "alternate-exchange": "a" } };
    expect(effectivePolicy(q, [ha, ttl, ex])?.name).toBe("ttl");
    expect(effectivePolicy(q, [ha, ex])?.name).toBe("ha");
    expect(effectivePolicy({ ...q, vhost: "w" }, [ha])).toBeNull();
    const d = definitionsFrom({ rabbitmq_version: "3.10.8", queues: [q], policies: [ha, ttl, { ...ha, name: "bad", pattern: "(", priority: 9 }] });
    const { doc, findings } = prepareForImport(d, { target: "4.0.5", adminUser: null, clusterName: null });
    expect(doc.queues[0].type).toBe("classic");
    expect(findings.find((f) => f.id === "pattern")!.items).toEqual([{ label: "bad on v" }]);
  });

  it("leaves out Warren's own management user and the cluster's name, and says so; operator policies are never imported", () => {
    const withOp = definitionsFrom({ ...d310, operator_policies: [{ vhost: "shop", name: "cap", pattern: ".*", definition: { "max-length": 1 } }] });
    const { doc, findings } = prepareForImport(withOp, { target: "3.10.8", adminUser: "warren-admin", clusterName: "rabbit-two" });
    expect(doc.users.map((u) => u.name)).toEqual(["shop-app", "monitoring"]);
    expect(doc.global_parameters).toEqual([]);
    expect(doc.operator_policies).toEqual([]);
    expect(findings.map((f) => f.id)).toEqual(["admin-user", "cluster-name", "operator-policies"]);
    expect(findings[1].items).toEqual([{ label: "cluster_name", detail: 'the backup\'s is "rabbit-prod"' }]);
    // The same name: left out, nothing to say.
    expect(prepareForImport(d310, { target: "3.10.8", adminUser: null, clusterName: "rabbit-prod" }).findings).toEqual([]);
  });

  it("a backup from a newer version than the target is said to be so", () => {
    const d = definitionsFrom({ rabbitmq_version: "4.0.5", vhosts: [{ name: "/" }] });
    expect(prepareForImport(d, { target: "3.10.8", adminUser: null, clusterName: null }).findings.map((f) => f.id)).toEqual(["newer-source"]);
  });
});

/** What RabbitMQ's import does (rabbit_definitions at 3.10.8 and 4.0.5): creates what is missing, sets what it updates, leaves existing queues and exchanges as they are. */
function simulateImport(live: Definitions, doc: Definitions): Definitions {
  const out = structuredClone(live);
  for (const k of KINDS) {
    for (const o of doc[k]) {
      const ref = refOf(k, o);
      const i = out[k].findIndex((x) => refOf(k, x).key === ref.key);
      if (i < 0) { out[k].push(structuredClone(o)); continue; }
      const upd = IMPORT_UPDATES[k];
      if (upd === "all") out[k][i] = structuredClone(o);
      else if (k === "vhosts") out[k][i] = { ...out[k][i], metadata: { ...(out[k][i].metadata as RawObject), description: (o.metadata as RawObject)?.description, tags: (o.metadata as RawObject)?.tags } };
    }
  }
  return out;
}
function simulateDeletes(live: Definitions, refs: { kind: string; key: string; parts: string[] }[]): Definitions {
  const out = structuredClone(live);
  const gone = new Set(refs.map((r) => `${r.kind}\u0000${r.key}`));
  const vhosts = new Set(refs.filter((r) => r.kind === "vhosts").map((r) => r.parts[0]));
  for (const k of KINDS) out[k] = out[k].filter((o) => !gone.has(`${k}\u0000${refOf(k, o).key}`) && !(k !== "users" && k !== "vhosts" && k !== "global_parameters" && vhosts.has(String(o.vhost))));
  return out;
}

describe("what a restore does, against the live definitions", () => {
  const live = parseDefinitions(CLI_40);
  const opts = (o: Partial<RestoreOptions> = {}): RestoreOptions => ({ deleteExtra: false, management: true, adminUser: "warren-admin", ...o });
  const prep = prepareForImport(parseDefinitions(CLI_310), { target: "4.0.5", adminUser: "warren-admin", clusterName: "rabbit-four" });

  it("onto a 4.0 cluster: creates what is missing, keeps the extras, never touches Warren's user or the cluster's name", () => {
    const c = classify(live, prep.doc, opts());
    // 21 objects as imported (the backup's 24 less ha-all, warren-admin and cluster_name), 3 of them there already: / and warren-admin's permissions on it, and misc.
    expect(c.create.length).toBe(18);
    expect(key(c.create)).toContain("queues: orders.new on shop");
    expect(key(c.create)).not.toContain("vhosts: /");
    // /misc exists on the cluster as a classic queue; the backup (translated) has it as a quorum queue: the import leaves it.
    expect(c.keepChanged.map((x) => [x.label, x.fields.map((f) => f.field)])).toEqual([["misc on /", ["type"]]]);
    expect(key(c.extra)).toEqual(["users: old-app", "permissions: old-app on /", "exchanges: legacy on /", "queues: legacy.jobs on /"]);
    expect(key(c.protected)).toEqual(["users: warren-admin", "global_parameters: cluster_name"]);
    expect(c.delete).toEqual([]);
    // After the import: nothing left but what was kept.
    expect(residual(classify(simulateImport(live, prep.doc), prep.doc, opts()), opts())).toEqual([]);
    // Before it: everything missing is named.
    expect(residualLine(residual(c, opts()), 2)).toMatch(/^18 missing: user monitoring; user shop-app; and 16 more$/);
  });

  it("never imports nor deletes a cluster's internal id: another cluster's would make this one claim its identity (seen on lab hosts: a restore copied it, and it blocked a migration's readiness)", () => {
    const own = { name: "internal_cluster_id", value: "rabbitmq-cluster-id-TARGET" };
    const backup = { ...parseDefinitions(CLI_310), global_parameters: [...parseDefinitions(CLI_310).global_parameters, { name: "internal_cluster_id", value: "rabbitmq-cluster-id-SOURCE" }] };
    const p = prepareForImport(backup, { target: "4.0.5", adminUser: "warren-admin", clusterName: "rabbit-four" });
    expect(p.doc.global_parameters.map((g) => g.name)).not.toContain("internal_cluster_id");
    expect(p.findings.find((f) => f.id === "cluster-id")!.items).toEqual([{ label: "internal_cluster_id", detail: 'the backup\'s is "rabbitmq-cluster-id-SOURCE"' }]);
    // Also onto a target whose version or name Warren does not know.
    expect(prepareForImport(backup, { target: null, adminUser: null, clusterName: null }).doc.global_parameters.map((g) => g.name)).not.toContain("internal_cluster_id");
    const withId = { ...live, global_parameters: [...live.global_parameters, own] };
    const o = opts({ deleteExtra: true });
    const c = classify(withId, p.doc, o);
    expect(key(c.protected)).toContain("global_parameters: internal_cluster_id");
    expect(key(c.delete)).not.toContain("global_parameters: internal_cluster_id");
    expect(residual(classify(simulateImport(simulateDeletes(withId, c.delete), p.doc), p.doc, o), o)).toEqual([]);
  });

  it("with deleteExtra: the extras and the queues that differ are deleted (in order, nothing inside a deleted thing twice), and the result is the backup exactly", () => {
    const o = opts({ deleteExtra: true });
    const c = classify(live, prep.doc, o);
    expect(c.recreate.map((x) => x.label)).toEqual(["misc on /"]);
    expect(key(c.delete)).toEqual(["queues: legacy.jobs on /", "queues: misc on /", "exchanges: legacy on /", "permissions: old-app on /", "users: old-app"]);
    const after = simulateImport(simulateDeletes(live, c.delete), prep.doc);
    expect(residual(classify(after, prep.doc, o), o)).toEqual([]);
    // Warren's user, its permissions and the default vhost are never deleted, whatever the backup has.
    const bare = definitionsFrom({ rabbitmq_version: "4.0.5", vhosts: [] });
    const all = classify(live, bare, o);
    expect(all.delete.map((r) => r.label)).not.toContain("warren-admin");
    expect(key(all.protected)).toEqual(["users: warren-admin", "vhosts: /", "permissions: warren-admin on /", "global_parameters: cluster_name"]);
  });

  it("objects inside a deleted vhost, queue or exchange are not deleted one by one", () => {
    const liveShop = definitionsFrom({
      rabbitmq_version: "3.10.8", vhosts: [{ name: "/" }, { name: "old" }],
      queues: [{ vhost: "old", name: "q" }, { vhost: "/", name: "gone" }, { vhost: "/", name: "keep" }],
      exchanges: [{ vhost: "/", name: "x" }],
      bindings: [{ vhost: "/", source: "x", destination: "keep", destination_type: "queue", routing_key: "", arguments: {} }, { vhost: "/", source: "amq.direct", destination: "gone", destination_type: "queue", routing_key: "g", arguments: {} }],
      permissions: [{ vhost: "old", user: "u", configure: "", write: "", read: "" }],
    });
    const want = definitionsFrom({ rabbitmq_version: "3.10.8", vhosts: [{ name: "/" }], queues: [{ vhost: "/", name: "keep" }] });
    const c = classify(liveShop, want, opts({ deleteExtra: true }));
    expect(key(c.delete)).toEqual(["queues: gone on /", "exchanges: x on /", "vhosts: old"]);
    // Without the management plugin rabbitmqctl cannot delete exchanges or bindings: they are kept, and said to be.
    const cli = classify(liveShop, want, opts({ deleteExtra: true, management: false }));
    expect(key(cli.cannotDelete)).toEqual(["exchanges: x on /", "bindings: x → queue keep on /"]);
    expect(key(cli.delete)).toEqual(["queues: gone on /", "vhosts: old"]);
  });

  it("a restore onto its own cluster after queues and a vhost were deleted by hand: exactly those are created", () => {
    const backup = parseDefinitions(CLI_310);
    const damaged = structuredClone(backup);
    damaged.vhosts = damaged.vhosts.filter((v) => v.name !== "shop");
    for (const k of KINDS) if (k !== "vhosts" && k !== "users" && k !== "global_parameters") damaged[k] = damaged[k].filter((o) => o.vhost !== "shop");
    damaged.queues = damaged.queues.filter((q) => q.name !== "misc");
    const same = prepareForImport(backup, { target: "3.10.8", adminUser: "warren-admin", clusterName: "rabbit-prod" });
    const c = classify(damaged, same.doc, opts());
    // The vhost and the 15 objects in it, and /misc; the users were not deleted by hand (users are not in a vhost).
    expect(c.create.length).toBe(17);
    expect(c.update).toEqual([]);
    expect(residual(classify(simulateImport(damaged, same.doc), same.doc, opts()), opts())).toEqual([]);
  });
});

describe("retention and the schedule", () => {
  const now = new Date("2026-12-06T12:00:00Z");
  const ago = (h: number) => new Date(now.getTime() - h * 3600_000);
  const backups = Array.from({ length: 10 }, (_, i) => ({ id: `b${i}`, createdAt: ago(i * 24) }));

  it("keeps the newest N, or what is younger than N days, or both; never the newest or a protected one", () => {
    expect(expiredBackups(backups, { keepCount: 3, keepDays: null }, now)).toEqual(["b3", "b4", "b5", "b6", "b7", "b8", "b9"]);
    expect(expiredBackups(backups, { keepCount: null, keepDays: 5 }, now)).toEqual(["b5", "b6", "b7", "b8", "b9"]);
    expect(expiredBackups(backups, { keepCount: 7, keepDays: 2 }, now)).toEqual(["b7", "b8", "b9"]);
    expect(expiredBackups(backups, { keepCount: null, keepDays: null }, now)).toEqual([]);
    expect(expiredBackups(backups, { keepCount: 1, keepDays: null }, now, new Set(["b4"]))).toEqual(["b1", "b2", "b3", "b5", "b6", "b7", "b8", "b9"]);
    // Even when every backup is old, the newest stays.
    expect(expiredBackups([{ id: "old", createdAt: ago(24 * 400) }], { keepCount: null, keepDays: 1 }, now)).toEqual([]);
  });

  it("the next backup is due an interval after the newest backup or attempt; an hour after a failure; now when there was none", () => {
    const s = { enabled: true, everyHours: 24 };
    expect(nextDue(s, { latestAt: null, lastAttemptAt: null, lastErrorAt: null }, now)).toEqual(now);
    expect(nextDue(s, { latestAt: ago(2), lastAttemptAt: ago(30), lastErrorAt: null }, now)).toEqual(ago(-22));
    expect(nextDue(s, { latestAt: ago(30), lastAttemptAt: ago(5), lastErrorAt: ago(5) }, now)).toEqual(ago(4));
    expect(nextDue({ enabled: true, everyHours: 1 }, { latestAt: ago(30), lastAttemptAt: ago(0.5), lastErrorAt: ago(0.5) }, now)).toEqual(ago(-0.5));
    expect(nextDue({ ...s, enabled: false }, { latestAt: null, lastAttemptAt: null, lastErrorAt: null }, now)).toBeNull();
    expect(DEFAULT_SCHEDULE).toEqual({ enabled: true, everyHours: 24, keepCount: 30, keepDays: 30 });
    expect(() => ScheduleInput.parse({ enabled: true, everyHours: 0, keepCount: 1, keepDays: null })).toThrow(/every hour/);
  });
});

describe("at rest", () => {
  const box = new SecretBox(randomBytes(32));

  it("gzipped, sealed under its own purpose, and checked against its SHA-256 when opened", () => {
    const p = pack(box, CLI_310);
    expect(p.sha256).toBe(sha256(CLI_310));
    expect(p.plainBytes).toBe(Buffer.byteLength(CLI_310));
    expect(p.sizeBytes).toBe(p.blob.length);
    expect(p.sizeBytes).toBeLessThan(p.plainBytes);
    for (const h of HASHES) expect(p.blob.toString("latin1")).not.toContain(h);
    expect(unpack(box, p.blob, p.sha256)).toBe(CLI_310);
    expect(() => unpack(new SecretBox(randomBytes(32)), p.blob, p.sha256)).toThrow();
    expect(() => box.openBytes(p.blob, "cluster:cookie")).toThrow();
    expect(() => unpack(box, p.blob, sha256("other"))).toThrow(/does not match its SHA-256/);
    const sealed = box.sealBytes(Buffer.from("x"), BACKUP_PURPOSE);
    expect(box.openBytes(sealed, BACKUP_PURPOSE).toString()).toBe("x");
  });

  it("an uploaded gzip body inflates, within bounds", () => {
    expect(gunzipBounded(gzipSync(Buffer.from(CLI_40)))).toBe(CLI_40);
    expect(() => gunzipBounded(Buffer.from("not gzip"))).toThrow(/not gzip/);
  });
});
