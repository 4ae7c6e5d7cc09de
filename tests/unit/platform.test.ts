// Host platforms (lib/hosts/platform): a second family is one module and its
// version comparison. "testos" below is such a family, registered through the
// same registerFamily() the Debian module goes through; a cluster on it is
// planned without one Debian command. Then: hosts never probed, systems
// Warren has no platform for, and a grep that keeps apt and dpkg out of the
// planners and lib/rabbitmq.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { detectPlatform, platformById, registerFamily, type PackageWant, type PlatformFamily } from "@/lib/hosts/platform";
import { evaluate, factsArgv, parseFacts, type NodeFacts } from "@/lib/hosts/facts";
import { parseProbe, PROBE_SCRIPT } from "@/lib/hosts/probe";
import { evaluateLb } from "@/lib/ops/lb-preflight-rules";
import { allSteps, assertWellFormed, type Plan, type Step } from "@/lib/ops/plan";
import type { ClusterFacts } from "@/lib/ops/cluster-facts";
import type { ClusterInventory } from "@/lib/ops/operation";
import { planSetup, SetupOptions } from "@/lib/ops/operations/setup";
import { loadBalancersOperation } from "@/lib/ops/operations/load-balancers";
import { planHaproxyUpgrade } from "@/lib/ops/operations/haproxy-upgrade";
import { planRollingUpgrade, RollingUpgradeParams } from "@/lib/ops/operations/rolling-upgrade";
import { parseClusterStatus } from "@/lib/rabbitmq/cluster-status";
import { nodeStateArgv, parseNodeState } from "@/lib/rabbitmq/node-state";
import { rabbitmqTargetArgv } from "@/lib/rabbitmq/scripts";
import { lbFactsArgv } from "@/lib/keepalived/scan";
import { shScript } from "@/lib/shell";
import { labCluster, labSpec } from "./support-cluster";

/** Debian's package tools, as words (a host's shell would run them by these names). */
const DEBIAN_TOOLS = /\b(apt|apt-get|apt-cache|apt-mark|aptitude|dpkg|dpkg-query|madison)\b/;

// The stand-in family: a package manager called tpkg, versions that are plain numbers.
const compared: [string, string][] = [];
const TPKG_OFFERED = shScript("TPKG_OFFERED", 'tpkg offered "$@"\n');
const TPKG_INSTALLED = shScript("TPKG_INSTALLED", 'tpkg installed "$@"\n');
const spec = (w: PackageWant) => (w.version ? `${w.name}@${w.version}` : w.name);
const testos: PlatformFamily = {
  family: "testos",
  ids: ["testos-1"],
  detect: (o) => (o.id === "testos" ? `testos-${o.versionId}` : null),
  platform: (id) => ({
    id, family: "testos", label: "TestOS 1",
    install: (wants, o = {}) => ["tpkg", "add", ...(o.stopFirst ? ["--stop", `test-${o.stopFirst}.service`] : []), ...wants.map(spec)],
    installedAtLeast: (wants) => ["tpkg", "has", "--at-least", ...wants.map(spec)],
    installedExactly: (wants) => ["tpkg", "has", "--exactly", ...wants.map(spec)],
    offeredVersions: TPKG_OFFERED,
    installedVersions: TPKG_INSTALLED,
    // Its version comparison: numbers, newest largest.
    compareVersions: (a, b) => { compared.push([a, b]); return Number(a) - Number(b); },
    serviceUnit: (s) => `test-${s}.service`,
    paths: { haproxyConfig: "/opt/testos/haproxy.cfg", keepalivedConfig: "/opt/testos/keepalived.conf" },
  }),
};
registerFamily(testos);

const on = (c: ClusterInventory, platform: string | null): ClusterInventory => ({
  ...c, nodes: c.nodes.map((n) => ({ ...n, platform })), loadBalancers: c.loadBalancers.map((l) => ({ ...l, platform })),
});

/** Every argument vector and script a plan would send to a host. */
function sent(p: Plan): { key: string; argv: string[] }[] {
  return allSteps(p).flatMap((s: Step) => {
    const vs = s.kind === "command" ? [s.argv, s.check, s.impact?.argv] : s.kind === "file" ? [s.validate, s.then, s.verify] : s.kind === "pause" || s.kind === "definitions" ? [] : [s.argv];
    return vs.filter((v): v is string[] => !!v).map((argv) => ({ key: s.key, argv }));
  });
}
const debianIn = (p: Plan) => sent(p).filter((x) => x.argv.some((a) => DEBIAN_TOOLS.test(a))).map((x) => `${x.key}: ${x.argv.join(" ").slice(0, 80)}`);

