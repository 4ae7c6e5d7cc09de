import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SshError, SshPool, type HostKeyStore } from "@/lib/ssh";
import { labCommand, sshOk, sshRun } from "@/lab/client";
import { labTarget, requireLab } from "../support/lab";
import { ATTACK_STRINGS, MARKER } from "../support/attack-strings";

// The SSH layer against real sshd on lab hosts.
const lab = requireLab();
const pins = new Map<string, string>();
const store: HostKeyStore = { pin: async (t, fp) => { pins.set(t.id, fp); } };
const pool = new SshPool(store, { connectTimeoutMs: 4000 });
const node1 = labTarget(lab, "node1");

async function sshError(p: Promise<unknown>): Promise<SshError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof SshError) return e;
    throw e;
  }
  throw new Error("expected an SshError");
}

afterAll(() => pool.closeAll());

describe("run", () => {
  it("returns exit code, stdout and stderr separately", async () => {
    const r = await pool.run(node1, ["sh", "-c", "echo out; echo err >&2; exit 3"], { allowFailure: true });
    expect(r).toMatchObject({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
  });

  it("throws one typed error with host, command, exit code and stderr tail", async () => {
    const e = await sshError(pool.run(node1, ["ls", "/does/not exist"]));
    expect(e.kind).toBe("exit");
    expect(e.host).toBe("node1");
    expect(e.exitCode).toBe(2);
    expect(e.command).toBe("ls '/does/not exist'");
    expect(e.stderrTail).toMatch(/No such file/);
  });

  it("streams output as it comes", async () => {
    const chunks: string[] = [];
    await pool.run(node1, ["sh", "-c", "for i in 1 2 3; do echo line$i; sleep 0.2; done"], { onOutput: (_s, t) => chunks.push(t) });
    expect(chunks.join("")).toBe("line1\nline2\nline3\n");
    expect(chunks.length).toBeGreaterThan(1);
  });

  it("passes every attack string byte-for-byte as one argument and executes nothing", async () => {
    await sshRun(lab, "node1", `rm -f ${MARKER}`);
    const r = await pool.run(node1, ["printf", "%s\\0", ...ATTACK_STRINGS]);
    const got = r.stdout.split("\0");
    got.pop();
    expect(got).toEqual(ATTACK_STRINGS);
    // Only the marker matters here, not each echo's outcome.
    for (const a of ATTACK_STRINGS) await pool.run(node1, ["echo", a]).catch(() => {});
    expect((await sshRun(lab, "node1", `test -e ${MARKER}`)).code).toBe(1);
  });

  it("masks secrets in the reported command and output", async () => {
    const secret = "s3cr3t-cookie-value";
    const e = await sshError(pool.run(node1, ["sh", "-c", 'echo "$1"; echo "$1" >&2; exit 1', "sh", secret], { secrets: [secret] }));
    expect(e.command).not.toContain(secret);
    expect(e.message).not.toContain(secret);
    expect(e.stderrTail).toBe("***\n");
  });

  it("kills the remote command at its timeout", async () => {
    const t0 = Date.now();
    const e = await sshError(pool.run(node1, ["sh", "-c", "sleep 31.7; touch /tmp/warren-late"], { timeoutMs: 1500 }));
    expect(e.kind).toBe("timeout");
    expect(Date.now() - t0).toBeLessThan(8000);
    const ps = await sshRun(lab, "node1", "pgrep -f 'sleep 31.7'");
    expect(ps.stdout.trim()).toBe("");
  });

  it("cancelling kills the command on the host, not only Warren's end of it", async () => {
    await sshRun(lab, "node1", "rm -f /tmp/warren-survived");
    const ac = new AbortController();
    const running = pool.run(node1, ["sh", "-c", "sleep 3; touch /tmp/warren-survived"], { signal: ac.signal });
    setTimeout(() => ac.abort(), 800);
    expect((await sshError(running)).kind).toBe("aborted");
    await expect.poll(async () => (await sshRun(lab, "node1", "pgrep -fc '^sleep 3$' || true")).stdout.trim(), { timeout: 5000 }).toBe("0");
    await new Promise((r) => setTimeout(r, 3000));
    expect((await sshRun(lab, "node1", "test -e /tmp/warren-survived")).code).toBe(1);
  });

  it("caps concurrent channels: 25 parallel commands on one connection all succeed", async () => {
    const rs = await Promise.all(Array.from({ length: 25 }, (_, i) => pool.run(node1, ["sh", "-c", `sleep 0.3; echo ${i}`])));
    expect(rs.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 25 }, (_, i) => String(i)));
  });

  it("reconnects after the connection drops", async () => {
    await pool.run(node1, ["true"]);
    // Kill every root sshd session process on the host (not the listener).
    await sshRun(lab, "node1", "pkill -f 'sshd: root@notty' ; true");
    await new Promise((r) => setTimeout(r, 300));
    const r = await pool.run(node1, ["echo", "back"]);
    expect(r.stdout).toBe("back\n");
  });

  it("never loses the exit status of a command that ends at once (it can arrive with the exec confirmation)", async () => {
    const codes: (number | string)[] = [];
    for (let i = 0; i < 100; i++) {
      const batch = await Promise.all([1, 2, 3].map((c) =>
        pool.run(node1, ["sh", "-c", `exit ${c}`], { allowFailure: true }).then((r) => r.exitCode, (e: SshError) => e.kind)));
      codes.push(...batch);
    }
    expect(codes.filter((c, i) => c !== (i % 3) + 1)).toEqual([]);
  });

  it("dropping a host's connection lets running commands finish; the next command connects afresh", async () => {
    const sessions = async () => Number((await sshOk(lab, "node1", "ps -eo args | grep -c '^sshd: root@notty$' || true")).trim());
    await pool.run(node1, ["true"]);
    const before = await sessions();
    const running = pool.run(node1, ["sh", "-c", "sleep 1.5; echo finished"]);
    await new Promise((r) => setTimeout(r, 300));
    pool.drop(node1.id); // as a connection test or a credential change does
    expect((await running).stdout).toBe("finished\n");
    expect((await pool.connect(node1)).reused).toBe(false);
    expect((await pool.run(node1, ["echo", "new"])).stdout).toBe("new\n");
    // The retired connection ended with its last command: the new one replaced it, not joined it.
    await expect.poll(sessions, { timeout: 5000 }).toBe(before);
  });

  it("wraps in sudo -n for a non-root user that needs it", async () => {
    await sshOk(lab, "node2", [
      "id deploy >/dev/null 2>&1 || useradd -m -s /bin/sh deploy",
      "echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy && chmod 440 /etc/sudoers.d/deploy",
      "install -d -m 700 -o deploy -g deploy /home/deploy/.ssh",
      "install -m 600 -o deploy -g deploy /root/.ssh/authorized_keys /home/deploy/.ssh/authorized_keys",
    ].join(" && "));
    const deploy = labTarget(lab, "node2", { id: "lab-node2-deploy", username: "deploy", useSudo: true });
    expect((await pool.run(deploy, ["id", "-u"])).stdout.trim()).toBe("0");
    expect((await pool.run(deploy, ["id", "-u"], { sudo: false })).stdout.trim()).not.toBe("0");
    const r = await pool.run(deploy, ["printf", "%s\\0", ...ATTACK_STRINGS]);
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(ATTACK_STRINGS);
  });
});

