// Blue-green migration (issue #27), the pure core: AMQP URIs for the shovels,
// the shovels themselves, the readiness of a target cluster against real
// definitions (the hand-made 3.10 and 4.0 fixtures of the backups tests), the
// switch's runtime API steps and the drain gate. Not yet wired to an
// operation: see tests/README.md.
import fs from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDefinitions, type Definitions } from "@/lib/backups/definitions";
import { haproxyConfig } from "@/lib/haproxy/config";
import { amqpUri, directUri, parseAmqpUri, pct, redactUri } from "@/lib/migration/amqp-uri";
import { drainVerdict, queueProgress, type DrainSample } from "@/lib/migration/progress";
import { clientConnections, parseConnections, parseNodes, parseQueueCounts, parseShovelStatus } from "@/lib/rabbitmq/management";
import { assessMigration, type ReadinessInput } from "@/lib/migration/readiness";
import { isMigrationShovel, removeShovelArgv, shovelDefinitions, shovelFor, shovelName, shovelsFor, showShovel } from "@/lib/migration/shovels";
import { bridgeBackends, switchSteps } from "@/lib/migration/switch";
import { labCluster, labSpec } from "./support-cluster";
import { BLUE_DEFS, blue, FOUR, FRESH_GREEN, green, greenStats } from "./support-migration";

const stats = greenStats;
const input = (o: Partial<ReadinessInput> = {}): ReadinessInput => ({ blue, green, blueDefs: BLUE_DEFS, greenDefs: FRESH_GREEN, greenNodes: stats(), greenQueues: [], ...o });

describe("AMQP URIs", () => {
  it("give back any user, password and virtual host they were made from (property)", () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme", minLength: 1 }), fc.ipV4(), fc.integer({ min: 1, max: 65535 }),
      (user, password, vhost, host, port) => {
        const uri = amqpUri({ user, password, vhost, host, port });
        // What RabbitMQ's parser splits on must never appear raw in a part (amqp_uri splits userinfo on every ':').
        const [, userinfo] = /^amqp:\/\/([^@]*)@/.exec(uri)!;
        expect(userinfo.split(":")).toHaveLength(2);
        expect(uri.slice(7).split("/")).toHaveLength(2);
        expect(parseAmqpUri(uri)).toEqual({ user, password, vhost, host, port });
      }));
  });

  it("encode what encodeURIComponent leaves, spell the default vhost out, bracket IPv6 and refuse what is no host or port", () => {
    expect(pct("a!'()*b")).toBe("a%21%27%28%29%2Ab");
    expect(amqpUri({ user: "u", password: "p@ss:w/rd", host: "10.0.0.1", port: 5672, vhost: "/" })).toBe("amqp://u:p%40ss%3Aw%2Frd@10.0.0.1:5672/%2F");
    expect(amqpUri({ user: "u", password: "p", host: "fd00::1", port: 5672, vhost: "v" })).toBe("amqp://u:p@[fd00::1]:5672/v");
    expect(directUri("/")).toBe("amqp:///%2F");
    expect(directUri("shop")).toBe("amqp:///shop");
    expect(() => amqpUri({ user: "u", password: "p", host: "a b", port: 5672, vhost: "/" })).toThrow(/not a host/);
    expect(() => amqpUri({ user: "u", password: "p", host: "h", port: 0, vhost: "/" })).toThrow(/not a port/);
  });

  it("are shown with the password masked, whatever it holds (property)", () => {
    fc.assert(fc.property(fc.string({ minLength: 1 }), (password) => {
      const shown = redactUri(amqpUri({ user: "warren-migrate", password, host: "10.0.0.1", port: 5672, vhost: "/" }));
      expect(shown).toBe("amqp://warren-migrate:***@10.0.0.1:5672/%2F");
    }));
  });
});

