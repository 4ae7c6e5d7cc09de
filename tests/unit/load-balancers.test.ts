import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LoadBalancerOptions, loadBalancerFiles, planLoadBalancerPhases, validateLoadBalancers } from "@/lib/ops/operations/load-balancers";
import type { ClusterInventory } from "@/lib/ops/operation";
import { assertWellFormed, type Plan } from "@/lib/ops/plan";
import { HEALTH_URI } from "@/lib/haproxy/config";
import { CHECK_SCRIPT } from "@/lib/keepalived/config";

// The seeds' two reference topologies: separate load balancers (seed 001:
// 3 nodes + 2 HAProxy/Keepalived hosts) and co-located ones (seed 004:
// HAProxy and Keepalived on two of the three nodes).
const nodes = [
  { name: "node1", address: "10.213.77.11", type: "disc" as const, seed: true },
  { name: "node2", address: "10.213.77.12", type: "disc" as const, seed: false },
  { name: "node3", address: "10.213.77.13", type: "ram" as const, seed: false },
];
const separate: ClusterInventory = { id: "c1", name: "prod", nodes, loadBalancers: [{ name: "node4", address: "10.213.77.14" }, { name: "node5", address: "10.213.77.15" }], spec: null };
const colocated: ClusterInventory = { ...separate, loadBalancers: [{ name: "node1", address: "10.213.77.11" }, { name: "node2", address: "10.213.77.12" }] };
const base = { vip: "10.213.77.100", interface: "eth0", routerId: 51 };
const opts = (o: Record<string, unknown> = {}) => LoadBalancerOptions.parse({ ...base, ...o });

const GOLDEN = path.join(__dirname, "../fixtures/golden");
/** A missing golden file fails like a different one: only UPDATE_GOLDEN=1 writes them. */
function golden(name: string, text: string) {
  const f = path.join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1") { fs.mkdirSync(GOLDEN, { recursive: true }); fs.writeFileSync(f, text); }
  expect(fs.existsSync(f), `${name} has no golden file (UPDATE_GOLDEN=1 writes it; review it before committing)`).toBe(true);
  expect(text, `${name} differs from its golden file (UPDATE_GOLDEN=1 rewrites it)`).toBe(fs.readFileSync(f, "utf8"));
}

/** Every file the plan's steps install, in plan order, as deployed: host, path, mode, owner, how it is checked and applied, content. */
function deployed(plan: Plan): string {
  return plan.phases.flatMap((p) => p.steps).flatMap((s) => s.kind !== "file" ? [] : [
    `=== ${s.host} ${s.path} (mode ${s.mode}, owner ${s.owner ?? "-"})`,
    `validate: ${s.validate?.join(" ") ?? "-"}`, `then: ${s.then?.join(" ") ?? "-"}`, `verify: ${s.verify?.join(" ") ?? "-"}`,
    "---", s.content,
  ]).join("\n");
}

