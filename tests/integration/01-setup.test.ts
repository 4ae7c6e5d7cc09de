import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { labCommand, sshOk, sshRun } from "@/lab/client";
import { requireLab } from "../support/lab";
import { startWarren, type WarrenServer } from "../support/warren-server";
import { psPoller } from "../support/ps-poller";

// The setup operation end to end: Warren's API drives fresh lab hosts, and the
// result is checked on the hosts themselves over SSH, not through Warren.
const lab = requireLab();
let warren: WarrenServer;
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;

type Run = { status: string; error: string | null; steps: { idx: number; key: string; hostName: string; status: string; exitCode: number | null; note: string | null; command: string }[] };

async function addHosts(names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const n of names) {
    const r = await warren.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: addr(n), authType: "key", privateKey: key });
    expect(r.status).toBe(201);
    ids[n] = r.body.host.id;
  }
  return ids;
}

async function waitFor(runId: string, done: (r: Run) => boolean, timeoutMs = 8 * 60_000): Promise<Run> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const r = await warren.api<{ run: Run }>("GET", `/runs/${runId}`);
    if (done(r.body.run)) return r.body.run;
    if (Date.now() > until) throw new Error(`run ${runId} still ${r.body.run.status}: ${JSON.stringify(r.body.run.steps.filter((s) => s.status !== "done"))}`);
    await new Promise((res) => setTimeout(res, 300));
  }
}
const finished = (r: Run) => ["succeeded", "failed", "cancelled", "interrupted"].includes(r.status);

async function clusterStatus(host: string) {
  return JSON.parse(await sshOk(lab, host, "rabbitmqctl -q cluster_status --formatter json"));
}

beforeAll(async () => {
  warren = await startWarren(3401);
  // 09 copies this database into PostgreSQL: "a database made by today's main" with real runs on real hosts.
  fs.mkdirSync("test-results", { recursive: true });
  fs.writeFileSync("test-results/integration-01-data-dir", warren.dataDir);
}, 120_000);
afterAll(async () => { await warren?.stop(); });