describe("shovels", () => {
  const src = { hosts: blue.nodes.map((n) => ({ host: n.address, port: 5672 })), user: "warren-migrate", password: "s3cr:et@/" };

  it("pull each queue from any of blue's nodes into green's queue of the same name, acknowledged on green's confirm, declaring nothing", () => {
    const s = shovelFor({ vhost: "shop", name: "orders.new" }, src);
    expect(s.value).toMatchObject({
      "src-protocol": "amqp091", "src-queue": "orders.new", "src-predeclared": true, "src-delete-after": "never",
      "dest-protocol": "amqp091", "dest-uri": "amqp:///shop", "dest-queue": "orders.new", "dest-predeclared": true, "ack-mode": "on-confirm",
    });
    expect(s.value["src-uri"]).toEqual(blue.nodes.map((n) => `amqp://warren-migrate:s3cr%3Aet%40%2F@${n.address}:5672/shop`));
    // Green imports them as a definitions document: parameters of component shovel, nothing else.
    const doc = parseDefinitions(shovelDefinitions([s]));
    expect(doc.parameters).toEqual([{ vhost: "shop", component: "shovel", name: s.name, value: s.value }]);
    expect(doc.queues).toEqual([]);
    expect(removeShovelArgv(s).slice(-5)).toEqual(["clear_parameter", "-p", "shop", "shovel", s.name]);
    expect(removeShovelArgv(s).join(" ")).not.toContain("s3cr");
  });

  it("push for a roll back: green's queue into blue's, through any of blue's nodes, still declaring nothing and acknowledged on blue's confirm", () => {
    const s = shovelFor({ vhost: "shop", name: "orders.new" }, { ...src, direction: "push" });
    expect(s.value).toMatchObject({ "src-uri": "amqp:///shop", "src-queue": "orders.new", "src-predeclared": true, "dest-queue": "orders.new", "dest-predeclared": true, "ack-mode": "on-confirm" });
    expect(s.value["dest-uri"]).toEqual(blue.nodes.map((n) => `amqp://warren-migrate:s3cr%3Aet%40%2F@${n.address}:5672/shop`));
    expect(s.name).toBe(shovelFor({ vhost: "shop", name: "orders.new" }, src).name);
  });

  it("never show the password, whichever way they go", () => {
    for (const direction of ["pull", "push"] as const) {
      const shown = JSON.stringify(showShovel(shovelFor({ vhost: "/", name: "q" }, { ...src, direction })));
      expect(shown).not.toContain("s3cr");
      expect(shown).toContain("warren-migrate:***@");
    }
  });

  it("have names that are stable, distinct per queue, bounded, and recognisable for the clean-up (property)", () => {
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(fc.string(), fc.string({ minLength: 1, maxLength: 255 })), { selector: (t) => JSON.stringify(t), maxLength: 40 }), (queues) => {
      const names = queues.map(([v, q]) => shovelName(v, q));
      expect(new Set(names).size).toBe(names.length);
      for (const [i, [v, q]] of queues.entries()) {
        expect(shovelName(v, q)).toBe(names[i]);
        expect(names[i]).toMatch(/^warren-migrate-[A-Za-z0-9_.-]{0,40}-[0-9a-f]{10}$/);
        expect(isMigrationShovel(names[i])).toBe(true);
      }
    }));
    expect(isMigrationShovel("my-own-shovel")).toBe(false);
  });

  it("need one of blue's nodes", () => {
    expect(() => shovelsFor([{ vhost: "/", name: "q" }], { ...src, hosts: [] })).toThrow(/at least one/);
  });
});