describe("what the plan deploys (golden files)", () => {
  it("separate load balancers, as seed 001", () => {
    const plan: Plan = { type: "load-balancers", phases: planLoadBalancerPhases(separate, opts()) };
    golden("separate.deployed.txt", deployed(plan));
    const cfgs = plan.phases.flatMap((p) => p.steps).filter((s) => s.kind === "file" && s.path === "/etc/haproxy/haproxy.cfg");
    expect(cfgs.map((s) => s.host)).toEqual(["node4", "node5"]);
    expect(new Set(cfgs.map((s) => s.kind === "file" && s.content)).size).toBe(1);
  });

  it("co-located on RabbitMQ nodes, as seed 004: the AMQP frontend moves off RabbitMQ's 5672", () => {
    const plan: Plan = { type: "load-balancers", phases: planLoadBalancerPhases(colocated, opts({ preemption: "immediate", unicast: true, vrrpVersion: 2, advertInt: 1 })) };
    const text = deployed(plan);
    golden("colocated.deployed.txt", text);
    expect(text).toContain("bind :5670");
    expect(text).toContain("auth_pass {{secret:vrrpPassword}}");
    expect(text).toMatch(/unicast_src_ip 10\.213\.77\.11\n {4}unicast_peer \{\n {8}10\.213\.77\.12\n/);
  });

  it("uses nothing HAProxy 3.0 or Keepalived's config test reject", () => {
    for (const o of [opts(), opts({ vrrpVersion: 2, advertInt: 1, preemption: "delayed" })]) {
      for (const f of loadBalancerFiles(separate, o)) {
        expect(f.haproxy).not.toMatch(/\b(nbproc|bind-process|contimeout|clitimeout|srvtimeout|reqadd|rspadd)\b/);
        if (o.vrrpVersion === 3) expect(f.keepalived).not.toContain("authentication");
        expect(f.keepalived).toContain("state BACKUP");
        expect(f.keepalived).not.toContain("state MASTER");
        expect(f.keepalived).toMatch(/interval \d+\n/);
      }
    }
  });

  it("the check script tests HAProxy's health endpoint and its AMQP listener, not just a process", async () => {
    const [f] = loadBalancerFiles(separate, opts());
    expect(f.keepalived).toContain(`script "${CHECK_SCRIPT} serving 8405 ${HEALTH_URI} 5672"`);
    expect(f.check).not.toMatch(/pidof|killall|\$\{ps/);
    // Run for real by bash, with the arguments Keepalived passes: a health endpoint that answers 200, then 503.
    let status = "200 OK";
    const health = net.createServer((c) => c.on("error", () => {}).once("data", () => c.end(`HTTP/1.0 ${status}\r\n\r\n`)));
    const frontend = net.createServer((c) => c.on("error", () => {}).end());
    const port = (s: net.Server) => new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as net.AddressInfo).port)));
    const [hp, fp] = [await port(health), await port(frontend)];
    const check = (...args: string[]) => new Promise<number>((r) => execFile("bash", ["-c", f.check, "check", ...args], (e) => r(e ? Number(e.code) : 0)));
    try {
      expect(await check("serving", String(hp), HEALTH_URI, String(fp))).toBe(0);
      status = "503 Service Unavailable";
      expect(await check("serving", String(hp), HEALTH_URI, String(fp))).toBe(1);
      status = "200 OK";
      frontend.close();
      expect(await check("serving", String(hp), HEALTH_URI, String(fp))).toBe(1);
    } finally {
      health.close();
      frontend.close();
    }
  });
});

/**
 * A model of VRRP's election over the generated files: each host's priority,
 * the check weights, FAULT on a failed weight-0 check, and preemption. Given
 * which checks fail, who holds the VIP?
 */
function elect(files: { host: string; keepalived: string }[], failed: Set<string>, current: string): string | null {
  const parse = (conf: string) => {
    const prio = Number(/priority (\d+)/.exec(conf)![1]);
    const weight = Number(/vrrp_script chk_haproxy \{[^}]*weight (-?\d+)/.exec(conf)![1]);
    const preempt = !/nopreempt|preempt_delay/.test(conf);
    return { prio, weight, preempt };
  };
  const live = files.map((f) => {
    const c = parse(f.keepalived);
    const bad = failed.has(f.host);
    // keepalived: a negative weight is subtracted while the script fails, a positive one added while it succeeds.
    const prio = c.prio + (c.weight > 0 ? (bad ? 0 : c.weight) : bad ? c.weight : 0);
    return { host: f.host, fault: bad && c.weight === 0, prio, preempt: c.preempt };
  }).filter((h) => !h.fault);
  if (!live.length) return null;
  const best = live.reduce((a, b) => (b.prio > a.prio ? b : a));
  const cur = live.find((h) => h.host === current);
  // Without preemption the current holder keeps the VIP while it is not in FAULT.
  if (cur && !best.preempt) return cur.host;
  return best.host;
}

describe("a failed HAProxy check on the VIP holder makes a healthy load balancer take over", () => {
  const variants = [
    { preemption: "immediate" }, { preemption: "delayed" }, { preemption: "never" },
    { preemption: "immediate", priorities: { node4: 200, node5: 20 } },
    { preemption: "immediate", priorities: { node4: 101, node5: 100 } },
  ];
  for (const v of variants) {
    it(JSON.stringify(v), () => {
      const files = loadBalancerFiles(separate, opts(v));
      const holder = elect(files, new Set(), "node5");
      expect(holder).not.toBeNull();
      const next = elect(files, new Set([holder!]), holder!);
      expect(next).not.toBe(holder);
      expect(next).not.toBeNull();
    });
  }

  it("with three load balancers too", () => {
    const three = { ...separate, loadBalancers: [...separate.loadBalancers, { name: "node6", address: "10.213.77.16" }] };
    const files = loadBalancerFiles(three, opts({ preemption: "immediate" }));
    expect(elect(files, new Set(["node4"]), "node4")).toBe("node5");
    expect(elect(files, new Set(["node4", "node5"]), "node4")).toBe("node6");
  });

  it("seed 004's numbers (weight 10, priorities 100/50) keep the VIP on a dead HAProxy: the model sees the bug", () => {
    const seed = (host: string, prio: number) => ({ host, keepalived: `vrrp_script chk_haproxy {\n    weight 10\n}\npriority ${prio}\n` });
    expect(elect([seed("a", 100), seed("b", 50)], new Set(["a"]), "a")).toBe("a");
  });
});