describe("upload", () => {
  it("writes content from stdin atomically with mode and owner", async () => {
    const content = "line one\n$(touch /tmp/warren-pwned) 'quoted' \"dq\" ✓\n";
    await pool.upload(node1, "/tmp/warren upload test.txt", content, { mode: "0640", owner: "root:root" });
    const out = await sshOk(lab, "node1", "stat -c '%a %U' '/tmp/warren upload test.txt' && cat '/tmp/warren upload test.txt'");
    expect(out).toBe(`640 root\n${content}`);
    expect((await sshRun(lab, "node1", `test -e ${MARKER}`)).code).toBe(1);
  });
});

describe("host keys", () => {
  it("pins the key on first use, matching ssh-keygen on the host", async () => {
    const t = labTarget(lab, "node3", { id: "pin-node3" });
    await pool.run(t, ["true"]);
    const fromHost = (await sshOk(lab, "node3", "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub -E sha256")).split(" ")[1];
    const ecdsa = (await sshOk(lab, "node3", "ssh-keygen -lf /etc/ssh/ssh_host_ecdsa_key.pub -E sha256")).split(" ")[1];
    const rsa = (await sshOk(lab, "node3", "ssh-keygen -lf /etc/ssh/ssh_host_rsa_key.pub -E sha256")).split(" ")[1];
    expect([fromHost, ecdsa, rsa]).toContain(pins.get("pin-node3"));
  });

  it("refuses a host whose key changed, showing both fingerprints", async () => {
    const first = labTarget(lab, "node5", { id: "hk-node5" });
    await pool.run(first, ["true"]);
    const pinned = pins.get("hk-node5")!;
    // The host is "reinstalled": new host keys.
    await sshOk(lab, "node5", "rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
    pool.drop("hk-node5");
    const e = await sshError(pool.run({ ...first, pinnedFingerprint: pinned }, ["touch", "/tmp/should-not-run"]));
    expect(e.kind).toBe("hostkey");
    expect(e.expectedFingerprint).toBe(pinned);
    expect(e.actualFingerprint).toMatch(/^SHA256:/);
    expect(e.actualFingerprint).not.toBe(pinned);
    expect(e.message).toContain(pinned);
    expect(e.message).toContain(e.actualFingerprint!);
    expect((await sshRun(lab, "node5", "test -e /tmp/should-not-run")).code).toBe(1);
  });
});

describe("connection errors are distinct and clear, within the timeout", () => {
  let wrongKey: string;
  beforeAll(() => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-key-"));
    execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
    wrongKey = fs.readFileSync(path.join(dir, "k"), "utf8");
  });

  it("a wrong key is an authentication error", async () => {
    const t0 = Date.now();
    const e = await sshError(pool.run(labTarget(lab, "node1", { id: "wrong-key", privateKey: wrongKey }), ["true"]));
    expect(e.kind).toBe("auth");
    expect(e.message).toMatch(/authentication .* failed/);
    expect(Date.now() - t0).toBeLessThan(4000);
  });

  it("a closed port is 'refused'", async () => {
    const e = await sshError(pool.run(labTarget(lab, "node1", { id: "closed-port", port: 2 }), ["true"]));
    expect(e.kind).toBe("unreachable");
    expect(e.message).toMatch(/refused/);
  });

  it("a cut-off host is unreachable, reported within the connect timeout", async () => {
    labCommand("cut", "node4");
    try {
      const t0 = Date.now();
      const e = await sshError(pool.run(labTarget(lab, "node4", { id: "cut-node4" }), ["true"]));
      const took = Date.now() - t0;
      expect(e.kind).toBe("unreachable");
      expect(e.message).toMatch(/did not answer|no route/);
      expect(took).toBeLessThan(4000 + 1500);
    } finally {
      labCommand("heal", "node4");
    }
  });
});
