import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshOk, sshRun } from "@/lab/client";
import { requireLab } from "../support/lab";
import { startWarren, type WarrenServer } from "../support/warren-server";

// The plan's copyable script (POSIX sh), copied from Warren's API and run
// UNCHANGED by bash against fresh lab hosts, as an operator would: an ssh config that
// reaches the hosts by name, secrets in the environment. Then the cluster is
// checked over SSH, a second run changes nothing, and a hostile policy
// pattern ran nowhere.
const lab = requireLab();
const HOSTS = ["node7", "node8"];
const MARK = "/tmp/warren-pwned";
const pattern = `x'; touch ${MARK} #\n$(touch ${MARK})\`touch ${MARK}\` "; touch ${MARK}; echo "`;
let warren: WarrenServer;
let script = "";
let dir = "";
const cookie = "script-test-" + Math.random().toString(36).slice(2) + "-cookie-0123456789";

beforeAll(async () => {
  warren = await startWarren(3402);
  const key = fs.readFileSync(lab.privateKeyPath, "utf8");
  const ids: string[] = [];
  for (const n of HOSTS) {
    const r = await warren.api<{ host: { id: string } }>("POST", "/hosts", { name: n, address: lab.hosts.find((h) => h.name === n)!.address, authType: "key", privateKey: key });
    ids.push(r.body.host.id);
  }
  const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "scripted", members: [
    { hostId: ids[0], role: "rabbitmq", nodeType: "disc", isSeed: true }, { hostId: ids[1], role: "rabbitmq", nodeType: "ram" },
  ] });
  const plan = await warren.api<{ script: string }>("POST", `/clusters/${c.body.cluster.id}/plan`, { type: "setup", params: { clusterName: "rabbit-scripted", ha: { mode: "all", pattern } } });
  expect(plan.status).toBe(200);
  script = plan.body.script;
  // The operator's machine: an ssh config naming the hosts, and `ssh` reading it.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-operator-"));
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "ssh_config"), [
    ...HOSTS.map((n) => `Host ${n}\n  HostName ${lab.hosts.find((h) => h.name === n)!.address}`),
    `Host *\n  User root\n  IdentityFile ${lab.privateKeyPath}\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  LogLevel ERROR`,
  ].join("\n") + "\n");
  fs.writeFileSync(path.join(dir, "bin", "ssh"), `#!/bin/sh\nexec /usr/bin/ssh -F ${dir}/ssh_config "$@"\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "plan.sh"), script);
  await Promise.all([...HOSTS.map((n) => sshRun(lab, n, `rm -f ${MARK}`))]);
  fs.rmSync(MARK, { force: true });
}, 120_000);
afterAll(async () => { await warren?.stop(); });

function runScript() {
  return spawnSync("bash", [path.join(dir, "plan.sh")], {
    cwd: dir, encoding: "utf8", timeout: 10 * 60_000, stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, ERLANG_COOKIE: cookie, MANAGEMENT_PASSWORD: "script-admin-pw-42" },
  });
}
const started = (n: string) => sshOk(lab, n, "systemctl show -p ActiveEnterTimestampMonotonic --value rabbitmq-server");

describe("the plan's script, run unchanged with bash on the operator's machine", () => {
  it("builds the cluster on fresh hosts", () => {
    const r = runScript();
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    expect(r.stdout).toContain("plan setup finished");
  }, 10 * 60_000);

  it("the hosts agree, checked over SSH: disc/ram lists, running nodes, name, policy, the given cookie", async () => {
    for (const n of HOSTS) {
      const s = JSON.parse(await sshOk(lab, n, "rabbitmqctl -q cluster_status --formatter json"));
      expect(s.disk_nodes).toEqual(["rabbit@node7"]);
      expect(s.ram_nodes).toEqual(["rabbit@node8"]);
      expect(s.running_nodes.sort()).toEqual(["rabbit@node7", "rabbit@node8"]);
      expect(s.cluster_name).toBe("rabbit-scripted");
      expect(await sshOk(lab, n, "cat /var/lib/rabbitmq/.erlang.cookie")).toBe(cookie);
    }
    const policies = JSON.parse(await sshOk(lab, "node7", "rabbitmqctl -q list_policies --formatter json"));
    expect(policies.find((p: { name: string }) => p.name === "ha-all")).toMatchObject({ pattern, definition: '{"ha-mode":"all","ha-sync-mode":"automatic"}' });
    expect(await sshOk(lab, "node7", "curl -s -u warren-admin:script-admin-pw-42 http://127.0.0.1:15672/api/whoami")).toContain('"administrator"');
  });

  it("a second run exits 0 and restarts nothing", async () => {
    const before = await Promise.all(HOSTS.map(started));
    const r = runScript();
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/already in place: Stop the RabbitMQ application, Reset the node, Join as a ram node/);
    expect(await Promise.all(HOSTS.map(started))).toEqual(before);
  }, 5 * 60_000);

  it("the hostile pattern executed nothing on the operator's machine or any host", async () => {
    expect(fs.existsSync(MARK)).toBe(false);
    for (const n of HOSTS) expect((await sshRun(lab, n, `test -e ${MARK}`)).code, n).toBe(1);
  });
});