describe("options are refused with a message naming the field", () => {
  const problems = (c: ClusterInventory, o: Record<string, unknown>) => validateLoadBalancers(c, opts(o)).map((p) => `${p.field}: ${p.message}`);
  it("a VIP off the load balancers' network, or one of the hosts' own addresses, or the broadcast address", () => {
    expect(problems(separate, { vip: "192.168.1.10" })).toEqual(expect.arrayContaining([expect.stringMatching(/^vip: 192\.168\.1\.10\/24 is not on the network of node4 \(10\.213\.77\.14\)/)]));
    expect(problems(separate, { vip: "10.213.77.14" })).toContainEqual(expect.stringMatching(/^vip: 10\.213\.77\.14 is node4's own address/));
    expect(problems(separate, { vip: "10.213.77.255" })).toContainEqual(expect.stringMatching(/^vip: .*broadcast/));
    expect(problems(separate, { prefix: 4 })).toContainEqual(expect.stringMatching(/^prefix: /));
  });
  it("schema: bad addresses, interfaces, router ids and priorities", () => {
    expect(LoadBalancerOptions.safeParse({ ...base, vip: "10.0.0.300" }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, vip: "$(reboot)" }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, interface: "eth0; reboot" }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, routerId: 0 }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, routerId: 256 }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, routerId: "51" }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, priorities: { node4: 255 } }).success).toBe(false);
    expect(LoadBalancerOptions.safeParse({ ...base, extra: 1 }).success).toBe(false);
  });
  it("priorities: every load balancer, distinct, not too far apart", () => {
    expect(problems(separate, { priorities: { node4: 100 } })).toContainEqual("priorities: No priority for node5");
    expect(problems(separate, { priorities: { node4: 100, node5: 100 } })).toContainEqual(expect.stringMatching(/^priorities: Priorities must differ/));
    expect(problems(separate, { priorities: { node4: 250, node5: 1 }, preemption: "immediate" })).toContainEqual(expect.stringMatching(/^priorities: Priorities too far apart/));
    expect(problems(separate, { priorities: { node4: 100, node5: 90, node9: 80 } })).toContainEqual(expect.stringMatching(/^priorities: node9 is not a load balancer/));
  });
  it("VRRPv2 needs whole-second adverts; one load balancer is not enough; co-located ports", () => {
    expect(problems(separate, { vrrpVersion: 2, advertInt: 0.5 })).toContainEqual(expect.stringMatching(/^advertInt: VRRPv2 sends adverts in whole seconds/));
    expect(problems({ ...separate, loadBalancers: separate.loadBalancers.slice(0, 1) }, {})).toContainEqual(expect.stringMatching(/^loadBalancers: A VIP needs two or more load balancers/));
    expect(problems(colocated, { frontendPort: 5672 })).toContainEqual(expect.stringMatching(/^frontendPort: Port 5672 is RabbitMQ's own/));
    expect(problems(separate, { statsPort: 5672 })).toContainEqual(expect.stringMatching(/^statsPort: The frontend, stats and management ports must all differ/));
  });
  it("a valid setup has no problems, and plans install, HAProxy, Keepalived and a VIP check", () => {
    expect(problems(separate, {})).toEqual([]);
    const plan: Plan = { type: "load-balancers", phases: planLoadBalancerPhases(separate, opts()) };
    assertWellFormed(plan);
    expect(plan.phases.map((p) => p.title)).toEqual([
      "Install HAProxy and Keepalived", "HAProxy configuration, one load balancer at a time", "Keepalived and the VIP, one load balancer at a time",
      "Verify: exactly one load balancer holds 10.213.77.100",
    ]);
    const files = plan.phases.flatMap((p) => p.steps).filter((s) => s.kind === "file");
    const validator = (path: string) => files.filter((f) => f.kind === "file" && f.path === path).map((f) => f.kind === "file" && f.validate?.slice(0, 4).join(" "));
    expect(new Set(validator("/etc/haproxy/haproxy.cfg"))).toEqual(new Set([expect.stringMatching(/^sh -c .*haproxy -c -f "\$f"/s)]));
    expect(new Set(validator("/etc/keepalived/keepalived.conf"))).toEqual(new Set(["keepalived -t -f {file}"]));
    expect(JSON.stringify(plan)).not.toMatch(/statsPassword\b(?!\}\})/);
  });
});

