// Load balancers and the VIP: HAProxy in front of the nodes on two or more
// hosts, Keepalived floating one virtual IP between them. Options, their
// rules, and the plan that deploys them through file steps (validate on the
// host, atomic swap, reload, verify, roll back).
import { isIPv4 } from "node:net";
import type { PackageWant } from "@/lib/hosts/platform";
import { LoadBalancerOptions, specMembers } from "@/lib/inventory/spec";
import { checkTimings, markedDownWithinMs } from "@/lib/haproxy/checks";
import { AMQP_BACKEND, haproxyConfig, HEALTH_URI, RESTART_DROPIN, RESTART_POLICY, type BackendNode, type HaproxyOptions } from "@/lib/haproxy/config";
import { HAPROXY_APPLY, HAPROXY_VALIDATE, HAPROXY_VERIFY } from "@/lib/haproxy/scripts";
import { CHECK_HAPROXY, CHECK_SCRIPT, defaultPriorities, keepalivedConfig, NOTIFY, NOTIFY_SCRIPT, type LbHost, type VrrpOptions } from "@/lib/keepalived/config";
import { HOLDS_ADDRESS, KEEPALIVED_APPLY, KEEPALIVED_VERIFY } from "@/lib/keepalived/scripts";
import { sh } from "@/lib/shell";
import { defineOperation, PlanError, type ClusterInventory, requireSpec } from "../operation";
import { planPlatforms } from "../platforms";
import type { Phase, Plan, Step } from "../plan";
import { loadBalancersWork } from "../outages";

/** What the load balancers' planning needs of a cluster. */
type LbCluster = Pick<ClusterInventory, "name" | "nodes" | "loadBalancers">;

// The options are the load-balancer part of the cluster spec (lib/inventory/spec).
export { LoadBalancerOptions } from "@/lib/inventory/spec";

/** Ports RabbitMQ uses on a node: a load balancer on the same host must avoid them. */
const RABBITMQ_PORTS = [4369, 5671, 5672, 15672, 15692, 25672];
const HEALTH_PORT = 8405;

const ipNum = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const sameNet = (a: string, b: string, prefix: number) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return ((ipNum(a) & mask) >>> 0) === ((ipNum(b) & mask) >>> 0);
};

/** Co-located load balancers share hosts with RabbitMQ nodes, whose 5672 is taken (seed 004). */
export function colocated(c: LbCluster): boolean {
  return c.loadBalancers.some((lb) => c.nodes.some((n) => n.name === lb.name));
}

export function frontendPort(c: LbCluster, o: LoadBalancerOptions): number {
  return o.frontendPort ?? (colocated(c) ? 5670 : 5672);
}

export function priorities(c: LbCluster, o: LoadBalancerOptions): Record<string, number> {
  const names = c.loadBalancers.map((l) => l.name);
  return o.priorities ?? defaultPriorities(names, o.master ?? names[0]);
}