describe("a second family: one module and its version comparison", () => {
  const cluster = on(labCluster(), "testos-1");
  const options = SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all" }, rabbitmqVersion: "310", erlangVersion: "25", loadBalancers: labSpec().loadBalancers! });

  it("is recognised from /etc/os-release and found by its id", () => {
    expect(detectPlatform({ id: "testos", versionId: "1" })).toBe("testos-1");
    expect(platformById("testos-1")?.label).toBe("TestOS 1");
  });

  it("plans setup and the load balancers with its own commands, units and paths, and no Debian command", () => {
    const plan = planSetup(cluster, options);
    assertWellFormed(plan);
    expect(plan.phases.map((p) => p.title)).toContain("Install HAProxy and Keepalived");
    expect(debianIn(plan)).toEqual([]);
    // The same cluster on Debian: the check above does see apt where it is.
    expect(debianIn(planSetup(labCluster(), options)).map((x) => x.split(":")[0])).toEqual(["install", "install", "install", "install", "install", "install", "lb-install", "lb-install", "lb-install", "lb-install"]);
    const byKey = (k: string) => allSteps(plan).find((s) => s.key === k)!;
    for (const n of ["node1", "node2", "node3"]) {
      expect(byKey(`install:${n}`)).toMatchObject({
        argv: ["tpkg", "add", "rabbitmq-server@310", ...["erlang-base", "erlang-asn1"].map((x) => `${x}@25`), ...Array(15).fill(expect.stringMatching(/^erlang-[a-z-]+@25$/))],
        check: ["tpkg", "has", "--at-least", "rabbitmq-server@310", "erlang-base@25"],
      });
      expect(byKey(`start:${n}`)).toMatchObject({ check: expect.arrayContaining(["test-rabbitmq.service"]) });
    }
    for (const lb of ["node4", "node5"]) {
      expect(byKey(`lb-install:${lb}`)).toMatchObject({ argv: ["tpkg", "add", "haproxy", "keepalived", "socat"], check: ["tpkg", "has", "--at-least", "haproxy", "keepalived", "socat"] });
      expect(byKey(`haproxy-cfg:${lb}`)).toMatchObject({ path: "/opt/testos/haproxy.cfg" });
      expect(byKey(`keepalived-conf:${lb}`)).toMatchObject({ path: "/opt/testos/keepalived.conf" });
    }
    expect(plan.warnings).toBeUndefined();
  });

  it("the load-balancer operation on its own too", () => {
    const plan = loadBalancersOperation.plan(cluster, labSpec().loadBalancers!, undefined);
    expect(debianIn(plan)).toEqual([]);
    expect(sent(plan).filter((x) => x.argv[0] === "tpkg").map((x) => x.key)).toEqual(["lb-install:node4", "lb-install:node4", "lb-install:node5", "lb-install:node5"]);
  });

  it("upgrades with its own version comparison and commands", () => {
    const state = (o: string) => parseNodeState(o);
    const node = state("@@installed\nrabbitmq-server 310\nerlang-base 251\n@@offered\nerlang-base 252\nerlang-base 251\n@@service\nActiveState=active\n@@end\n");
    const status = parseClusterStatus(JSON.stringify({ cluster_name: "rabbit-prod", disk_nodes: ["rabbit@node1", "rabbit@node2"], ram_nodes: ["rabbit@node3"], running_nodes: ["rabbit@node1", "rabbit@node2", "rabbit@node3"], partitions: {}, alarms: [] }));
    const facts: ClusterFacts = { nodes: { node1: node, node2: node, node3: node }, status, statusFrom: "node1", featureFlags: {} };
    compared.length = 0;
    // Plain numbers are in no RabbitMQ release table: only this family's comparison judges them.
    const up = planRollingUpgrade(cluster, RollingUpgradeParams.parse({ erlangVersion: "252", enableFeatureFlags: false }), facts);
    expect(compared).toContainEqual(["252", "251"]);
    expect(debianIn(up)).toEqual([]);
    expect(allSteps(up).find((s) => s.key === "upgrade:node3")).toMatchObject({ argv: expect.arrayContaining(["tpkg", "add", "--stop", "test-rabbitmq.service", "erlang-base@252"]) });
    expect(allSteps(up).find((s) => s.key === "stop:node3")).toMatchObject({ argv: ["systemctl", "stop", "test-rabbitmq.service"] });

    const lb = (v: string) => state(`@@installed\nhaproxy ${v}\n@@offered\nhaproxy 27\nhaproxy 26\n@@service\n@@end\n`);
    compared.length = 0;
    const hp = planHaproxyUpgrade(cluster, { haproxyVersion: "27" }, { nodes: { node4: lb("26"), node5: lb("26") }, status: null, statusFrom: null, featureFlags: null }, "node4");
    expect(compared).toEqual([["27", "26"], ["27", "26"]]);
    expect(debianIn(hp)).toEqual([]);
    expect(allSteps(hp).find((s) => s.key === "upgrade:node4")).toMatchObject({ argv: ["tpkg", "add", "haproxy@27"], check: ["tpkg", "has", "--exactly", "haproxy@27"] });
    // Its comparison refuses a downgrade.
    compared.length = 0;
    expect(() => planHaproxyUpgrade(cluster, { haproxyVersion: "9" }, { nodes: { node4: state("@@installed\nhaproxy 10\n@@offered\nhaproxy 9\n@@end\n"), node5: lb("26") }, status: null, statusFrom: null, featureFlags: null }, "node4"))
      .toThrow(/node4 runs haproxy 10, newer than 9: no downgrades/);
    expect(compared).toContainEqual(["9", "10"]);
  });

  it("reads a host's facts in its own terms", () => {
    const pf = platformById("testos-1")!;
    // The probe, which the pre-flights run first, looks for package managers by name (command -v apt-get dnf…) to report them; it runs none.
    for (const argv of [factsArgv(pf, ["node2=10.213.77.12"]), nodeStateArgv(pf), lbFactsArgv(pf, 3, "-", [5672]), rabbitmqTargetArgv(pf)]) {
      const sent = argv.filter((a) => a !== PROBE_SCRIPT).join("\n");
      expect(sent).not.toMatch(DEBIAN_TOOLS);
      expect(sent).toMatch(/tpkg (offered|installed)/);
    }
  });
});