describe("setup: node1 disc (seed), node2 disc, node3 ram, as in the seeds", () => {
  const params = { clusterName: "rabbit-prod", ha: { mode: "all" } };
  let clusterId = "";
  let runId = "";

  it("previews the plan with its destructive steps, and refuses to start them unconfirmed", async () => {
    const ids = await addHosts(["node1", "node2", "node3"]);
    const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "prod", members: [
      { hostId: ids.node1, role: "rabbitmq", nodeType: "disc", isSeed: true },
      { hostId: ids.node2, role: "rabbitmq", nodeType: "disc" },
      { hostId: ids.node3, role: "rabbitmq", nodeType: "ram" },
    ] });
    clusterId = c.body.cluster.id;
    const plan = await warren.api<{ script: string; destructive: { host: string }[] }>("POST", `/clusters/${clusterId}/plan`, { type: "setup", params });
    expect(plan.status).toBe(200);
    expect(plan.body.destructive.map((d) => d.host)).toEqual(["node2", "node3"]);
    expect(plan.body.script).toContain("rabbitmqctl join_cluster --ram rabbit@node1");
    const refused = await warren.api("POST", `/clusters/${clusterId}/operations`, { type: "setup", params });
    expect(refused.status).toBe(409);
  });

  it("runs to a verified cluster, and no secret ever appears in a process's arguments on any host", async () => {
    // The secrets exist once a plan was shown; an admin may reveal them (audited).
    const secret = async (name: string) => (await warren.api<{ value: string }>("POST", `/clusters/${clusterId}/secrets/${name}/reveal`)).body.value;
    const secrets = [await secret("erlangCookie"), await secret("managementPassword")];
    expect(secrets.every((x) => x && x.length >= 20)).toBe(true);
    const ps = psPoller(lab, ["node1", "node2", "node3"], secrets);
    try {
      const r = await warren.api<{ runId: string }>("POST", `/clusters/${clusterId}/operations`, { type: "setup", params, confirmDestructive: true });
      expect(r.status).toBe(202);
      runId = r.body.runId;
      const run = await waitFor(runId, finished);
      expect(run.error).toBeNull();
      expect(run.status).toBe("succeeded");
    } finally {
      ps.stop();
    }
    expect(ps.samples()).toBeGreaterThan(300);
    expect(ps.hits).toEqual([]);
  }, 10 * 60_000);

  it("re-planning the healthy cluster finds every step already in place and nothing destructive", async () => {
    const p = await warren.api<{ summary: { change: number; inPlace: number; destructive: number; line: string }; destructive: unknown[]; forecast: Record<string, { state: string }> }>(
      "POST", `/clusters/${clusterId}/plan`, { type: "setup", params });
    expect(p.status).toBe(200);
    expect(p.body.summary.line).toMatch(/^0 to change, \d+ already in place, 0 destructive/);
    expect(p.body.destructive).toEqual([]);
    expect(Object.values(p.body.forecast).filter((f) => f.state !== "in-place").every((f) => f.state === "check")).toBe(true);
  });

  it("the hosts agree, checked over SSH: disc node1,node2; ram node3; all running; name; policy; one cookie", async () => {
    for (const n of ["node1", "node2", "node3"]) {
      const s = await clusterStatus(n);
      expect(s.disk_nodes.sort()).toEqual(["rabbit@node1", "rabbit@node2"]);
      expect(s.ram_nodes).toEqual(["rabbit@node3"]);
      expect(s.running_nodes.sort()).toEqual(["rabbit@node1", "rabbit@node2", "rabbit@node3"]);
      expect(s.cluster_name).toBe("rabbit-prod");
    }
    expect(await sshOk(lab, "node2", "rabbitmqctl -q list_policies")).toMatch(/ha-all\s+\^\s+queues\s+\{"ha-mode":"all","ha-sync-mode":"automatic"\}/);
    const cookies = await Promise.all(["node1", "node2", "node3"].map((n) => sshOk(lab, n, "stat -c '%a %U' /var/lib/rabbitmq/.erlang.cookie; sha256sum < /var/lib/rabbitmq/.erlang.cookie")));
    expect(new Set(cookies).size).toBe(1);
    expect(cookies[0].split("\n")[0]).toBe("400 rabbitmq");
    expect(await sshOk(lab, "node1", "rabbitmqctl -q list_users")).not.toMatch(/^guest\b/m);
  });

  it("the log is stored line by line and can be read from any point", async () => {
    const all = await warren.api<{ lines: { seq: number; text: string }[]; next: number }>("GET", `/runs/${runId}/log?after=0`);
    expect(all.body.lines.length).toBeGreaterThan(10);
    expect(all.body.lines.map((l) => l.seq)).toEqual(all.body.lines.map((_, i) => i + 1));
    const tail = await warren.api<{ lines: { seq: number }[] }>("GET", `/runs/${runId}/log?after=${all.body.lines.length - 3}`);
    expect(tail.body.lines.map((l) => l.seq)).toEqual(all.body.lines.slice(-3).map((l) => l.seq));
    expect(JSON.stringify(all.body)).not.toContain(await sshOk(lab, "node1", "cat /var/lib/rabbitmq/.erlang.cookie"));
  });

  it("running setup again changes nothing that is in place: every step is checked and skipped", async () => {
    const r = await warren.api<{ runId: string }>("POST", `/clusters/${clusterId}/operations`, { type: "setup", params, confirmDestructive: true });
    const run = await waitFor(r.body.runId, finished);
    expect(run.status).toBe("succeeded");
    for (const s of run.steps.filter((x) => /^(stop_app|reset|join|start_app|cookie|install):/.test(x.key))) expect(s.status, s.key).toBe("skipped");
  }, 5 * 60_000);
});

describe("injection through the wizard's free-text values", () => {
  it("a hostile policy pattern reaches RabbitMQ literally (through Debian's re-quoting wrapper) and runs nothing", async () => {
    const MARK = "/tmp/warren-pwned";
    // A valid regular expression full of shell syntax.
    const pattern = `x'; touch ${MARK} #\`touch ${MARK}\`$(touch ${MARK})"; touch ${MARK}; echo "`;
    const clusters = (await warren.api<{ clusters: { id: string; name: string }[] }>("GET", "/clusters")).body.clusters;
    const prod = clusters.find((c) => c.name === "prod")!;
    const r = await warren.api<{ runId: string }>("POST", `/clusters/${prod.id}/operations`, { type: "setup", params: { clusterName: "rabbit-prod", ha: { mode: "all", pattern } }, confirmDestructive: true });
    expect(r.status).toBe(202);
    const run = await waitFor(r.body.runId, finished);
    expect(run.status).toBe("succeeded");
    const policies = await sshOk(lab, "node1", "rabbitmqctl -q list_policies --formatter json");
    expect(JSON.parse(policies).find((p: { name: string }) => p.name === "ha-all").pattern).toBe(pattern);
    for (const n of ["node1", "node2", "node3"]) expect((await sshRun(lab, n, `test -e ${MARK}`)).code, n).toBe(1);
    const rejected = await warren.api("POST", `/clusters/${prod.id}/plan`, { type: "setup", params: { clusterName: "$(touch /tmp/warren-pwned)", ha: { mode: "all" } } });
    expect(rejected.status).toBe(400);
  }, 5 * 60_000);
});