/** Everything wrong with these options for this cluster, each with the field it is about. */
export function validateLoadBalancers(c: LbCluster, o: LoadBalancerOptions): { field: string; message: string }[] {
  const p: { field: string; message: string }[] = [];
  const lbs = c.loadBalancers;
  if (lbs.length < 2) p.push({ field: "loadBalancers", message: `A VIP needs two or more load balancers to move between; this cluster has ${lbs.length}. Give more hosts the load-balancer role.` });
  if (c.nodes.length === 0) p.push({ field: "nodes", message: "There are no RabbitMQ nodes to balance" });
  const members = [...c.nodes, ...lbs];
  const clash = members.find((m) => m.address === o.vip);
  if (clash) p.push({ field: "vip", message: `${o.vip} is ${clash.name}'s own address; the VIP must be an unused address` });
  for (const lb of lbs) {
    if (isIPv4(lb.address) && !sameNet(lb.address, o.vip, o.prefix))
      p.push({ field: "vip", message: `${o.vip}/${o.prefix} is not on the network of ${lb.name} (${lb.address}); the VIP must be reachable on the chosen interface of every load balancer` });
  }
  if (o.prefix < 8) p.push({ field: "prefix", message: `/${o.prefix} is wider than any LAN; use the prefix of the load balancers' network (e.g. 24)` });
  const vipNum = ipNum(o.vip);
  if (o.prefix <= 30) {
    const mask = (0xffffffff << (32 - o.prefix)) >>> 0;
    const host = (vipNum & ~mask) >>> 0;
    if (host === 0 || host === (~mask >>> 0))
      p.push({ field: "vip", message: `${o.vip} is the network or broadcast address of ${o.vip}/${o.prefix}` });
  }
  if (o.master && !lbs.some((l) => l.name === o.master)) p.push({ field: "master", message: `${o.master} is not a load balancer of ${c.name}` });
  if (o.vrrpVersion === 2 && !Number.isInteger(o.advertInt))
    p.push({ field: "advertInt", message: "VRRPv2 sends adverts in whole seconds; choose VRRPv3 for sub-second failover, or a whole number" });
  if (o.vrrpVersion === 3 && Math.abs(o.advertInt * 100 - Math.round(o.advertInt * 100)) > 1e-9)
    p.push({ field: "advertInt", message: "VRRPv3 adverts are in steps of 0.01 s" });
  if (o.priorities) {
    const names = lbs.map((l) => l.name);
    const missing = names.filter((n) => !(n in o.priorities!));
    const extra = Object.keys(o.priorities).filter((n) => !names.includes(n));
    if (missing.length) p.push({ field: "priorities", message: `No priority for ${missing.join(", ")}` });
    if (extra.length) p.push({ field: "priorities", message: `${extra.join(", ")} ${extra.length === 1 ? "is" : "are"} not a load balancer of ${c.name}` });
    const values = Object.values(o.priorities);
    if (new Set(values).size !== values.length) p.push({ field: "priorities", message: "Priorities must differ, so one load balancer is clearly preferred" });
    if (o.preemption === "immediate" && Math.max(...values) - Math.min(...values) + 10 > 253)
      p.push({ field: "priorities", message: "Priorities too far apart: a failed check must be able to lower the master below every backup (at most 243 apart)" });
  }
  const fp = frontendPort(c, o);
  const ports = [["frontendPort", fp], ["statsPort", o.statsPort], ["managementPort", o.managementPort]] as const;
  const onNodes = lbs.some((lb) => c.nodes.some((n) => n.name === lb.name));
  for (const [field, v] of ports) {
    if (!v) continue;
    if (onNodes && RABBITMQ_PORTS.includes(v)) p.push({ field, message: `Port ${v} is RabbitMQ's own on the nodes that are also load balancers; choose another (e.g. ${field === "frontendPort" ? 5670 : field === "statsPort" ? 8404 : 15673})` });
    if (v === HEALTH_PORT) p.push({ field, message: `Port ${HEALTH_PORT} is HAProxy's health endpoint for Keepalived` });
    if (v === 22) p.push({ field, message: "Port 22 is SSH" });
  }
  const used = ports.map(([, v]) => v).filter(Boolean);
  if (new Set(used).size !== used.length) p.push({ field: "statsPort", message: "The frontend, stats and management ports must all differ" });
  if (markedDownWithinMs(o) > 30_000) p.push({ field: "checkInterMs", message: "A node would take over 30 s to be marked down; use a shorter interval or fewer failed checks" });
  return p;
}

export function haproxyOptions(c: LbCluster, o: LoadBalancerOptions): HaproxyOptions {
  return {
    frontendPort: frontendPort(c, o), balance: o.balance,
    check: checkTimings(o),
    shutdownSessions: o.shutdownSessions, timeoutSeconds: o.timeoutSeconds,
    stats: { port: o.statsPort, uri: o.statsUri, user: o.statsUser }, healthPort: HEALTH_PORT, managementPort: o.managementPort,
  };
}

