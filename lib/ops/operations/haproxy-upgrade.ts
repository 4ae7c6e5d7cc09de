// A rolling upgrade of HAProxy on the load balancers: one at a time, the
// VIP's holder last; a host holding the VIP hands it over first (Keepalived
// stopped there, the other takes it), is upgraded while it serves no client,
// then rejoins as a backup. The VIP stays on exactly one host throughout.
import { z } from "zod";
import { AMQP_BACKEND } from "@/lib/haproxy/config";
import { HAPROXY_RESTART, HAPROXY_SAVE_STATE, HAPROXY_VERIFY } from "@/lib/haproxy/scripts";
import { HOLDS_ADDRESS, KEEPALIVED_VERIFY, LACKS_ADDRESS, READY_TO_TAKE_OVER, RUNS_AT_PRIORITY, VIP_AWAY } from "@/lib/keepalived/scripts";
import { sh } from "@/lib/shell";
import { gatherClusterFacts, nodeState, type ClusterFacts } from "../cluster-facts";
import { defineOperation, PlanError, type ClusterInventory, type Reader, requireSpec } from "../operation";
import { planPlatforms } from "../platforms";
import type { Phase, Plan, Step } from "../plan";
import { haproxyOptions, keepalivedConfStep } from "./load-balancers";
import { loadBalancersWork } from "../outages";

export const HaproxyUpgradeParams = z.strictObject({
  haproxyVersion: z.string().regex(/^[A-Za-z0-9.+:~-]{1,64}$/, "A package version, e.g. 2.6.12-1+deb12u4").meta({ description: "HAProxy to this version", "x-warren": "offered-haproxy" }),
});

/** The taker's priority for the handover: above any holder's, so its skew after a priority-0 advert is under 1% of advert_int. */
const TAKEOVER_PRIORITY = 254;

