import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { planSetup, SetupOptions } from "@/lib/ops/operations/setup";
import { planRollingUpgrade, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { planHaproxyUpgrade } from "@/lib/ops/operations/haproxy-upgrade";
import { planDrill } from "@/lib/ops/operations/failover-drill";
import { rotateManagementPasswordOperation } from "@/lib/ops/operations/rotate-management-password";
import { comment, planScript, remoteLine } from "@/lib/ops/script";
import { fileArgv } from "@/lib/ops/file-deploy";
import { deleteArgv, exportDefinitions } from "@/lib/backups/commands";
import { parseDefinitions } from "@/lib/backups/definitions";
import { planRestore, RestoreParams } from "@/lib/ops/operations/restore";
import { bindVars, fillSecrets, workOfPhase, type Plan, type Step } from "@/lib/ops/plan";
import { SECRETS, type SecretName } from "@/lib/ops/secrets";
import { commandLine } from "@/lib/ssh/quote";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import type { ClusterInventory } from "@/lib/ops/operation";
import { parseNodeState } from "@/lib/rabbitmq/node-state";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { ATTACK_STRINGS } from "../support/attack-strings";
import { labCluster } from "./support-cluster";

// The copyable script, short of real hosts (the integration suite runs it
// unchanged against lab hosts). It is POSIX sh (dash and bash parse it and
// shellcheck passes it as sh), reads secrets from the environment, is laid
// out for reading (helpers and texts once at the top, one line per step),
// and — run with an ssh that records what it is asked — sends every host
// exactly the command lines Warren's runner would run there, with the same
// standard input, in the same order, for the real planners' plans.
const MARK = path.join(os.tmpdir(), `warren-script-pwned-${process.pid}`);
const hostile = `x'; touch ${MARK} #\n$(touch ${MARK})\`touch ${MARK}\` "; touch ${MARK}; echo "`;
// A restore's definitions come from a file the operator names (DEFINITIONS_FILE); the script sends it on stdin.
const DOCUMENT = `{"users":[{"name":"it's","password_hash":"h$(touch ${MARK})"}],"vhosts":[{"name":"/"}]}`;
const DOCUMENT_FILE = path.join(os.tmpdir(), `warren-script-definitions-${process.pid}.json`);
fs.writeFileSync(DOCUMENT_FILE, `${DOCUMENT}\n`, { mode: 0o600 });
const ENV: Record<string, string> = { ERLANG_COOKIE: "cookie-1", MANAGEMENT_PASSWORD: "mgmt-2", STATS_PASSWORD: "stats-3", VRRP_PASSWORD: "vrrp-4", NEW_MANAGEMENT_PASSWORD: "new-mgmt-5", DEFINITIONS_FILE: DOCUMENT_FILE };
const secret = (n: SecretName, next?: boolean) => ENV[`${next ? "NEW_" : ""}${SECRETS[n].envVar}`];

const OLD_E = "1:25.2.3+dfsg-1+deb12u1", NEW_E = "1:25.2.3+dfsg-1+deb12u2", H_OLD = "2.6.12-1+deb12u3", H_NEW = "2.6.12-1+deb12u4";
const node = (o: { erl?: string; haproxy?: string } = {}) => parseNodeState(
  `@@installed\nrabbitmq-server 3.10.8-1.1\nerlang-base ${o.erl ?? OLD_E}\n${o.haproxy ? `haproxy ${o.haproxy}\n` : ""}@@offered\nerlang-base ${NEW_E}\nerlang-base ${OLD_E}\nhaproxy ${H_NEW}\nhaproxy ${H_OLD}\n@@service\nActiveState=active\n@@end\n`);
const facts: ClusterFacts = {
  nodes: { node1: node(), node2: node(), node3: node(), node4: node({ haproxy: H_OLD }), node5: node({ haproxy: H_OLD }) }, statusFrom: "node1", featureFlags: { quorum_queue: "enabled" },
  status: parseClusterStatus(JSON.stringify({ cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"], running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] })),
};
const lab = labCluster();
const POWER = path.join(os.tmpdir(), `warren-script-power-${process.pid}`);
const withLbs = (c: ClusterInventory, pattern = "^") => planSetup(c, SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all", pattern }, loadBalancers: { vip: "10.213.77.100", interface: "eth0", routerId: 51 } }));

// The plans a 5-host cluster gets, one of each shape of step: commands with
// and without checks and stdin, units, files with secrets, gates on one host
// and across hosts, run variables, a power command on Warren's machine, a
// secret being rotated.
const PLANS: Record<string, Plan> = {
  setup: withLbs(lab, hostile),
  "rolling-upgrade": planRollingUpgrade(lab, RollingUpgradeParams.parse({ erlangVersion: NEW_E, enableFeatureFlags: true }), facts),
  "haproxy-upgrade": planHaproxyUpgrade(lab, { haproxyVersion: H_NEW }, facts, "node4"),
  "drill (keepalived)": planDrill(lab, { fault: "keepalived-stop" }),
  "drill (power)": planDrill({ ...lab, power: ["sh", POWER] }, { fault: "power-off" }),
  rotate: rotateManagementPasswordOperation.plan(lab, {}, undefined),
  // A restore deleting extras: a backup into a local file, rabbitmqctl deletions, the import reading a file on stdin.
  restore: planRestore(lab, RestoreParams.parse({ backupId: "bk1", deleteExtra: true }), {
    backup: { id: "bk1", clusterId: "c", clusterName: "prod", createdAt: new Date(0), rabbitmqVersion: "3.10.8", doc: parseDefinitions(fs.readFileSync("tests/fixtures/definitions/rabbitmq-3.10-rabbitmqctl.json", "utf8")) },
    live: { doc: parseDefinitions(fs.readFileSync("tests/fixtures/definitions/rabbitmq-4.0-rabbitmqctl.json", "utf8")), node: "node1", via: "management API" },
  }),
};
const SUDO = ["node2", "node5"];

function tmp(): string { return fs.mkdtempSync(path.join(os.tmpdir(), "warren-script-")); }

interface Call { host: string; line: string; stdin: string }

/**
 * The calls the runner's order implies, and the fake ssh's answer to each:
 * every check says "not done" (so every command runs), every command and
 * gate succeeds, a gate across hosts finds the first allowed host.
 * `checksPass`: every check says "done" instead.
 */
function simulate(plan: Plan, checksPass = false): { calls: Call[]; answers: number[] } {
  const calls: Call[] = [], answers: number[] = [];
  const vars: Record<string, string> = {};
  const call = (host: string, argv: string[], answer: number, stdin = "") => {
    calls.push({ host, line: remoteLine(argv, SUDO.includes(host)), stdin });
    answers.push(answer);
    return answer === 0;
  };
  const input = (s: Step) => (s.kind === "command" && s.stdin ? ("text" in s.stdin ? s.stdin.text : "definitions" in s.stdin || "shovels" in s.stdin ? DOCUMENT : secret(s.stdin.secret, s.stdin.next)) : "");
  const step = (raw: Step, withCheck: boolean) => {
    const s = bindVars(raw, vars);
    switch (s.kind) {
      case "command":
        if (withCheck && s.check && call(s.host, s.check, checksPass ? 0 : 1, input(s))) return;
        call(s.host, s.argv, 0, input(s));
        return;
      case "file": {
        const content = fillSecrets(s.content, (n) => secret(n));
        if (call(s.host, fileArgv.inPlace(s), checksPass ? 0 : 1, content)) return;
        call(s.host, fileArgv.upload(s), 0, content);
        if (s.validate) call(s.host, fileArgv.validate(s)!, 0);
        call(s.host, fileArgv.swap(s), 0);
        if (s.then) call(s.host, s.then, 0);
        if (s.verify) call(s.host, s.verify, 0);
        return;
      }
      case "gate":
        if (!s.across) { call(s.host, s.argv, 0); return; }
        {
          const yes = s.across.hosts.find((h) => h !== s.across!.not)!;
          for (const h of s.across.hosts) call(h, s.argv, h === yes ? 0 : 1);
          if (s.across.record) vars[s.across.record] = yes;
        }
        return;
      case "definitions":
        // The script's equivalent of Warren's own work: the same export into a local file; deletions rabbitmqctl has a command for.
        if (s.action.do === "backup") call(s.host, exportDefinitions(), 0);
        if (s.action.do === "delete") for (const r of s.action.objects) { const argv = deleteArgv(r); if (argv) call(s.host, argv, 0); }
        return;
      case "local":
      case "pause":
        return;
    }
  };
  for (const ph of plan.phases)
    for (const w of workOfPhase(ph)) {
      if (!w.unit) { step(w.step, true); continue; }
      const head = bindVars(w.steps[0], vars);
      if (head.kind === "command" && head.check) {
        if (call(head.host, head.check, checksPass ? 0 : 1, input(head))) continue;
        for (const s of w.steps) step(s, false);
      } else for (const s of w.steps) step(s, true);
    }
  return { calls, answers };
}

/** Runs the script with `shell`, an ssh that records each call and answers from `answers`; returns the calls and the output. */
function runScript(script: string, shell: "sh" | "bash", answers: number[]) {
  const d = tmp();
  fs.mkdirSync(path.join(d, "calls"));
  fs.writeFileSync(path.join(d, "answers"), answers.join("\n") + "\n");
  fs.writeFileSync(path.join(d, "n"), "0");
  fs.writeFileSync(path.join(d, "ssh"), [
    "#!/bin/sh",
    `n=$(( $(cat ${d}/n) + 1 )); echo "$n" > ${d}/n`,
    `[ "$1 $2 $3" = "-o BatchMode=yes --" ] || { echo "ssh called with $*" >&2; exit 255; }`,
    `printf '%s' "$4" > ${d}/calls/$n.host; printf '%s' "$5" > ${d}/calls/$n.line; cat > ${d}/calls/$n.stdin`,
    `a=$(sed -n "\${n}p" ${d}/answers); exit "\${a:-99}"`,
  ].join("\n") + "\n", { mode: 0o755 });
  fs.writeFileSync(path.join(d, "plan.sh"), script);
  // sleep is a no-op: a gate polled again must not slow the test.
  fs.writeFileSync(path.join(d, "sleep"), "#!/bin/sh\nexit 0\n", { mode: 0o755 });
  // In its own directory: a plan's backup goes to a file where the script runs.
  const r = spawnSync(shell, [path.join(d, "plan.sh")], { cwd: d, stdio: ["ignore", "pipe", "pipe"], env: { ...ENV, NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin` }, encoding: "utf8", timeout: 60_000 });
  const n = Number(fs.readFileSync(path.join(d, "n"), "utf8"));
  const calls: Call[] = Array.from({ length: n }, (_, i) => ({
    host: fs.readFileSync(path.join(d, "calls", `${i + 1}.host`), "utf8"),
    line: fs.readFileSync(path.join(d, "calls", `${i + 1}.line`), "utf8"),
    stdin: fs.readFileSync(path.join(d, "calls", `${i + 1}.stdin`), "utf8"),
  }));
  return { ...r, calls, dir: d };
}

const scriptOf = (plan: Plan) => planScript(plan, { title: "cluster prod", sudoHosts: SUDO });
const setupScript = scriptOf(PLANS.setup);

describe("planScript: a POSIX shell script", () => {
  it("parses under sh and bash, starts strict and checks its secrets first", () => {
    for (const [name, plan] of Object.entries(PLANS)) {
      const s = scriptOf(plan);
      expect(s.startsWith("#!/bin/sh\n"), name).toBe(true);
      expect(s.split("\n").slice(0, 12)).toContain("set -eu");
      for (const shell of ["sh", "bash"]) expect(spawnSync(shell, ["-n"], { input: s }).status, `${shell} -n: ${name}`).toBe(0);
    }
    expect(setupScript).toContain(': "${ERLANG_COOKIE:?set ERLANG_COOKIE to the Erlang cookie of the cluster}"');
    expect(setupScript.indexOf(': "${MANAGEMENT_PASSWORD:?')).toBeLessThan(setupScript.indexOf("say()"));
    expect(scriptOf(PLANS.rotate)).toContain(': "${NEW_MANAGEMENT_PASSWORD:?set NEW_MANAGEMENT_PASSWORD to the new management admin password}"');
  });

  it("passes shellcheck as sh, every plan, at every level", () => {
    const d = tmp();
    for (const [name, plan] of Object.entries(PLANS)) {
      const f = path.join(d, `${name.replace(/\W+/g, "-")}.sh`);
      fs.writeFileSync(f, scriptOf(plan));
      // SC2016 ("expressions don't expand in single quotes"): a title or argument holding $( ) stays literal on purpose.
      const r = spawnSync("shellcheck", ["-s", "sh", "-S", "style", "-e", "SC2016", f], { encoding: "utf8" });
      expect(r.error, "shellcheck is installed (scripts/setup-machine.sh)").toBeUndefined();
      expect(r.stdout + r.stderr, name).toBe("");
    }
  });

  it("stops at once without the secrets, before touching any host", () => {
    for (const shell of ["sh", "bash"]) {
      const d = tmp();
      fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ntouch ${d}/ssh-was-called\n`, { mode: 0o755 });
      const r = spawnSync(shell, ["-c", setupScript], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin` }, encoding: "utf8" });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/ERLANG_COOKIE: set ERLANG_COOKIE/);
      expect(fs.existsSync(path.join(d, "ssh-was-called"))).toBe(false);
    }
  });
});

describe("planScript: readable", () => {
  it("a 5-host setup: helpers and each script or text defined once at the top, then one line per step, no quoting within quoting", () => {
    const s = scriptOf(withLbs(lab));
    const [, helpers, defs, steps] = s.split(/^# ---- .*$/m);
    expect(helpers).toContain("q() {");
    expect(helpers).toContain("run() {");
    // Each shared script once, however many steps use it (the /etc/hosts writer runs on three nodes).
    expect(defs.match(/^HOSTS_BLOCK_WRITE="\$\(cat <<'WARREN'$/gm)).toHaveLength(1);
    expect(steps.match(/sh -c "\$HOSTS_BLOCK_WRITE"/g)).toHaveLength(3);
    // The plan part: a title line, then the step's one line (a unit's steps inside braces).
    const plan = steps.split("\n").filter((l) => l && !l.startsWith("#"));
    const stepCount = PLANS.setup.phases.reduce((n, ph) => n + ph.steps.length, 0);
    expect(plan.filter((l) => /^\s*say /.test(l))).toHaveLength(stepCount);
    expect(plan.length).toBeLessThan(stepCount * 2 + 10);
    for (const l of plan) expect(l.length, l).toBeLessThan(400);
    // No quote inside a quote inside a quote, anywhere: the old script's '\''\'\'''\''.
    expect(s).not.toContain(`'\\''\\'`);
    expect(s.split("\n").length).toBeLessThan(800);
    expect(steps).toContain("say 'node1: Write the Warren block in /etc/hosts'\nin_place -i \"$HOSTS_TEXT\" node1 grep -qxF '# BEGIN warren");
  });

  it("names what it defines after Warren's own scripts and the files' paths, and defines a text with exactly its bytes", () => {
    const s = scriptOf(withLbs(lab));
    for (const n of ["COOKIE_WRITE", "APT_INSTALL", "JOINED", "HAPROXY_VALIDATE", "KEEPALIVED_CONF", "KEEPALIVED_CONF_NODE5", "HOLDS_ADDRESS", "RABBITMQ_PLUGINS"]) expect(s).toMatch(new RegExp(`^${n}="\\$\\(cat <<'WARREN'$`, "m"));
    // The definitions, evaluated by sh and bash, give back every text byte for byte (trailing newlines, a line like the delimiter, quotes, $( ), backslashes).
    const tricky = [...new Set(["a\n\n\n", "no newline", "WARREN\n)\n'\"`$(x)\\\n", "", "\n", "case x in a) ;; esac )\n", ...ATTACK_STRINGS.filter((a) => !a.includes("\0"))])];
    const p: Plan = { type: "t", phases: [{ title: "t", steps: tricky.map((t, i): Step => ({ kind: "command", key: `k${i}`, title: "t", host: "h", argv: ["sh", "-c", `${"#".repeat(70)}\n${t}`, `s${i}`], stdin: { text: `${"x".repeat(70)}${t}` } })) }] };
    const script = planScript(p, { title: "t" });
    const defs = script.slice(0, script.indexOf("# ---- The plan"));
    for (const shell of ["sh", "bash"]) {
      const names = [...defs.matchAll(/^([A-Z0-9_]+)="\$\(cat/gm)].map((m) => m[1]);
      expect(names.length).toBe(tricky.length * 2);
      const out = execFileSync(shell, ["-c", `${defs}\nfor v in ${names.join(" ")}; do eval "printf '%s\\\\0' \\"\\$$v\\""; done`], { encoding: "utf8" }).split("\0").slice(0, -1);
      expect(out.sort()).toEqual(tricky.flatMap((t) => [`${"#".repeat(70)}\n${t}`, `${"x".repeat(70)}${t}`]).sort());
    }
  });

  it("q quotes exactly as Warren does (lib/ssh/quote), under sh and bash", () => {
    const args = ["", "a", "node1", "a b", "it's", "''", "'\\''", "$(x)", "`x`", "a\nb\n", "-n", "rabbit@node1", "x=1", "é", "tab\there", "*", "~root", "#c", "a'b'c'", ...ATTACK_STRINGS.filter((a) => !a.includes("\0"))];
    const q = planScript({ type: "t", phases: [{ title: "t", steps: [{ kind: "command", key: "k", title: "t", host: "h", argv: ["x"] }] }] }, { title: "t" });
    const fn = q.slice(q.indexOf("q() {"), q.indexOf("\n}\n", q.indexOf("q() {")) + 3);
    for (const shell of ["sh", "bash"]) {
      const out = execFileSync(shell, ["-c", `${fn}\nq "$@"`, "q", ...args], { encoding: "utf8" });
      expect(out, shell).toBe(commandLine(args));
    }
  });
});

describe("planScript: exactly the runner's commands", () => {
  for (const [name, plan] of Object.entries(PLANS)) {
    it(`${name}: every host gets the plan's command lines, stdin and order (sudo where needed), under sh and bash`, () => {
      fs.writeFileSync(POWER, ""); // the power command, a no-op here
      const want = simulate(plan);
      expect(want.calls.length).toBeGreaterThan(3);
      for (const shell of ["sh", "bash"] as const) {
        const r = runScript(scriptOf(plan), shell, want.answers);
        expect(r.stderr, shell).toBe("");
        expect(r.status, shell).toBe(0);
        expect(r.calls, shell).toEqual(want.calls);
        expect(r.stdout).toContain(`plan ${plan.type} finished`);
        // A backup step's export lands in a file only the operator can read.
        if (plan.phases[0].steps[0]?.kind === "definitions") expect(fs.statSync(path.join(r.dir, `definitions-before-${plan.type}.json`)).mode & 0o777).toBe(0o600);
      }
      expect(fs.existsSync(MARK)).toBe(false);
    });
  }

  it("a second run where every check passes changes nothing: checks only, each step said to be in place", () => {
    const outputs = ["setup", "rolling-upgrade"].map((name) => {
      const want = simulate(PLANS[name], true);
      const r = runScript(scriptOf(PLANS[name]), "sh", want.answers);
      expect(r.status).toBe(0);
      expect(r.calls).toEqual(want.calls);
      return r.stdout;
    });
    // As the integration suite expects of a second run on lab hosts (tests/integration/03-plan-script.test.ts).
    expect(outputs[0]).toMatch(/already in place: Stop the RabbitMQ application, Reset the node, Join as a ram node/);
    expect(outputs[0]).toMatch(/==> node1: Install rabbitmq-server\n {4}already in place\n/);
    expect(outputs[1]).toMatch(/==> node3: Upgrade packages: Erlang \S+ → \S+\n {4}already in place\n/);
  });

  it("the drill's power command runs on the operator's machine, on the host the first gate found", () => {
    const want = simulate(PLANS["drill (power)"]);
    const script = scriptOf(PLANS["drill (power)"]);
    expect(script).toContain(`sh ${POWER} stop "$owner"`);
    fs.writeFileSync(POWER, `printf '%s\\n' "$*" >> ${POWER}.log\n`);
    fs.rmSync(`${POWER}.log`, { force: true });
    const r = runScript(script, "sh", want.answers);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(`${POWER}.log`, "utf8")).toBe("stop node4\nstart node4\n");
    expect(r.stdout).toContain("==> node4: Keepalived runs again on it");
    fs.rmSync(POWER);
    fs.rmSync(`${POWER}.log`);
  });

  it("a hostile policy pattern stays one argument through both shells, and runs nothing", () => {
    const want = simulate(PLANS.setup);
    const r = runScript(setupScript, "sh", want.answers);
    const policy = r.calls.find((c) => c.line.includes("set_policy"))!;
    const d = tmp();
    // The remote shell runs it; runuser is a stub recording its arguments.
    fs.writeFileSync(path.join(d, "runuser"), `#!/bin/sh\nfor a in "$@"; do printf '%s\\0' "$a"; done > ${d}/argv\n`, { mode: 0o755 });
    spawnSync("sh", ["-c", policy.line], { env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin` } });
    const argv = fs.readFileSync(path.join(d, "argv"), "utf8").split("\0").slice(0, -1);
    expect(argv.slice(-5)).toEqual(["ha-all", hostile, '{"ha-mode":"all","ha-sync-mode":"automatic"}', "--apply-to", "queues"]);
    expect(fs.existsSync(MARK)).toBe(false);
  });

  it("never puts plan values outside quotes: comments are one line, with control characters escaped", () => {
    expect(comment("a\nrm -rf /")).toBe("a\\nrm -rf /");
    expect(comment("a\r\u0007b")).toBe("a\\u000d\\u0007b");
    // A setup without load balancers under sh, with an ssh that says yes to everything: nothing runs here.
    const plain = planScript(planSetup(labCluster({ loadBalancers: [] }), SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all", pattern: hostile } })), { title: "cluster prod" });
    const d = tmp();
    fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ncat >/dev/null\nexit 0\n`, { mode: 0o755 });
    const r = spawnSync("sh", ["-c", plain], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin`, ERLANG_COOKIE: "c", MANAGEMENT_PASSWORD: "p" }, encoding: "utf8" });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    expect(fs.existsSync(MARK)).toBe(false);
  });

  it("a file that fails validation is discarded and never installed; one whose reload or verification fails is rolled back", () => {
    const f: Step = { kind: "file", key: "f", title: "config", host: "lb1", path: "/etc/x.cfg", content: "x\n", mode: "0640", validate: ["check-config", "{file}"], then: ["systemctl", "reload", "x"], verify: ["is-ok"] };
    if (f.kind !== "file") throw new Error("a file step");
    const s = planScript({ type: "t", phases: [{ title: "t", steps: [f] }] }, { title: "t" });
    const line = (argv: string[]) => ({ host: "lb1", line: commandLine(argv), stdin: "" });
    const upload = [{ host: "lb1", line: commandLine(fileArgv.inPlace(f)), stdin: "x\n" }, { host: "lb1", line: commandLine(fileArgv.upload(f)), stdin: "x\n" }];
    const bad = runScript(s, "sh", [1, 0, 1, 0]);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe("the new /etc/x.cfg failed validation: not installed\n");
    expect(bad.calls).toEqual([...upload, line(fileArgv.validate(f)!), line(fileArgv.discard(f))]);
    const broken = runScript(s, "sh", [1, 0, 0, 0, 0, 1, 0, 0]);
    expect(broken.status).toBe(1);
    expect(broken.stderr).toBe("rolled back /etc/x.cfg to its previous version\n");
    expect(broken.calls).toEqual([...upload, line(fileArgv.validate(f)!), line(fileArgv.swap(f)), line(f.then!), line(f.verify!), line(fileArgv.rollback(f)), line(f.then!)]);
  });

  it("fills file secrets from the environment and feeds files on stdin", () => {
    const p: Plan = { type: "t", phases: [{ title: "lb", steps: [{
      kind: "file", key: "f", title: "config", host: "lb1", path: "/etc/x.cfg", content: "user admin\npass {{secret:statsPassword}}\n", mode: "0640",
      validate: ["check-config", "{file}"], then: ["systemctl", "reload", "x"],
    }] }] };
    const s = planScript(p, { title: "t" });
    expect(s).toContain(': "${STATS_PASSWORD:?');
    expect(s).toContain('"$X_CFG_PART_1$STATS_PASSWORD$X_CFG_PART_2"');
    const d = tmp();
    fs.writeFileSync(path.join(d, "ssh"), `#!/bin/sh\ncat > ${d}/stdin\nexit 0\n`, { mode: 0o755 });
    const r = spawnSync("sh", ["-c", s], { stdio: ["ignore", "pipe", "pipe"], env: { NODE_ENV: "test", PATH: `${d}:/usr/bin:/bin`, STATS_PASSWORD: "pw-123" }, encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(fs.readFileSync(path.join(d, "stdin"), "utf8")).toBe("user admin\npass pw-123\n");
  });
});