describe("readiness of the target cluster", () => {
  it("passes a fresh green, lists the translation, and moves every queue blue's definitions hold", () => {
    const r = assessMigration(input());
    expect(r.blockers).toEqual([]);
    expect(r.findings.map((f) => f.id)).toEqual(expect.arrayContaining(["mirrored-to-quorum", "ha-policy-dropped"]));
    expect(r.notes.map((n) => n.id)).toEqual(["ram-nodes"]);
    expect(r.notes[0].items).toEqual(["node3"]);
    expect(r.moving.map((m) => `${m.vhost}/${m.name}:${m.blueType}>${m.greenType}`)).toEqual(BLUE_DEFS.queues.map((q) => expect.stringContaining(`${q.vhost}/${q.name}:`)));
    expect(r.moving.find((m) => m.name === "misc")).toMatchObject({ blueType: "classic", greenType: "quorum" });
    // Warren's user on green is never replaced by blue's copy.
    expect(r.doc.users.map((u) => u.name)).not.toContain("warren-admin");
  });

  it("is passed again once the definitions are on green (a resumed migration plans the same)", () => {
    const afterImport: Definitions = { ...FRESH_GREEN, ...Object.fromEntries((["vhosts", "permissions", "policies", "queues", "exchanges", "bindings"] as const).map((k) => [k, [...FRESH_GREEN[k], ...assessMigration(input()).doc[k]]])) } as Definitions;
    const r = assessMigration(input({ greenDefs: afterImport }));
    expect(r.blockers).toEqual([]);
  });

  it("is not blocked by each cluster's own internal id (RabbitMQ gives every cluster one; seen on lab hosts as a false conflict)", () => {
    const id = (d: Definitions, v: string): Definitions => ({ ...d, global_parameters: [...d.global_parameters, { name: "internal_cluster_id", value: v }] });
    expect(assessMigration(input({ blueDefs: id(BLUE_DEFS, "rabbitmq-cluster-id-blue"), greenDefs: id(FRESH_GREEN, "rabbitmq-cluster-id-green") })).blockers).toEqual([]);
  });

  it("refuses a green whose definitions differ from blue's, an unhealthy green, shared hosts, an older green, a blue without load balancers", () => {
    expect(assessMigration(input({ greenDefs: FOUR })).blockers.map((b) => b.id)).toEqual(["green-conflicts"]);
    expect(assessMigration(input({ greenDefs: FOUR })).blockers[0].items.join("\n")).toMatch(/queues misc on \/: type/);
    const sick = assessMigration(input({ greenNodes: [...stats().slice(0, 2), { ...stats()[2], running: false, partitions: ["rabbit@node6"] }] })).blockers;
    expect(sick).toMatchObject([{ id: "green-unhealthy", items: ["node8: not running", "node8: partitioned from rabbit@node6"] }]);
    expect(assessMigration(input({ greenNodes: null })).blockers[0].items).toEqual(["no node of green answered its management API"]);
    expect(assessMigration(input({ greenNodes: parseNodes(fs.readFileSync("tests/fixtures/rabbitmq-4.0-api-nodes.json", "utf8")) })).blockers[0].items).toEqual(["node6: not in the cluster's node list", "node7: not in the cluster's node list", "node8: not in the cluster's node list"]);
    const shared = labCluster({ id: "g", name: "four", spec: green.spec, nodes: [green.nodes[0], { ...green.nodes[1], name: "node2", address: "10.213.77.12" }] });
    expect(assessMigration(input({ green: shared, greenNodes: null })).blockers.map((b) => b.id)).toContain("shared-hosts");
    expect(assessMigration(input({ green: blue })).blockers.map((b) => b.id)).toContain("same-cluster");
    expect(assessMigration(input({ greenDefs: { ...FRESH_GREEN, rabbitmq_version: "3.9.29" } })).blockers.map((b) => b.id)).toEqual(["green-older"]);
    expect(assessMigration(input({ blue: labCluster({ loadBalancers: [], spec: labSpec({ loadBalancers: null }) }) })).blockers.map((b) => b.id)).toEqual(["blue-without-load-balancers"]);
    // Blue's load balancers and VIP become green's at the end: green's own leave its inventory, and the report says so.
    const withLbs = { ...green, loadBalancers: [{ name: "node9", address: "10.213.77.19" }, { name: "node10", address: "10.213.77.20" }] };
    expect(assessMigration(input({ green: withLbs })).blockers).toEqual([]);
    expect(assessMigration(input({ green: withLbs })).notes.find((n) => n.id === "green-load-balancers-released")).toMatchObject({ items: ["node9", "node10"] });
  });

  it("notes streams (definitions only) and green queues that already hold messages", () => {
    const withStream = { ...BLUE_DEFS, queues: [...BLUE_DEFS.queues, { vhost: "shop", name: "clicks", durable: true, auto_delete: false, arguments: { "x-queue-type": "stream" } }] };
    const r = assessMigration(input({ blueDefs: withStream, greenQueues: [{ vhost: "shop", name: "payments", type: "quorum", ready: 5, unacked: 0, consumers: 0 }] }));
    expect(r.moving.map((m) => m.name)).not.toContain("clicks");
    expect(r.notes.map((n) => [n.id, n.items])).toEqual([["ram-nodes", ["node3"]], ["streams-not-moved", ["clicks on shop"]], ["green-queues-not-empty", ["payments on shop"]]]);
  });
});

