import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { executeRun, type RunControl } from "@/lib/ops/engine/execute";
import type { DefinitionsWork } from "@/lib/ops/engine/types";
import type { Plan, Step } from "@/lib/ops/plan";
import { backupPhase } from "@/lib/backups/steps";
import { deleteObjects, readDefinitions, type ClusterIo } from "@/lib/backups/access";
import { canonical, refOf } from "@/lib/backups/definitions";
import { SshError } from "@/lib/ssh/errors";
import { commandLine } from "@/lib/ssh/quote";
import { FakeHosts, MemoryStore } from "../support/memory-store";
import { labCluster } from "./support-cluster";

// Definitions steps in the engine (a fake DefinitionsWork: the real one is
// Prisma and SSH, run on lab hosts by tests/integration/05-backups.test.ts),
// and the rules of reading and deleting through a fake cluster.
const CLI_310 = fs.readFileSync(path.resolve("tests/fixtures/definitions/rabbitmq-3.10-rabbitmqctl.json"), "utf8");
const control = (): RunControl => ({ abort: new AbortController(), stopAfterStep: false });
const cmd = (key: string, extra: Partial<Extract<Step, { kind: "command" }>> = {}): Step => ({ kind: "command", key, title: key, host: "node1", argv: ["do", key], ...extra });

class FakeWork implements DefinitionsWork {
  backups: { clusterId: string; runId: string; hosts: string[]; reason: string }[] = [];
  fail: string | null = null;
  verifyProblems: string | null = null;
  deleted: string[] = [];
  async backup(o: { clusterId: string; runId: string; hosts: string[]; reason: string }) {
    if (this.fail) throw new Error(this.fail);
    this.backups.push(o);
    return { id: `bk${this.backups.length}`, line: `backup bk${this.backups.length}: 3 queues` };
  }
  async latest() { return "the newest stored backup is bk0, taken yesterday by schedule"; }
  async document() { return { text: '{"users":[{"name":"u","password_hash":"SeCrEtHaSh123"}]}', mask: ["SeCrEtHaSh123"] }; }
  async remove(o: { objects: { label: string }[]; say: (l: string) => void }) { for (const r of o.objects) { this.deleted.push(r.label); o.say(`deleted queue ${r.label}`); } }
  async verify() { return { problems: this.verifyProblems, line: "the live definitions have all 3 objects of the backup as imported" }; }
}

async function run(plan: Plan, hosts: FakeHosts, work: FakeWork) {
  const store = new MemoryStore();
  const r = store.add(plan);
  const status = await executeRun({ store, executor: hosts, definitions: work }, r.id, control());
  return { store, r, status };
}