describe("pre-flight names the host and the cause", () => {
  it("catches an unreachable host, a name peers cannot resolve, and existing RabbitMQ data", async () => {
    const prod = (await warren.api<{ clusters: { id: string; name: string }[] }>("GET", "/clusters")).body.clusters.find((c) => c.name === "prod")!;
    await sshOk(lab, "node2", "sed -i '/^# BEGIN warren/,/^# END warren/d' /etc/hosts");
    labCommand("cut", "node3");
    try {
      const r = await warren.api<{ ok: boolean; findings: { host: string; check: string; level: string; message: string; fix?: string }[] }>(
        "POST", `/clusters/${prod.id}/preflight`, { params: { clusterName: "rabbit-prod", ha: { mode: "all" }, manageHostsFile: false } });
      expect(r.status).toBe(200);
      expect(r.body.ok).toBe(false);
      const find = (host: string, check: string, level: string) => r.body.findings.find((f) => f.host === host && f.check === check && f.level === level);
      expect(find("node3", "SSH", "fail")?.message).toMatch(/node3.*(did not answer|no route)/);
      const dns = find("node2", "name resolution", "fail");
      expect(dns?.message).toBe("node2 resolves node1 to nothing, not 10.213.77.11");
      expect(dns?.fix).toMatch(/let Warren manage \/etc\/hosts/);
      expect(find("node2", "existing data", "warn")?.message).toMatch(/joining resets this node/);
      expect(find("node1", "SSH", "ok")).toBeTruthy();
    } finally {
      labCommand("heal", "node3");
    }
  }, 120_000);
});