describe("a load balancer's facts before deploy", () => {
  // `bash -s -- 2 5672 8404 < LB_FACTS_SCRIPT` on a fresh lab host (node5, Debian 12).
  const out = fs.readFileSync(path.join(__dirname, "../fixtures/lb-facts-debian12.txt"), "utf8");
  it("reads interfaces, free ports and the HAProxy versions the package source offers, newest first", async () => {
    const { parseLbFacts } = await import("@/lib/keepalived/scan");
    const f = parseLbFacts(out);
    expect(f.interfaces).toContainEqual({ name: "eth0", address: "10.213.77.15", prefix: 24 });
    expect(f.ports).toEqual([{ port: 5672, holder: null }, { port: 8404, holder: null }]);
    expect(f.haproxyVersions).toEqual(["2.6.12-1+deb12u4", "2.6.12-1+deb12u3"]);
    expect(parseLbFacts("@@haproxy\nhaproxy $(reboot)\n@@end").haproxyVersions).toEqual([]);
  });
});

describe("the VIP must be free, or already this cluster's", () => {
  // LB_FACTS_SCRIPT run over SSH on lab hosts (`bash -s -- 1 10.213.77.150 5672 8404`):
  // from node1 with nobody on .150 (free), from node1 while node3 had .150 on
  // its eth0 (taken), and on node3 itself then (local).
  const fixture = (n: string) => fs.readFileSync(path.join(__dirname, `../fixtures/lb-facts-vip-${n}.txt`), "utf8");
  const probe = fs.readFileSync(path.join(__dirname, "../fixtures/probe-debian12-root.txt"), "utf8");
  const VIP = "10.213.77.150";
  const lbs = (names: string[]) => names.map((n) => ({ name: n, address: `10.213.77.${10 + Number(n.slice(4))}` }));
  async function evaluate(facts: Record<string, string>, names: string[]) {
    const { parseLbFacts } = await import("@/lib/keepalived/scan");
    const { parseProbe } = await import("@/lib/hosts/probe");
    const { evaluateLb } = await import("@/lib/ops/lb-preflight-rules");
    const parsed = Object.fromEntries(Object.entries(facts).map(([h, out]) => [h, { probe: parseProbe(probe), lb: parseLbFacts(out) }]));
    return evaluateLb(lbs(names), parsed, { vip: VIP, prefix: 24, interface: "eth0", routerId: 51, ports: [5672, 8404] });
  }

  it("reads who answers for the VIP: nobody, another machine's hardware address, or this host", async () => {
    const { parseLbFacts } = await import("@/lib/keepalived/scan");
    expect(parseLbFacts(fixture("free")).vip).toEqual({ kind: "nobody" });
    expect(parseLbFacts(fixture("taken")).vip).toEqual({ kind: "neighbour", mac: "22:da:96:73:68:bb" });
    expect(parseLbFacts(fixture("local")).vip).toEqual({ kind: "local" });
    expect(parseLbFacts(fixture("taken")).macs).toEqual({ lo: "00:00:00:00:00:00", eth0: "16:33:37:28:f2:c7" });
  });

  it("a VIP another machine answers for fails the pre-flight, named with what answers", async () => {
    const r = await evaluate({ node1: fixture("taken"), node2: fixture("free") }, ["node1", "node2"]);
    expect(r.ok).toBe(false);
    const vip = r.findings.filter((f) => f.check === "VIP");
    expect(vip).toHaveLength(1);
    expect(vip[0]).toMatchObject({ level: "fail", host: "node1" });
    expect(vip[0].message).toContain(`${VIP} is already in use`);
    expect(vip[0].message).toContain("22:da:96:73:68:bb");
  });

  it("a VIP held by one of this cluster's load balancers (an earlier deploy) passes, as does a free one", async () => {
    const held = await evaluate({ node1: fixture("taken"), node3: fixture("local") }, ["node1", "node3"]);
    expect(held.findings.find((f) => f.check === "VIP")).toMatchObject({ level: "ok" });
    expect(held.ok).toBe(true);
    const ours = await evaluate({ node1: fixture("taken"), node3: fixture("free").replace("eth0@if28 16:33:37:28:f2:c7", "eth0@if32 22:da:96:73:68:bb") }, ["node1", "node3"]);
    expect(ours.findings.find((f) => f.check === "VIP")).toMatchObject({ level: "ok", message: expect.stringContaining("held by node3") });
    const free = await evaluate({ node1: fixture("free"), node2: fixture("free") }, ["node1", "node2"]);
    expect(free.findings.find((f) => f.check === "VIP")).toMatchObject({ level: "ok", message: `nobody answers for ${VIP} on the network` });
  });
});