function vrrpOptions(c: LbCluster, o: LoadBalancerOptions): VrrpOptions {
  return {
    vip: o.vip, prefix: o.prefix, interface: o.interface, routerId: o.routerId, version: o.vrrpVersion, advertInt: o.advertInt, unicast: o.unicast, preemption: o.preemption, preemptDelay: o.preemptDelay,
    haproxy: { healthPort: HEALTH_PORT, healthUri: HEALTH_URI, frontendPort: frontendPort(c, o) },
  };
}

/** The generated files for each load balancer (pure; golden-file tested). */
export function loadBalancerFiles(c: LbCluster, o: LoadBalancerOptions) {
  const prio = priorities(c, o);
  const hosts: LbHost[] = c.loadBalancers.map((l) => ({ ...l, priority: prio[l.name] }));
  const haproxy = haproxyConfig(haproxyOptions(c, o), c.nodes, c.name);
  return hosts.map((h) => ({
    host: h.name,
    haproxy,
    check: CHECK_HAPROXY,
    notify: NOTIFY,
    keepalived: keepalivedConfig(vrrpOptions(c, o), h, hosts, c.name),
  }));
}

/**
 * keepalived.conf for one load balancer, validated on the host and applied
 * by a reload (the VIP stays where it is). `priority` overrides the planned
 * one: during a handover the taker runs at 254 for a moment, so that it
 * takes the VIP over at once instead of after VRRP's skew time.
 */
export function keepalivedConfStep(c: LbCluster, o: LoadBalancerOptions, host: string, key: string, priority?: number): Step {
  const prio = priorities(c, o);
  const hosts: LbHost[] = c.loadBalancers.map((l) => ({ ...l, priority: prio[l.name] }));
  const self = { ...hosts.find((h) => h.name === host)!, ...(priority ? { priority } : {}) };
  return {
    kind: "file", key, title: `keepalived.conf (VRRP ${o.vrrpVersion}, router id ${o.routerId}, priority ${self.priority}${priority ? " for the handover" : ""})`, host,
    path: planPlatforms(c.loadBalancers).of(host).paths.keepalivedConfig, content: keepalivedConfig(vrrpOptions(c, o), self, hosts, c.name), mode: "0640", owner: "root:root",
    validate: ["keepalived", "-t", "-f", "{file}"], then: sh(KEEPALIVED_APPLY, "apply"), verify: sh(KEEPALIVED_VERIFY, "verify"),
  };
}

/**
 * haproxy.cfg on every load balancer, one at a time: used on its own when the
 * nodes change. `as`: other backend servers than the cluster's nodes (a
 * migration's bridge: both clusters' nodes, one side disabled), with step
 * keys and a title of their own.
 */
export function haproxyPhase(c: LbCluster, o: LoadBalancerOptions, as?: { backends: BackendNode[]; key: string; title: string }): Phase {
  const ho = haproxyOptions(c, o);
  const backends = as?.backends ?? c.nodes;
  const cfg = haproxyConfig(ho, backends, c.name);
  const ports = [ho.frontendPort, ho.stats.port, ho.healthPort, ...(ho.managementPort ? [ho.managementPort] : [])].map(String);
  const platforms = planPlatforms(c.loadBalancers);
  return {
    title: as?.title ?? "HAProxy configuration, one load balancer at a time",
    oneHostAtATime: true,
    steps: c.loadBalancers.map((lb): Step => ({
      kind: "file", key: `${as?.key ?? "haproxy-cfg"}:${lb.name}`, host: lb.name,
      title: `haproxy.cfg with ${backends.map((n) => `${n.name}${"disabled" in n && n.disabled ? " (in maintenance)" : ""}`).join(", ")}`,
      path: platforms.of(lb.name).paths.haproxyConfig, content: cfg, mode: "0640", owner: "root:haproxy",
      validate: sh(HAPROXY_VALIDATE, "validate", "{file}", ...ports),
      then: sh(HAPROXY_APPLY, "apply"),
      verify: sh(HAPROXY_VERIFY, "verify", AMQP_BACKEND, ...ports, "--", ...backends.map((n) => n.name)),
    })),
  };
}