describe("stopping and restarting a run: abort, crash, gentle stop", () => {
  // One setup of node4 (disc seed) + node5 (ram) taken through every way a run can be stopped.
  it("abort kills the install; Warren killed mid-join is shown interrupted at the exact step; a gentle stop lets a join finish; each time retry completes the cluster", async () => {
    const ids = await addHosts(["node4", "node5"]);
    const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "second", members: [
      { hostId: ids.node4, role: "rabbitmq", nodeType: "disc", isSeed: true },
      { hostId: ids.node5, role: "rabbitmq", nodeType: "ram" },
    ] });
    const params = { clusterName: "rabbit-second", ha: { mode: "exactly", count: 2 }, management: false };
    const r = await warren.api<{ runId: string }>("POST", `/clusters/${c.body.cluster.id}/operations`, { type: "setup", params, confirmDestructive: true });
    const runId = r.body.runId;
    const step = (x: Run, key: string) => x.steps.find((s) => s.key === key)!;

    // 1. Abort now, in the middle of the apt install: the commands die on the hosts, and the run says so.
    await waitFor(runId, (x) => finished(x) || step(x, "install:node4").status === "running");
    await new Promise((res) => setTimeout(res, 5000));
    expect((await warren.api("POST", `/runs/${runId}/cancel`, { mode: "now" })).status).toBe(202);
    const aborted = await waitFor(runId, finished, 60_000);
    expect(aborted.status).toBe("cancelled");
    expect(aborted.error).toMatch(/aborted by an operator/);
    expect(aborted.steps.filter((s) => s.status === "cancelled").map((s) => s.key).sort()).toEqual(["install:node4", "install:node5"]);
    for (const n of ["node4", "node5"])
      await expect.poll(async () => (await sshRun(lab, n, "pgrep -x apt-get; pgrep -x dpkg")).stdout, { timeout: 15_000 }).toBe("");

    // 2. Retry: dpkg is repaired if the abort interrupted it, and the install completes.
    expect((await warren.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
    // Kill Warren as soon as node5's join is under way.
    await waitFor(runId, (x) => finished(x) || step(x, "reset:node5").status === "running" || step(x, "stop_app:node5").status === "done");
    await warren.crash();
    await warren.restart();
    const after = (await warren.api<{ run: Run }>("GET", `/runs/${runId}`)).body.run;
    expect(after.status).toBe("interrupted");
    const stopped = after.steps.find((s) => s.status === "interrupted");
    expect(stopped?.key).toMatch(/^(stop_app|reset|join|start_app):node5$/);
    expect(stopped?.note).toMatch(/Warren stopped/);

    // 3. Resume, and ask for a gentle stop while node5's join unit runs: the unit finishes, nothing after it starts.
    expect((await warren.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
    const unit = ["stop_app:node5", "reset:node5", "join:node5", "start_app:node5"];
    await waitFor(runId, (x) => finished(x) || unit.some((k) => step(x, k).status === "running"));
    expect((await warren.api("POST", `/runs/${runId}/cancel`)).status).toBe(202);
    const gentle = await waitFor(runId, finished, 3 * 60_000);
    expect(gentle.status).toBe("cancelled");
    expect(gentle.error).toMatch(/stopped by an operator after the steps in progress finished/);
    expect(unit.map((k) => step(gentle, k).status).every((st) => st === "done" || st === "skipped")).toBe(true);
    expect(step(gentle, "verify:node5").status).toBe("pending");
    expect((await clusterStatus("node5")).running_nodes.sort()).toEqual(["rabbit@node4", "rabbit@node5"]);

    // 4. Retry finishes the cluster.
    expect((await warren.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
    const done = await waitFor(runId, finished);
    expect(done.status).toBe("succeeded");
    const s = await clusterStatus("node5");
    expect(s.disk_nodes).toEqual(["rabbit@node4"]);
    expect(s.ram_nodes).toEqual(["rabbit@node5"]);
    expect(s.running_nodes.sort()).toEqual(["rabbit@node4", "rabbit@node5"]);
    expect(s.cluster_name).toBe("rabbit-second");
    expect((await sshRun(lab, "node4", "rabbitmqctl -q list_policies")).stdout).toContain('"ha-params":2');
    for (const n of ["node4", "node5"]) expect((await sshRun(lab, n, "dpkg --audit")).stdout).toBe("");
  }, 12 * 60_000);

  it("a host with RabbitMQ data of its own: the plan lists its reset with what it would delete, and a start after the hosts changed is refused", async () => {
    // node4 now holds 3 queues with 1,204 messages.
    await sshOk(lab, "node4", "rabbitmqctl add_user filler filler-pw >/dev/null && rabbitmqctl set_permissions filler '.*' '.*' '.*' >/dev/null");
    const amqp = await import("amqplib");
    const conn = await amqp.connect(`amqp://filler:filler-pw@${addr("node4")}:5672`);
    const ch = await conn.createConfirmChannel();
    for (const [q, n] of [["orders", 1000], ["invoices", 200], ["audit", 4]] as const) {
      await ch.assertQueue(q, { durable: true });
      for (let i = 0; i < n; i++) ch.sendToQueue(q, Buffer.from(`m${i}`), { persistent: true });
    }
    await ch.waitForConfirms();
    await conn.close();
    // node4 must join a seed whose cluster it is not in: node6 (only planned here, never run).
    const clusters = (await warren.api<{ clusters: { id: string; name: string; members: { host: { id: string; name: string } }[] }[] }>("GET", "/clusters")).body.clusters;
    const second = clusters.find((c) => c.name === "second")!;
    const node4 = second.members.find((m) => m.host.name === "node4")!.host.id;
    expect((await warren.api("DELETE", `/clusters/${second.id}`)).status).toBe(200);
    const [node6] = Object.values(await addHosts(["node6"]));
    const third = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "third", members: [
      { hostId: node6, role: "rabbitmq", nodeType: "disc", isSeed: true }, { hostId: node4, role: "rabbitmq", nodeType: "disc" },
    ] });
    const params = { clusterName: "rabbit-third", ha: { mode: "all" }, management: false };
    const p = await warren.api<{ token: string; destructive: { key: string; impact: string }[] }>("POST", `/clusters/${third.body.cluster.id}/plan`, { type: "setup", params });
    expect(p.status).toBe(200);
    expect(p.body.destructive).toEqual([expect.objectContaining({ key: "reset:node4", impact: "node4 holds 3 queues with 1,204 messages" })]);
    // The hosts change after the plan was shown: the start is refused, with the new summary.
    await sshOk(lab, "node4", "systemctl stop rabbitmq-server");
    const refused = await warren.api<{ error: string; message: string }>("POST", `/clusters/${third.body.cluster.id}/operations`, { type: "setup", params, confirmDestructive: true, planToken: p.body.token });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toBe("stale");
    expect(refused.body.message).toMatch(/changed since this plan was shown/);
  }, 3 * 60_000);
});