describe("hosts never probed, and systems Warren has no platform for", () => {
  const options = SetupOptions.parse({ clusterName: "rabbit-prod", ha: { mode: "all" }, loadBalancers: labSpec().loadBalancers! });

  it("a host never probed is planned as Debian 12, and the plan says so", () => {
    const c = labCluster();
    const p = planSetup({ ...c, nodes: c.nodes.map((n) => (n.name === "node2" ? { ...n, platform: null } : n)), loadBalancers: c.loadBalancers.map(({ platform: _, ...l }) => l) }, options);
    expect(p.warnings).toEqual([expect.stringMatching(/^node2, node4, node5 have not been probed yet: planned as Debian 12, the default\. Test the connection/)]);
    expect(allSteps(p).find((s) => s.key === "install:node2")).toMatchObject({ argv: expect.arrayContaining(["apt-install"]) });
  });

  it("a system without a platform stops the plan, as it fails both pre-flights with the same words", () => {
    const rocky = "@@os\nID=\"rocky\"\nVERSION_ID=\"9.3\"\nPRETTY_NAME=\"Rocky Linux 9.3\"\n@@pm\n/usr/bin/dnf\n@@systemd\nyes\n@@uid\n0\n@@sudo\nroot\n@@hostname\nnode1\n@@end\n";
    expect(detectPlatform(parseProbe(rocky).os)).toBe("rocky-9.3");
    expect(platformById("rocky-9.3")).toBeNull();
    const c = labCluster();
    expect(() => planSetup({ ...c, nodes: c.nodes.map((n) => (n.name === "node1" ? { ...n, platform: "rocky-9.3" } : n)) }, options))
      .toThrow(/^node1 runs rocky-9\.3: Warren has no platform for that system \(it supports Debian 12, Debian 13, TestOS 1\)/);

    const facts: NodeFacts = { ...parseFacts(fs.readFileSync(path.join(__dirname, "../fixtures/preflight-facts-debian12-fresh.txt"), "utf8")), probe: parseProbe(rocky) };
    const node = evaluate([{ name: "node1", address: "10.213.77.11", seed: true }], { node1: facts }, { manageHostsFile: true, now: Date.now() }).find((f) => f.check === "platform");
    const lb = evaluateLb([{ name: "node1", address: "10.213.77.11" }], { node1: { probe: parseProbe(rocky), lb: { interfaces: [], macs: {}, vip: { kind: "not-asked" }, vrrp: [], ports: [], haproxyVersions: [] } } }, { ports: [] }).findings.find((f) => f.check === "platform");
    expect(node).toEqual({ host: "node1", check: "platform", level: "fail", message: "Rocky Linux 9.3 (rocky-9.3) is not a system Warren supports: it has no commands to install and upgrade packages there", fix: "Use a host running Debian 12, Debian 13 or TestOS 1." });
    expect(lb).toEqual(node);
  });

  it("Debian 12 and 13 are found from the probe", () => {
    const probe = parseProbe(fs.readFileSync(path.join(__dirname, "../fixtures/probe-debian12-root.txt"), "utf8"));
    expect(detectPlatform(probe.os)).toBe("debian-12");
    expect(detectPlatform({ id: "debian", versionId: "13" })).toBe("debian-13");
    expect(platformById("debian-13")?.label).toBe("Debian 13");
    expect(detectPlatform({ id: "debian", versionId: "11" })).toBe("debian-11");
    expect(platformById("debian-11")).toBeNull();
    expect(detectPlatform({ id: null, versionId: null })).toBe("unknown");
  });
});