describe("the switch behind the VIP", () => {
  const b = blue.nodes, g = green.nodes;

  it("bridges: blue's servers ready, green's beside them in maintenance, then the other way round", () => {
    const cfg = haproxyConfig({ frontendPort: 5672, balance: "roundrobin", timeoutSeconds: 3600, shutdownSessions: true, healthPort: 8405, stats: { port: 8404, uri: "/stats", user: "admin" }, check: { interMs: 1000, fastInterMs: 500, downInterMs: 1000, rise: 2, fall: 2, timeoutMs: 1000 }, managementPort: 0 } as Parameters<typeof haproxyConfig>[0], bridgeBackends(b, g), "prod");
    expect(cfg).toContain("server node1 10.213.77.11:5672 check\n");
    expect(cfg).toContain("server node6 10.213.77.16:5672 check disabled\n");
    expect(bridgeBackends(b, g, "green").map((n) => `${n.name}:${n.disabled}`)).toEqual(["node1:true", "node2:true", "node3:true", "node6:false", "node7:false", "node8:false"]);
    expect(() => bridgeBackends(b, [b[0]])).toThrow(/share node1/);
  });

  it("brings the incoming side in before the outgoing one goes out, on each load balancer in turn, every step checked", () => {
    const steps = switchSteps(["node5", "node4"], b.map((n) => n.name), g.map((n) => n.name), "green");
    expect(steps.map((s) => s.key)).toEqual(["node5", "node4"].flatMap((lb) => [...["node6", "node7", "node8"].map((s) => `switch-green:in:${s}@${lb}`), ...["node1", "node2", "node3"].map((s) => `switch-green:out:${s}@${lb}`)]));
    expect(steps.every((s) => s.check && s.argv.at(-1) === (s.key.includes(":in:") ? "ready" : "maint"))).toBe(true);
    const back = switchSteps(["node4"], b.map((n) => n.name), g.map((n) => n.name), "blue");
    expect(back.map((s) => s.key)).toEqual([...["node1", "node2", "node3"].map((s) => `switch-blue:in:${s}@node4`), ...["node6", "node7", "node8"].map((s) => `switch-blue:out:${s}@node4`)]);
  });
});

