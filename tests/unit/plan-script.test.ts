import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planSetup, SetupOptions } from "@/lib/ops/operations/setup";
import { comment, planScript } from "@/lib/ops/script";
import type { Plan } from "@/lib/ops/plan";
import type { NodeSpec } from "@/lib/ops/operation";

// The copyable script, short of real hosts (the integration suite runs it
// unchanged against lab hosts): it parses, passes shellcheck, reads secrets
// from the environment, and an argument survives both shells — the local one
// and, after ssh joins the arguments, the remote one.
const nodes: NodeSpec[] = [
  { name: "node1", address: "10.213.77.11", type: "disc", seed: true },
  { name: "node2", address: "10.213.77.12", type: "ram", seed: false },
];
const MARK = path.join(os.tmpdir(), `warren-script-pwned-${process.pid}`);
const hostile = `x'; touch ${MARK} #\n$(touch ${MARK})\`touch ${MARK}\` "; touch ${MARK}; echo "`;
const plan = planSetup({ id: "c", name: "prod", nodes, loadBalancers: [] }, SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all", pattern: hostile } }));
const script = planScript(plan, { title: "cluster prod" });

function tmp(): string { return fs.mkdtempSync(path.join(os.tmpdir(), "warren-script-")); }

describe("planScript", () => {
  it("is strict bash that checks its secrets first", () => {
    expect(script.split("\n").slice(0, 12).join("\n")).toContain("set -euo pipefail");
    expect(script).toContain(': "${ERLANG_COOKIE:?set ERLANG_COOKIE to the Erlang cookie of the cluster}"');
    expect(script).toContain(': "${MANAGEMENT_PASSWORD:?');
    expect(spawnSync("bash", ["-n"], { input: script }).status).toBe(0);
  });

  it("passes shellcheck", () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, "plan.sh"), script);
    const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", path.join(d, "plan.sh")], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("stops at once without the secrets, before touching any host", () => {
    const d = tmp();
    fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ntouch ${d}/ssh-was-called\n`, { mode: 0o755 });
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin` }, encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/ERLANG_COOKIE: set ERLANG_COOKIE/);
    expect(fs.existsSync(path.join(d, "ssh-was-called"))).toBe(false);
  });

  it("keeps a hostile policy pattern one argument through both shells, and runs none of it", () => {
    // The step's line as the local bash runs it, with `on` capturing what ssh would send.
    const lines = script.split("\n");
    const i = lines.findIndex((l) => l.startsWith("echo '==> node1: Policy ha-all"));
    expect(i).toBeGreaterThan(0);
    const end = lines.findIndex((l, j) => j > i && (l === "" || l.startsWith("# ")));
    const d = tmp();
    const remote = execFileSync("bash", ["--norc", "--noprofile", "-c", `on() { printf '%s' "$2"; }; ${lines.slice(i + 1, end).join("\n")}`], { encoding: "utf8" });
    // The remote shell runs it; runuser is a stub recording its arguments.
    fs.writeFileSync(path.join(d, "runuser"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${d}/argv\n`, { mode: 0o755 });
    spawnSync("sh", ["-c", remote], { env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin` } });
    const argv = fs.readFileSync(path.join(d, "argv"), "utf8").split("\0").slice(0, -1);
    expect(argv.slice(-6)).toEqual(["set_policy", "ha-all", hostile, '{"ha-mode":"all","ha-sync-mode":"automatic"}', "--apply-to", "queues"]);
    expect(fs.existsSync(MARK)).toBe(false);
  });

  it("never puts plan values outside quotes: comments are one line, with control characters escaped", () => {
    expect(comment("a\nrm -rf /")).toBe("a\\nrm -rf /");
    expect(comment("a\r\u0007b")).toBe("a\\u000d\\u0007b");
    // The whole script under the local bash, with an ssh that accepts everything: nothing runs here.
    const d = tmp();
    fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ncat >/dev/null\nexit 0\n`, { mode: 0o755 });
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", script], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin`, ERLANG_COOKIE: "c", MANAGEMENT_PASSWORD: "p" }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.existsSync(MARK)).toBe(false);
  });

  it("fills file secrets from the environment and feeds files on stdin", () => {
    const p: Plan = { type: "t", phases: [{ title: "lb", steps: [{
      kind: "file", key: "f", title: "config", host: "lb1", path: "/etc/x.cfg", content: "user admin\npass {{secret:statsPassword}}\n", mode: "0640",
      validate: ["check-config", "{file}"], then: ["systemctl", "reload", "x"],
    }] }] };
    const s = planScript(p, { title: "t" });
    expect(s).toContain(': "${STATS_PASSWORD:?');
    expect(s).toContain(`printf '%s' "$STATS_PASSWORD"`);
    const d = tmp();
    fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ncat > ${d}/stdin\nexit 0\n`, { mode: 0o755 });
    const r = spawnSync("bash", ["--norc", "--noprofile", "-c", s], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin`, STATS_PASSWORD: "pw-123" }, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(d, "stdin"), "utf8")).toBe("user admin\npass pw-123\n");
  });
});
