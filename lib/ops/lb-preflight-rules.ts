// Load-balancer pre-flight, the pure part: what the facts of each load
// balancer mean for the chosen options, and what to offer in the wizard.
import { platformFinding, type Finding } from "@/lib/hosts/facts";
import type { ProbeFacts } from "@/lib/hosts/probe";
import type { LbFacts } from "@/lib/keepalived/scan";

export interface LbHostFacts { probe: ProbeFacts; lb: LbFacts }
export interface LbPreflight {
  ok: boolean;
  findings: Finding[];
  /** Interfaces every load balancer has, with each one's network, to offer as the VIP's interface. */
  interfaces: { name: string; networks: string[] }[];
  usedRouterIds: number[];
  suggestedRouterId: number;
  /** HAProxy versions every load balancer's package source offers, newest first. */
  haproxyVersions: string[];
}

const ipNum = (a: string) => a.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const network = (address: string, prefix: number) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  const n = (ipNum(address) & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".")}/${prefix}`;
};
const inNet = (vip: string, address: string, prefix: number) => network(vip, prefix) === network(address, prefix);

export function evaluateLb(
  lbs: { name: string; address: string }[],
  facts: Record<string, LbHostFacts | { error: string }>,
  o: { vip?: string; prefix?: number; interface?: string; routerId?: number; ports: number[] },
): LbPreflight {
  const f: Finding[] = [];
  const ours = new Set(lbs.map((l) => l.address));
  const heard = new Map<number, Set<string>>();
  const ifaceSets: Map<string, string[]>[] = [];
  for (const lb of lbs) {
    const x = facts[lb.name];
    if (!x || "error" in x) {
      f.push({ host: lb.name, check: "SSH", level: "fail", message: `cannot reach ${lb.name}: ${x ? x.error : "no answer"}`, fix: "Check the host, its address and SSH credentials (Test connection on its page)." });
      continue;
    }
    f.push({ host: lb.name, check: "SSH", level: "ok", message: `connected; ${x.probe.os.prettyName ?? "unknown OS"}` });
    if (x.probe.sudo === "no") f.push({ host: lb.name, check: "privileges", level: "fail", message: "the SSH user is not root and has no passwordless sudo", fix: "Log in as root, or allow passwordless sudo." });
    f.push(platformFinding(lb.name, x.probe));
    if (!x.probe.systemd) f.push({ host: lb.name, check: "systemd", level: "fail", message: "systemd is not running", fix: "Warren manages haproxy and keepalived as systemd services." });
    const ifs = new Map<string, string[]>();
    for (const i of x.lb.interfaces) if (i.name !== "lo") ifs.set(i.name, [...(ifs.get(i.name) ?? []), network(i.address, i.prefix)]);
    ifaceSets.push(ifs);
    for (const v of x.lb.vrrp) if (!ours.has(v.from)) heard.set(v.routerId, new Set([...(heard.get(v.routerId) ?? []), v.from]));
    if (o.interface) {
      const mine = x.lb.interfaces.filter((i) => i.name === o.interface);
      if (!mine.length) f.push({ host: lb.name, check: "interface", level: "fail", message: `${lb.name} has no interface ${o.interface} with an IPv4 address (it has ${x.lb.interfaces.filter((i) => i.name !== "lo").map((i) => i.name).join(", ") || "none"})`, fix: "Choose an interface every load balancer has." });
      else if (o.vip && o.prefix && !mine.some((i) => inNet(o.vip!, i.address, o.prefix!)))
        f.push({ host: lb.name, check: "interface", level: "fail", message: `${o.vip}/${o.prefix} is not on ${lb.name}'s ${o.interface} network (${mine.map((i) => `${i.address}/${i.prefix}`).join(", ")})`, fix: "Use a free address of that network as the VIP." });
      else f.push({ host: lb.name, check: "interface", level: "ok", message: `${o.interface}: ${mine.map((i) => `${i.address}/${i.prefix}`).join(", ")}` });
    }
    for (const p of x.lb.ports) {
      if (!o.ports.includes(p.port)) continue;
      if (p.holder && !p.holder.includes('"haproxy"')) f.push({ host: lb.name, check: "ports", level: "fail", message: `port ${p.port} is already used by ${p.holder}: HAProxy could not listen there`, fix: "Choose another port, or stop that program." });
    }
  }
  if (o.vip) f.push(...vipFindings(lbs, facts, o.vip));
  const used = [...heard.keys()].sort((a, b) => a - b);
  if (o.routerId && heard.has(o.routerId))
    f.push({ host: lbs[0]?.name ?? "", check: "router id", level: "fail", message: `virtual_router_id ${o.routerId} is already advertised on this network by ${[...heard.get(o.routerId)!].join(", ")}: two VRRP groups with one id fight over their addresses`, fix: `Choose an unused id, e.g. ${suggest(used)}.` });
  else if (o.routerId) f.push({ host: lbs[0]?.name ?? "", check: "router id", level: "ok", message: `virtual_router_id ${o.routerId} is not advertised by anyone else${used.length ? ` (in use: ${used.join(", ")})` : ""}` });
  const names = ifaceSets.length ? [...ifaceSets[0].keys()].filter((n) => ifaceSets.every((s) => s.has(n))) : [];
  return {
    ok: !f.some((x) => x.level === "fail"),
    findings: f,
    interfaces: names.map((n) => ({ name: n, networks: [...new Set(ifaceSets.flatMap((s) => s.get(n) ?? []))] })),
    usedRouterIds: used,
    suggestedRouterId: suggest(used),
    haproxyVersions: commonVersions(Object.values(facts).flatMap((x) => ("error" in x ? [] : [x.lb.haproxyVersions]))),
  };
}