describe("the Debian platform's node-state script", () => {
  // Run by sh with stand-ins for the tools it calls, printing what the real ones print (lab node1, Debian 12).
  it("reads installed and offered versions and the service, as the parser expects", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-node-state-"));
    const tool = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    tool("dpkg-query", "printf '%s\\n' 'rabbitmq-server 3.10.8-1.1 install ok installed' 'erlang-base 1:25.2.3+dfsg-1+deb12u1 install ok installed' 'haproxy 2.6.12-1+deb12u3 deinstall ok config-files' 'keepalived  unknown ok not-installed'");
    tool("apt-cache", "printf '%s\\n' 'erlang-base | 1:25.2.3+dfsg-1+deb12u2 | http://lab/debian bookworm/main amd64 Packages' 'erlang-base | 1:25.2.3+dfsg-1+deb12u1 | http://lab/debian bookworm/main amd64 Packages' 'rabbitmq-server | 3.10.8-1.1 | http://lab/debian bookworm/main amd64 Packages'");
    tool("apt-get", "exit 0");
    tool("systemctl", "printf '%s\\n' ActiveState=active 'InactiveEnterTimestamp=@1795330000'");
    try {
      const [cmd, ...args] = nodeStateArgv(platformById("debian-12")!);
      const out = execFileSync(cmd, args, { env: { ...process.env, PATH: `${dir}:/usr/bin:/bin` }, encoding: "utf8" });
      expect(parseNodeState(out)).toEqual({
        installed: { "rabbitmq-server": "3.10.8-1.1", "erlang-base": "1:25.2.3+dfsg-1+deb12u1" },
        offered: { "erlang-base": ["1:25.2.3+dfsg-1+deb12u2", "1:25.2.3+dfsg-1+deb12u1"], "rabbitmq-server": ["3.10.8-1.1"] },
        active: "active", stoppedAt: 1795330000, complete: true,
      });
    } finally { fs.rmSync(dir, { recursive: true }); }
  });
});

describe("no planner or RabbitMQ module names apt or dpkg", () => {
  // Comments count too: a planner that has to explain apt is doing the platform's work.
  // Not scanned: lib/hosts/platform (the one place), lib/hosts/probe.ts (reports which
  // package managers a host has), and the engine and SSH layers, which run what they are given.
  const root = path.join(__dirname, "../..");
  const files = [
    ...fs.readdirSync(path.join(root, "lib/ops")).filter((f) => f.endsWith(".ts")).map((f) => `lib/ops/${f}`),
    ...fs.readdirSync(path.join(root, "lib/ops/operations")).filter((f) => f.endsWith(".ts")).map((f) => `lib/ops/operations/${f}`),
    ...fs.readdirSync(path.join(root, "lib/rabbitmq"), { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts")).map((f) => `lib/rabbitmq/${f}`),
    ...fs.readdirSync(path.join(root, "lib/keepalived")).filter((f) => f.endsWith(".ts")).map((f) => `lib/keepalived/${f}`),
    "lib/hosts/facts.ts",
  ];
  it.each(files)("%s", (f) => {
    const hits = fs.readFileSync(path.join(root, f), "utf8").split("\n").flatMap((l, i) => (DEBIAN_TOOLS.test(l) ? [`${f}:${i + 1}: ${l.trim()}`] : []));
    expect(hits).toEqual([]);
  });
  it("scans the planners it means to", () => {
    expect(files).toEqual(expect.arrayContaining(["lib/ops/operations/setup.ts", "lib/ops/cluster-facts.ts", "lib/ops/preflight.ts", "lib/rabbitmq/scripts.ts", "lib/rabbitmq/node-state.ts", "lib/rabbitmq/cli.ts"]));
  });
});