describe("definitions steps in a run", () => {
  const c = labCluster();
  const plan = (extra: Step[] = [cmd("stop")]): Plan => ({ type: "t", phases: [backupPhase(c, "before stopping"), { title: "work", steps: extra }] });

  it("the backup runs first, in Warren, and its id is a run variable; the run's id says who took it", async () => {
    const hosts = new FakeHosts(), work = new FakeWork();
    const { store, r, status } = await run(plan(), hosts, work);
    expect(status).toBe("succeeded");
    expect(work.backups).toEqual([{ clusterId: "c1", runId: r.id, hosts: ["node1", "node2", "node3"], reason: "before stopping", signal: expect.anything() }]);
    expect(store.runs.get(r.id)!.vars).toEqual({ backupId: "bk1" });
    expect(store.step(r.id, "backup")).toMatchObject({ status: "done", note: "backup bk1: 3 queues" });
    // Nothing on the hosts for it.
    expect(hosts.calls.map((x) => x.argv[0])).toEqual(["do"]);
  });

  it("a failed backup stops the run before anything changed, saying so; a retry takes it and goes on", async () => {
    const hosts = new FakeHosts(), work = new FakeWork();
    work.fail = "no node gave its definitions: node1: connection refused; node2: connection refused";
    const store = new MemoryStore();
    const r = store.add(plan());
    expect(await executeRun({ store, executor: hosts, definitions: work }, r.id, control())).toBe("failed");
    expect(store.runs.get(r.id)!.error).toBe("node1: could not back up the definitions, so nothing was changed: no node gave its definitions: node1: connection refused; node2: connection refused. Retry once a node answers");
    expect(store.statuses(r.id)).toEqual({ backup: "failed", stop: "pending" });
    expect(hosts.calls).toEqual([]);
    work.fail = null;
    store.retry(r.id);
    expect(await executeRun({ store, executor: hosts, definitions: work }, r.id, control())).toBe("succeeded");
    expect(store.statuses(r.id)).toEqual({ backup: "done", stop: "done" });
  });

  it("force-boot's backup (ifRunning) lets the run go on when no node answers, naming the newest backup", async () => {
    const hosts = new FakeHosts(), work = new FakeWork();
    work.fail = "no node gave its definitions: node1: connection refused";
    const p: Plan = { type: "force-boot", phases: [backupPhase(c, "before force-booting node2", { avoid: ["node2"], ifRunning: true }), { title: "boot", steps: [cmd("force_boot")] }] };
    const { store, r, status } = await run(p, hosts, work);
    expect(status).toBe("succeeded");
    expect(store.step(r.id, "backup").note).toBe("nothing to back up now (no node gave its definitions: node1: connection refused); the newest stored backup is bk0, taken yesterday by schedule");
  });

  it("an import reads the backup on stdin, never in its arguments, and its hashes are masked in what is reported", async () => {
    const hosts = new FakeHosts().on("node1", "import", (call) => ({ exitCode: 70, stderr: `bad user in ${call.stdin}` }));
    const work = new FakeWork();
    const ref = { backup: "bk9", prepare: { target: "4.0.5", adminUser: "warren-admin", clusterName: "x" } };
    const { store, r, status } = await run({ type: "restore", phases: [{ title: "import", steps: [{ kind: "command", key: "import", title: "import", host: "node1", argv: ["import"], stdin: { definitions: ref } }] }] }, hosts, work);
    expect(status).toBe("failed");
    expect(hosts.calls[0]).toEqual({ host: "node1", argv: ["import"], stdin: '{"users":[{"name":"u","password_hash":"SeCrEtHaSh123"}]}' });
    expect(JSON.stringify(store.runs.get(r.id))).not.toContain("SeCrEtHaSh123");
    expect(store.step(r.id, "import").stderrTail).toContain("***");
  });

  it("deletions are said one by one; a verification that finds differences fails the run with them", async () => {
    const hosts = new FakeHosts(), work = new FakeWork();
    work.verifyProblems = "2 missing: queue a on /; queue b on /";
    const objects = [refOf("queues", { vhost: "/", name: "x" })];
    const against = { backup: "bk1", prepare: { target: null, adminUser: null, clusterName: null } };
    const p: Plan = { type: "restore", phases: [{ title: "d", steps: [
      { kind: "definitions", key: "delete", title: "Delete", host: "node1", hosts: ["node1"], action: { do: "delete", objects }, destructive: "deletes" },
      { kind: "definitions", key: "verify", title: "Verify", host: "node1", hosts: ["node1"], action: { do: "verify", against, options: { deleteExtra: true, management: true, adminUser: null } } },
    ] }] };
    const { store, r, status } = await run(p, hosts, work);
    expect(status).toBe("failed");
    expect(work.deleted).toEqual(["x on /"]);
    expect(store.text(r.id)).toContain("[node1] deleted queue x on /");
    expect(store.runs.get(r.id)!.error).toBe("node1: the live definitions differ from the backup after the restore: 2 missing: queue a on /; queue b on /");
    work.verifyProblems = null;
    store.retry(r.id);
    expect(await executeRun({ store, executor: hosts, definitions: work }, r.id, control())).toBe("succeeded");
    expect(work.deleted).toEqual(["x on /"]);
  });

  it("a Warren without definitions work refuses the step instead of skipping it", async () => {
    const store = new MemoryStore();
    const r = store.add(plan());
    expect(await executeRun({ store, executor: new FakeHosts() }, r.id, control())).toBe("failed");
    expect(store.runs.get(r.id)!.error).toMatch(/keeps no definitions backups/);
  });
});

/** A fake cluster: management API answers by method and path, rabbitmqctl by its subcommand. */
function fakeIo(o: { api?: (m: string, p: string) => { status: number; body?: string } | Error; cli?: (host: string, argv: string[]) => { exitCode?: number; stdout?: string; stderr?: string } | Error }) {
  const calls: string[] = [];
  const io: ClusterIo = {
    async cli(host, argv) {
      const sub = argv.slice(argv.findIndex((a) => a.endsWith("/rabbitmqctl")) + 1).join(" ");
      calls.push(`${host} cli ${argv[0] === "true" ? "true" : sub}`);
      const r = o.cli?.(host, argv) ?? {};
      if (r instanceof Error) throw r;
      return { exitCode: 0, stdout: "", stderr: "", ...r };
    },
    ...(o.api ? { async api(host: string, req: { method: string; path: string }) {
      calls.push(`${host} ${req.method} ${req.path}`);
      const r = o.api!(req.method, req.path);
      if (r instanceof Error) throw r;
      return { status: r.status, body: r.body ?? "" };
    } } : {}),
  };
  return { io, calls };
}
const down = (host: string) => new SshError("unreachable", `${host}: connection refused`, { host });