function suggest(used: number[]): number {
  for (let i = 51; i <= 255; i++) if (!used.includes(i)) return i;
  for (let i = 1; i < 51; i++) if (!used.includes(i)) return i;
  return 1;
}

function commonVersions(lists: string[][]): string[] {
  if (!lists.length) return [];
  return lists[0].filter((v) => lists.every((l) => l.includes(v)));
}

/**
 * The VIP must be free, or already this cluster's (Keepalived from an earlier
 * setup holds it on one of these load balancers). An address another machine
 * answers for would be fought over: clients would reach either host.
 */
function vipFindings(lbs: { name: string; address: string }[], facts: Record<string, LbHostFacts | { error: string }>, vip: string): Finding[] {
  const ok = lbs.flatMap((l) => { const x = facts[l.name]; return x && !("error" in x) ? [{ name: l.name, lb: x.lb }] : []; });
  if (!ok.length) return [];
  const holderOf = (mac: string) => ok.find((l) => Object.values(l.lb.macs).includes(mac))?.name;
  const local = ok.find((l) => l.lb.vip.kind === "local");
  if (local) return [{ host: local.name, check: "VIP", level: "ok", message: `${vip} is on ${local.name} already (this cluster's Keepalived from an earlier deploy)` }];
  for (const l of ok) {
    const v = l.lb.vip;
    if (v.kind !== "neighbour") continue;
    const ours = holderOf(v.mac);
    if (ours) return [{ host: l.name, check: "VIP", level: "ok", message: `${vip} is held by ${ours}, a load balancer of this cluster` }];
    return [{ host: l.name, check: "VIP", level: "fail", message: `${vip} is already in use on the network: a machine with hardware address ${v.mac} answers for it, and it is none of the load balancers`, fix: "Choose an unused address as the VIP, or free this one first." }];
  }
  if (ok.every((l) => l.lb.vip.kind === "not-asked")) return [];
  return [{ host: ok[0].name, check: "VIP", level: "ok", message: `nobody answers for ${vip} on the network` }];
}