describe("progress and the drain gate", () => {
  const queues = (ready: number, unacked: number) => JSON.stringify([{ name: "q1", vhost: "/", type: "classic", messages_ready: ready, messages_unacknowledged: unacked, consumers: 1 }, { name: "other", vhost: "/", messages_ready: 9 }]);
  const moving = [{ vhost: "/", name: "q1" }];
  const shovels = [{ vhost: "/", name: shovelName("/", "q1") }];
  const status = (state: string) => JSON.stringify([{ vhost: "/", name: shovels[0].name, state, src_uri: "amqp://10.0.0.1:5672/%2F" }]);
  const sample = (ready: number, unacked: number, o: Partial<DrainSample> = {}): DrainSample => ({
    progress: queueProgress(moving, parseQueueCounts(queues(ready, unacked)), parseQueueCounts(JSON.stringify([{ name: "q1", vhost: "/", type: "quorum", messages_ready: 40, messages_unacknowledged: 2, consumers: 3 }]))),
    shovels: parseShovelStatus(status("running")), blueClients: 0, greenHealthy: true, ...o,
  });

  it("shows per queue what is left on blue and what green holds", () => {
    expect(sample(7, 3).progress).toEqual([{ vhost: "/", name: "q1", leftOnBlue: 10, onGreen: 42, greenType: "quorum", blueConsumers: 1, greenConsumers: 3 }]);
    expect(queueProgress([{ vhost: "/", name: "gone" }], [], [])[0]).toMatchObject({ leftOnBlue: null, onGreen: null });
    expect(parseQueueCounts(JSON.stringify({ items: [{ name: "a", vhost: "v", messages_ready: 1, messages_unacknowledged: 0 }] }))[0]).toMatchObject({ name: "a", ready: 1, unacked: 0, consumers: null });
    expect(() => parseQueueCounts("<html>")).toThrow(/not JSON/);
  });

  it("counts client connections, not the shovels' or Warren's", () => {
    const cs = parseConnections(JSON.stringify([{ user: "shop-app", peer_host: "10.0.0.9", protocol: "AMQP 0-9-1" }, { user: "warren-migrate" }, { user: "warren-admin" }, { user: "none", protocol: "Direct 0-9-1" }]));
    expect(clientConnections(cs, ["warren-migrate", "warren-admin"])).toBe(1);
  });

  it("reads 4.0's GET /api/shovels as captured on lab hosts (integration 05 with CAPTURE_FIXTURES=1: 12 shovels of the migration running on bk13, credentials already stripped)", () => {
    const real = parseShovelStatus(fs.readFileSync("tests/fixtures/rabbitmq-4.0-api-shovels.json", "utf8"));
    expect(real).toHaveLength(12);
    expect(real.every((s) => s.vhost === "shop" && s.state === "running" && isMigrationShovel(s.name) && s.reason === null)).toBe(true);
    expect(real.map((s) => s.name)).toContain(shovelName("shop", "orders.000"));
  });

  it("reads shovel states of 4.0, flow control and blocked included", () => {
    expect(parseShovelStatus(JSON.stringify([{ name: "a", vhost: "/", state: "flow" }, { name: "b", state: "terminated", reason: "{shutdown,...}" }, { name: "c", state: "weird" }])).map((s) => s.state)).toEqual(["flow", "terminated", "unknown"]);
  });

  it("opens only after the last readings all say: nothing left on blue, shovels running, no client on blue, green healthy", () => {
    const ok = sample(0, 0);
    expect(drainVerdict([ok, ok, ok], shovels)).toEqual({ drained: true, waitingFor: [] });
    expect(drainVerdict([ok, ok], shovels).drained).toBe(false);
    expect(drainVerdict([sample(0, 1), ok, ok], shovels).waitingFor).toEqual(["q1 on /: messages left on blue"]);
    expect(drainVerdict([ok, ok, sample(0, 0, { shovels: parseShovelStatus(status("terminated")) })], shovels).waitingFor).toEqual([`shovel ${shovels[0].name} on /: terminated`]);
    expect(drainVerdict([ok, ok, sample(0, 0, { shovels: [] })], shovels).waitingFor).toEqual([`shovel ${shovels[0].name} on /: not reported`]);
    expect(drainVerdict([ok, sample(0, 0, { blueClients: 1, greenHealthy: false }), ok], shovels).waitingFor).toEqual(["client connections still on blue", "green is not healthy"]);
  });

  it("never opens while any of the last readings has something left (property)", () => {
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(3), fc.nat(3)), { minLength: 3, maxLength: 8 }), (counts) => {
      const v = drainVerdict(counts.map(([r, u]) => sample(r, u)), shovels);
      expect(v.drained).toBe(counts.slice(-3).every(([r, u]) => r === 0 && u === 0));
    }));
  });
});