describe("reading the definitions", () => {
  it("through the management API when the cluster has it; from the next node when one is down", async () => {
    const { io, calls } = fakeIo({ api: () => ({ status: 200, body: CLI_310 }), cli: (h) => (h === "node1" ? down(h) : {}) });
    const r = await readDefinitions(io, ["node1", "node2"]);
    expect(r).toMatchObject({ node: "node1", via: "management API" });
    expect(calls).toEqual(["node1 GET /api/definitions"]);
  });

  it("with rabbitmqctl export_definitions - when the API refuses or is absent; a warning line before the document is not part of it", async () => {
    const { io, calls } = fakeIo({ api: () => ({ status: 401 }), cli: () => ({ stdout: `warning: something\n${CLI_310}` }) });
    const r = await readDefinitions(io, ["node1"]);
    expect(r).toMatchObject({ node: "node1", via: "rabbitmqctl", text: CLI_310 });
    expect(calls).toEqual(["node1 GET /api/definitions", "node1 cli export_definitions -"]);
    const plain = fakeIo({ cli: () => ({ stdout: CLI_310 }) });
    expect((await readDefinitions(plain.io, ["node2"])).via).toBe("rabbitmqctl");
  });

  it("no node answering is an error with every node's reason", async () => {
    const { io } = fakeIo({ api: () => new Error("no answer from node1:15672/api/definitions within 120000 ms"), cli: (h, argv) => (h === "node1" ? { exitCode: 69, stderr: "Error: unable to perform an operation on node 'rabbit@node1'" } : argv ? down(h) : {}) });
    await expect(readDefinitions(io, ["node1", "node2"])).rejects.toThrow(
      "no node gave its definitions: node1: management API: no answer from node1:15672/api/definitions within 120000 ms; node1: rabbitmqctl export_definitions exited 69: Error: unable to perform an operation on node 'rabbit@node1'; node2: management API: no answer from node1:15672/api/definitions within 120000 ms; node2: node2: connection refused");
    const garbage = fakeIo({ cli: () => ({ stdout: "not json" }) });
    await expect(readDefinitions(garbage.io, ["node1"])).rejects.toThrow(/gave no definitions document \(not JSON/);
  });
});

describe("deleting objects", () => {
  const q = refOf("queues", { vhost: "/", name: "gone q" });
  const b = refOf("bindings", { vhost: "shop", source: "orders", destination: "orders.new", destination_type: "queue", routing_key: "k", arguments: { a: 1 } });
  const v = refOf("vhosts", { name: "old" });
  const x = refOf("exchanges", { vhost: "shop", name: "x" });

  it("through the management API: a binding by its properties key, vhosts last, what is gone already counted as deleted", async () => {
    const lines: string[] = [];
    const { io, calls } = fakeIo({
      api: (m, p) => (m === "GET" ? { status: 200, body: JSON.stringify([{ routing_key: "k", arguments: { a: 2 }, properties_key: "k~other" }, { routing_key: "k", arguments: { a: 1 }, properties_key: "k~abc" }]) } : p.includes("gone") ? { status: 404 } : { status: 204 }),
    });
    expect(await deleteObjects(io, ["node1"], [v, q, b, x], { say: (l) => lines.push(l) })).toEqual({ deleted: 3, gone: 1 });
    expect(calls).toEqual(["node1 cli true", "node1 GET /api/bindings/shop/e/orders/q/orders.new", "node1 DELETE /api/bindings/shop/e/orders/q/orders.new/k~abc", "node1 DELETE /api/queues/%2F/gone%20q", "node1 DELETE /api/exchanges/shop/x", "node1 DELETE /api/vhosts/old"]);
    expect(lines).toEqual([`deleted binding ${b.label}`, "queue gone q on /: already gone", "deleted exchange x on shop", "deleted virtual host old"]);
    expect(canonical({ a: 1 })).toBe(b.parts[5]);
  });

  it("with rabbitmqctl without the plugin (never an exchange or a binding); a node that is down is passed over; a real failure stops it", async () => {
    const lines: string[] = [];
    const { io, calls } = fakeIo({ cli: (h, argv) => (h === "node1" ? down(h) : commandLine(argv).includes("delete_vhost") ? { exitCode: 2, stderr: "Error:\nVirtual host 'old' does not exist" } : {}) });
    expect(await deleteObjects(io, ["node1", "node2"], [v, q], { say: (l) => lines.push(l) })).toEqual({ deleted: 1, gone: 1 });
    expect(calls).toEqual(["node1 cli true", "node2 cli true", "node2 cli delete_queue -p / gone q", "node2 cli delete_vhost old"]);
    await expect(deleteObjects(io, ["node2"], [x], { say: () => {} })).rejects.toThrow("deleting exchange x on shop on node2: rabbitmqctl cannot delete it and the cluster has no management plugin");
    const failing = fakeIo({ cli: (_h, argv) => (argv[0] === "true" ? {} : { exitCode: 70, stderr: "boom" }) });
    await expect(deleteObjects(failing.io, ["node1"], [q], { say: () => {} })).rejects.toThrow("deleting queue gone q on / on node1: rabbitmqctl delete_queue exited 70: boom");
  });
});