export function planHaproxyUpgrade(c: ClusterInventory, p: z.infer<typeof HaproxyUpgradeParams>, f: ClusterFacts, vipHolder: string | null): Plan {
  const o = c.spec?.loadBalancers;
  if (!o) throw new PlanError("The load balancers are not configured yet: deploy them first");
  if (c.loadBalancers.length < 2) throw new PlanError("A rolling upgrade needs two or more load balancers (the VIP moves to another while one is upgraded)");
  const platforms = planPlatforms(c.loadBalancers);
  const why: string[] = [];
  const work: string[] = [];
  for (const lb of c.loadBalancers) {
    const s = nodeState(f, lb.name);
    if (!s) { why.push(`${lb.name} cannot be reached`); continue; }
    const cur = s.installed.haproxy;
    if (!(s.offered.haproxy ?? []).includes(p.haproxyVersion)) why.push(`${lb.name}'s package source does not offer haproxy ${p.haproxyVersion}${s.offered.haproxy?.length ? ` (it offers ${s.offered.haproxy.join(", ")})` : ""}`);
    if (cur && platforms.of(lb.name).compareVersions(p.haproxyVersion, cur) < 0) why.push(`${lb.name} runs haproxy ${cur}, newer than ${p.haproxyVersion}: no downgrades here`);
    if (cur !== p.haproxyVersion) work.push(lb.name);
  }
  if (!vipHolder) why.push(`no load balancer holds the VIP ${o.vip} now: fix that before upgrading`);
  if (why.length) throw new PlanError(`The HAProxy upgrade cannot start:\n- ${why.join("\n- ")}`);
  if (!work.length) throw new PlanError(`every load balancer already runs haproxy ${p.haproxyVersion}`);
  // The VIP's holder last: it moves once.
  const ordered = [...work.filter((h) => h !== vipHolder), ...work.filter((h) => h === vipHolder)];
  const lbs = c.loadBalancers.map((l) => l.name);
  const ho = haproxyOptions(c, o);
  const ports = [ho.frontendPort, ho.stats.port, ho.healthPort, ...(ho.managementPort ? [ho.managementPort] : [])].map(String);
  const want = { name: "haproxy", version: p.haproxyVersion };
  const phases: Phase[] = ordered.map((h): Phase => {
    const taker = lbs.find((x) => x !== h)!;
    // Only where the VIP moves: the taker at priority 254 for the handover (VRRP's skew after a
    // priority-0 advert shrinks from ~60% of advert_int to under 1%), back to its own afterwards.
    const handover = h === vipHolder;
    return {
    title: `${h}: haproxy ${nodeState(f, h)!.installed.haproxy ?? "?"} → ${p.haproxyVersion}`,
    inOrder: true,
    subject: h,
    // h restarts and may hand the VIP over; the taker's Keepalived reloads with another priority.
    expectedOutage: loadBalancersWork(lbs),
    steps: [
      { kind: "gate", key: `standby:${h}`, title: `${taker} is ready to take the VIP over (Keepalived BACKUP, HAProxy running)`, host: taker,
        argv: sh(READY_TO_TAKE_OVER, "ready"), waitingFor: "another load balancer ready to take the VIP over", intervalMs: 500, timeoutMs: 60_000 },
      ...(handover ? [
        keepalivedConfStep(c, o, taker, `takeover-priority:${taker}`, TAKEOVER_PRIORITY),
        { kind: "gate", key: `takeover-live:${taker}`, title: `${taker}'s Keepalived runs at priority ${TAKEOVER_PRIORITY} (its reload is over: it hears the holder's last advert)`, host: taker,
          argv: sh(RUNS_AT_PRIORITY, "priority", String(TAKEOVER_PRIORITY)), waitingFor: "the reload with the handover priority to finish", intervalMs: 200, timeoutMs: 30_000 } satisfies Step,
      ] : []),
      { kind: "command", key: `vip-away:${h}`, title: "If it holds the VIP: stop Keepalived here so the other load balancer takes it", host: h,
        argv: sh(VIP_AWAY, "vip-away", o.vip, String(ho.frontendPort)), check: sh(LACKS_ADDRESS, "not-holder", o.vip),
        destructive: "moves the VIP to another load balancer: clients connected through this one reconnect (once)" },
      { kind: "gate", key: `vip-moved:${h}`, title: "Exactly one other load balancer holds the VIP", host: lbs.find((x) => x !== h)!,
        argv: sh(HOLDS_ADDRESS, "holds", o.vip), waitingFor: `the VIP on another load balancer than ${h}`, intervalMs: 200, timeoutMs: 30_000,
        across: { hosts: lbs, expect: "exactly-one", what: `the VIP ${o.vip}`, not: h } },
      { kind: "command", key: `save-state:${h}`, title: "Save the servers' runtime states (the restarts below load them)", host: h, argv: sh(HAPROXY_SAVE_STATE, "save") },
      { kind: "command", key: `upgrade:${h}`, title: `Install haproxy ${p.haproxyVersion}`, host: h, argv: platforms.of(h).install([want]),
        check: platforms.of(h).installedExactly([want]), timeoutMs: 10 * 60_000 },
      { kind: "command", key: `restart:${h}`, title: "Restart HAProxy on the new version, configuration checked first", host: h,
        argv: sh(HAPROXY_RESTART, "restart", platforms.of(h).paths.haproxyConfig) },
      { kind: "command", key: `serving:${h}`, title: "HAProxy serves every backend server again", host: h, readOnly: true,
        argv: sh(HAPROXY_VERIFY, "verify", AMQP_BACKEND, ...ports, "--", ...c.nodes.map((n) => n.name)) },
      { kind: "command", key: `keepalived:${h}`, title: "Keepalived runs again (as a backup: the VIP stays where it is)", host: h,
        argv: sh(KEEPALIVED_VERIFY, "keepalived", "--start"), check: ["systemctl", "is-active", "--quiet", "keepalived"] },
      ...(handover ? [keepalivedConfStep(c, o, taker, `own-priority:${taker}`)] : []),
      { kind: "gate", key: `one-holder:${h}`, title: "Exactly one load balancer holds the VIP", host: h,
        argv: sh(HOLDS_ADDRESS, "holds", o.vip), waitingFor: "exactly one holder of the VIP", intervalMs: 500, timeoutMs: 30_000,
        across: { hosts: lbs, expect: "exactly-one", what: `the VIP ${o.vip}` } },
    ],
  };
  });
  return { type: "haproxy-upgrade", phases, ...(platforms.warnings.length ? { warnings: platforms.warnings } : {}) };
}

/** Which load balancer holds the VIP now (read-only, at planning time; the run checks again). */
async function vipHolderNow(c: ClusterInventory, read: Reader): Promise<string | null> {
  const o = c.spec?.loadBalancers;
  if (!o) return null;
  for (const lb of c.loadBalancers) {
    const r = await read(lb.name, sh(HOLDS_ADDRESS, "holds", o.vip));
    if (!("error" in r) && r.exitCode === 0) return lb.name;
  }
  return null;
}

export const haproxyUpgradeOperation = defineOperation({
  type: "haproxy-upgrade",
  title: "Rolling upgrade of HAProxy",
  description: "Upgrades HAProxy on one load balancer at a time, the VIP's holder last: a holder hands the VIP over first (Keepalived stopped there), is upgraded and restarted while it serves no client, and rejoins as a backup. Exactly one load balancer holds the VIP throughout.",
  role: "operator",
  params: HaproxyUpgradeParams,
  secrets: [],
  ui: "upgrade",
  gather: async (c, _p, read) => ({ facts: await gatherClusterFacts(c, read, { hosts: c.loadBalancers.map((l) => l.name) }), holder: await vipHolderNow(c, read) }),
  plan: (c, p, g) => planHaproxyUpgrade(c, p, g.facts, g.holder),
  nextSpec: (c, p) => ({ ...requireSpec(c), loadBalancers: { ...requireSpec(c).loadBalancers!, haproxyVersion: p.haproxyVersion } }),
});