export function planLoadBalancerPhases(c: LbCluster, o: LoadBalancerOptions): Phase[] {
  const problems = validateLoadBalancers(c, o);
  if (problems.length) throw new PlanError(problems.map((x) => x.message).join("; "));
  const files = loadBalancerFiles(c, o);
  const pkgs: PackageWant[] = [{ name: "haproxy", version: o.haproxyVersion }, { name: "keepalived" }, { name: "socat" }];
  const lbs = c.loadBalancers.map((l) => l.name);
  const platforms = planPlatforms(c.loadBalancers);
  // Installing and reloading HAProxy and Keepalived may restart them and move the VIP: Warren's own work.
  const held = loadBalancersWork(lbs);
  return [
    {
      title: "Install HAProxy and Keepalived",
      expectedOutage: held,
      steps: lbs.flatMap((h): Step[] => [
        { kind: "command", key: `lb-install:${h}`, title: `Install ${pkgs.map((p) => p.version ? `${p.name} ${p.version}` : p.name).join(", ")}`, host: h,
          argv: platforms.of(h).install(pkgs), check: platforms.of(h).installedAtLeast(pkgs), timeoutMs: 15 * 60_000 },
        { kind: "file", key: `haproxy-restart:${h}`, title: "HAProxy restarts after a crash only once the VIP has moved (systemd RestartSec)", host: h,
          path: RESTART_DROPIN, content: RESTART_POLICY, mode: "0644", owner: "root:root", then: ["systemctl", "daemon-reload"] },
      ]),
    },
    { ...haproxyPhase(c, o), expectedOutage: held },
    {
      title: "Keepalived and the VIP, one load balancer at a time",
      oneHostAtATime: true,
      expectedOutage: held,
      steps: files.flatMap((f): Step[] => {
        const group = `keepalived:${f.host}`;
        return [
          { kind: "file", key: `keepalived-check:${f.host}`, title: "Keepalived's HAProxy check script", host: f.host, group,
            path: CHECK_SCRIPT, content: f.check, mode: "0755", owner: "root:root", validate: ["bash", "-n", "{file}"] },
          { kind: "file", key: `keepalived-notify:${f.host}`, title: "Keepalived's state notification script", host: f.host, group,
            path: NOTIFY_SCRIPT, content: f.notify, mode: "0755", owner: "root:root", validate: ["sh", "-n", "{file}"] },
          { ...keepalivedConfStep(c, o, f.host, `keepalived-conf:${f.host}`), group },
        ];
      }),
    },
    {
      title: `Verify: exactly one load balancer holds ${o.vip}`,
      expectedOutage: held,
      steps: [{
        kind: "gate", key: "vip-owner", title: `Exactly one of ${lbs.join(", ")} holds the VIP`, host: lbs[0],
        argv: sh(HOLDS_ADDRESS, "holds", o.vip), waitingFor: `exactly one holder of ${o.vip}`, intervalMs: 500, timeoutMs: 30_000,
        across: { hosts: lbs, expect: "exactly-one", what: `the VIP ${o.vip}` },
      }],
    },
  ];
}

export const loadBalancersOperation = defineOperation({
  type: "load-balancers",
  title: "Configure load balancers and the VIP",
  description: "Install HAProxy and Keepalived on the cluster's load balancers, deploy their configurations (validated on each host, swapped atomically, reloaded without dropping connections, verified, rolled back on failure), and check that exactly one holds the VIP.",
  role: "operator",
  params: LoadBalancerOptions,
  secrets: ["statsPassword", "vrrpPassword"],
  ui: "wizard",
  plan: (c, o): Plan => {
    if (!c.spec) throw new PlanError(`${c.name} is not set up yet: its setup configures the load balancers too (the wizard's load-balancer step)`);
    const phases = planLoadBalancerPhases(c, o);
    const { warnings } = planPlatforms(c.loadBalancers);
    return { type: "load-balancers", phases, ...(warnings.length ? { warnings } : {}) };
  },
  nextSpec: (c, o) => ({ ...requireSpec(c), loadBalancers: o, members: specMembers(c) }),
});
