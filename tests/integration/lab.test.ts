import { describe, expect, it } from "vitest";
import { labCommand, sshOk, sshRun } from "@/lab/client";
import { runLoad } from "@/lab/amqp-load";
import { requireLab } from "../support/lab";

// The lab's promises, checked from inside the hosts and from their peers.
const lab = requireLab();
const names = lab.hosts.map((h) => h.name);
const addr = (n: string) => lab.hosts.find((h) => h.name === n)!.address;
// Faults go to hosts no other suite's cluster uses: node9 (a standalone
// RabbitMQ, and the observer) and node6.
const OBS = "node9", TARGET = "node6";
const stateOf = (n: string) => JSON.parse(labCommand("status", "--json")).hosts.find((h: { name: string }) => h.name === n).state;

describe("every lab host", () => {
  it("has its own hostname, a running systemd and key-based SSH", async () => {
    for (const n of names) {
      const out = await sshOk(lab, n, "hostname; systemctl is-system-running || systemctl --failed --no-legend");
      const [hostname, state] = out.trim().split("\n");
      expect(hostname).toBe(n);
      expect(state).toBe("running");
    }
  });

  it("does not list its peers in /etc/hosts (resolving them is Warren's job)", async () => {
    // Warren's own managed block (from the setup suite) does not count: the lab itself adds nothing.
    const hosts = (await sshOk(lab, "node1", "cat /etc/hosts")).replace(/# BEGIN warren[\s\S]*?# END warren\n?/, "");
    for (const n of names.filter((x) => x !== "node1")) expect(hosts).not.toContain(n);
  });

  it("installs rabbitmq-server from the lab repository, which offers both Erlang and HAProxy versions", async () => {
    // On the hosts no other suite clusters (the others have it from Warren already).
    const fresh = [OBS, TARGET];
    const results = await Promise.all(
      fresh.map((n) => sshRun(lab, n, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server >/tmp/install.log 2>&1 && systemctl is-active rabbitmq-server", 280_000)),
    );
    results.forEach((r, i) => expect(r, `${fresh[i]}: ${r.stderr}`).toMatchObject({ code: 0, stdout: "active\n" }));
    const madison = await sshOk(lab, OBS, "apt-cache madison erlang-base haproxy");
    expect(madison).toContain("1:25.2.3+dfsg-1+deb12u1");
    expect(madison).toContain("1:25.2.3+dfsg-1+deb12u4");
    expect(madison).toContain("2.6.12-1+deb12u3");
    expect(madison).toContain("2.6.12-1+deb12u4");
  }, 300_000);
});

describe("fault injection, checked from another host", () => {
  const reach = (from: string, to: string) => sshRun(lab, from, `ping -c1 -W1 ${addr(to)} >/dev/null`);
  const banner = (from: string, to: string) =>
    sshRun(lab, from, `timeout 3 bash -c 'exec 3<>/dev/tcp/${addr(to)}/22; head -c 7 <&3'`);

  it("cut / heal take a host's network away and back", async () => {
    expect((await reach(OBS, TARGET)).code).toBe(0);
    labCommand("cut", TARGET);
    try {
      expect((await reach(OBS, TARGET)).code).not.toBe(0);
    } finally {
      labCommand("heal", TARGET);
    }
    expect((await reach(OBS, TARGET)).code).toBe(0);
  });

  it("freeze / thaw pause and resume every process (a hung host)", async () => {
    labCommand("freeze", TARGET);
    try {
      expect((await banner(OBS, TARGET)).stdout).toBe("");
      expect(stateOf(TARGET)).toBe("frozen");
    } finally {
      labCommand("thaw", TARGET);
    }
    expect((await banner(OBS, TARGET)).stdout).toBe("SSH-2.0");
  });

  it("stop / start power a host off and on, keeping its disk", async () => {
    await sshOk(lab, TARGET, "echo kept > /root/marker");
    labCommand("stop", TARGET);
    expect((await reach(OBS, TARGET)).code).not.toBe(0);
    expect(stateOf(TARGET)).toBe("stopped");
    labCommand("start", TARGET);
    expect(await sshOk(lab, TARGET, "cat /root/marker; hostname")).toBe(`kept\n${TARGET}\n`);
  }, 120_000);

  it("kill sends SIGKILL to a service's main process, like a crash", async () => {
    await ensureRabbitmq(OBS);
    const before = (await sshOk(lab, OBS, "systemctl show -p MainPID --value rabbitmq-server")).trim();
    labCommand("kill", OBS, "rabbitmq-server");
    await new Promise((r) => setTimeout(r, 500));
    const gone = await sshRun(lab, OBS, `kill -0 ${before}`);
    expect(gone.code).not.toBe(0);
    const log = await sshOk(lab, OBS, "journalctl -u rabbitmq-server --no-pager -n 30");
    expect(log).toMatch(/SIGKILL|status=9\/KILL|killed/i);
  });

  it("up on a running lab changes nothing", async () => {
    const before = JSON.parse(labCommand("status", "--json"));
    // The same shape it was booted with, each host's OS included (`up` refuses to change it).
    const os = before.hosts.flatMap((h: { os: string }, i: number) => ["--os", `${i + 1}:${h.os}`]);
    const out = labCommand("up", "--hosts", String(names.length), ...os);
    expect(JSON.parse(out).hosts.map((h: { address: string }) => h.address)).toEqual(lab.hosts.map((h) => h.address));
    expect(JSON.parse(labCommand("status", "--json")).hosts.map((h: { state: string }) => h.state)).toEqual(before.hosts.map((h: { state: string }) => h.state));
  });
});

/** RabbitMQ on the host: the setup suite leaves it there; run alone, this suite installs it. */
async function ensureRabbitmq(host: string) {
  await sshOk(lab, host, "dpkg -s rabbitmq-server >/dev/null 2>&1 || (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q rabbitmq-server) >/dev/null", 5 * 60_000);
  await sshOk(lab, host, "systemctl is-active --quiet rabbitmq-server || systemctl start rabbitmq-server");
}

describe("AMQP load tool", () => {
  it("reports 0 lost and a plausible rate against a single RabbitMQ", async () => {
    await ensureRabbitmq(OBS);
    await sshOk(lab, OBS, "systemctl restart rabbitmq-server && rabbitmqctl await_startup >/dev/null");
    await sshOk(lab, OBS, "rabbitmqctl delete_user loadtest >/dev/null 2>&1; rabbitmqctl add_user loadtest loadtest-pw >/dev/null && rabbitmqctl set_permissions loadtest '.*' '.*' '.*' >/dev/null");
    const r = await runLoad({ url: `amqp://loadtest:loadtest-pw@${addr(OBS)}:5672`, seconds: 5 });
    console.log("amqp load:", JSON.stringify(r));
    expect(r.lost).toBe(0);
    expect(r.duplicated).toBe(0);
    expect(r.confirmed).toBeGreaterThan(500);
    expect(r.received).toBe(r.confirmed);
    expect(r.ratePerSecond).toBeGreaterThan(100);
    expect(r.longestGapMs).toBeLessThan(2000);
  }, 60_000);
});
