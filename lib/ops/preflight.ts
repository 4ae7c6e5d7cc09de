import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { sshTarget, withFreshConnections } from "@/lib/inventory/hosts";
import { isSshError } from "@/lib/ssh";
import { commonVersions, evaluate, factsArgv, parseFacts, type Finding, type NodeFacts, type PackageVersions } from "@/lib/hosts/facts";
import { detectPlatform, platformById, type Platform } from "@/lib/hosts/platform";
import { z } from "zod";
import { clusterInventory } from "@/lib/inventory/clusters";
import { parseProbe, type ProbeFacts } from "@/lib/hosts/probe";
import { lbFactsArgv, parseLbFacts } from "@/lib/keepalived/scan";
import { SetupOptions } from "./operations/setup";
import { evaluateLb, type LbHostFacts, type LbPreflight } from "./lb-preflight-rules";
import { OperationError } from "./service";
import { platformForReading } from "./platforms";
import { MemberRole } from "@/lib/vocabulary";

export interface PreflightReport { at: string; ok: boolean; findings: Finding[]; versions: PackageVersions }

/** Read-only checks on every node, in parallel. */
export async function runPreflight(clusterId: string, params: unknown, who: Principal): Promise<PreflightReport> {
  const options = SetupOptions.parse(params);
  const c = await db().cluster.findUnique({ where: { id: clusterId }, include: { members: { include: { host: true } } } });
  if (!c) throw new OperationError("not-found", "no such cluster");
  const nodes = c.members.filter((m) => m.role === "rabbitmq").map((m) => ({ id: m.host.id, name: m.host.name, address: m.host.address, seed: m.isSeed, platform: m.host.platform }));
  const facts: Record<string, NodeFacts | { error: string }> = {};
  // The load balancers' checks too (VIP, router id, ports): a router id another
  // VRRP group already uses leaves the VIP on no host, so it must stop setup here.
  const lb = options.loadBalancers;
  const lbReport = lb && c.members.some((m) => m.role === MemberRole.loadbalancer)
    ? runLbPreflight(clusterId, { vip: lb.vip, prefix: lb.prefix, interface: lb.interface, routerId: lb.routerId, frontendPort: lb.frontendPort, statsPort: lb.statsPort }, who)
    : Promise.resolve(null);
  // Fresh connections: pre-flight must see the network as it is now, not a pooled socket.
  await withFreshConnections((pool) => Promise.all(nodes.map(async (n) => {
    try {
      const peers = nodes.filter((p) => p.name !== n.name).map((p) => `${p.name}=${p.address}`);
      const target = await sshTarget(n.id);
      facts[n.name] = await readAsItsPlatform(n, (pf) => factsArgv(pf, peers), async (argv) => {
        const out = parseFacts((await pool.run(target, argv, { timeoutMs: 45_000 })).stdout);
        return { facts: out, probe: out.probe };
      });
    } catch (e) {
      facts[n.name] = { error: isSshError(e) ? e.message : `could not read the host's facts (${e instanceof Error ? e.message : String(e)})` };
    }
  })));
  const findings = [...evaluate(nodes, facts, { manageHostsFile: options.manageHostsFile, now: Date.now() }), ...((await lbReport)?.findings ?? [])];
  const ok = !findings.some((f) => f.level === "fail");
  await audit(who, "operation.preflight", { type: "cluster", id: clusterId, name: c.name }, ok ? "passed" : `${findings.filter((f) => f.level === "fail").length} failure(s)`);
  return { at: new Date().toISOString(), ok, findings, versions: commonVersions(facts) };
}

/**
 * Read-only checks of the load balancers: SSH, privileges, interfaces (offered
 * as the VIP's), VRRP routers already on the network (listened to for a few
 * seconds), ports HAProxy needs.
 */
export async function runLbPreflight(clusterId: string, params: unknown, who: Principal): Promise<LbPreflight> {
  const o = LbPreflightParams.parse(params ?? {});
  const c = await clusterInventory(clusterId);
  if (!c) throw new OperationError("not-found", "no such cluster");
  const hosts = await db().host.findMany({ where: { name: { in: c.loadBalancers.map((l) => l.name) } }, select: { id: true, name: true, platform: true } });
  const ports = [o.frontendPort ?? (c.loadBalancers.some((l) => c.nodes.some((n) => n.name === l.name)) ? 5670 : 5672), o.statsPort ?? 8404];
  const facts: Record<string, LbHostFacts | { error: string }> = {};
  await withFreshConnections((pool) => Promise.all(hosts.map(async (h) => {
    try {
      const target = await sshTarget(h.id);
      facts[h.name] = await readAsItsPlatform(h, (pf) => lbFactsArgv(pf, 3, o.vip ?? "-", ports), async (argv) => {
        const r = await pool.run(target, argv, { timeoutMs: 45_000 });
        const probe = parseProbe(r.stdout);
        return { facts: { probe, lb: parseLbFacts(r.stdout) }, probe };
      });
    } catch (e) {
      facts[h.name] = { error: isSshError(e) ? e.message : `could not read the host's facts (${e instanceof Error ? e.message : String(e)})` };
    }
  })));
  const report = evaluateLb(c.loadBalancers, facts, { ...o, ports });
  await audit(who, "operation.lb-preflight", { type: "cluster", id: clusterId, name: c.name }, report.ok ? "passed" : `${report.findings.filter((f) => f.level === "fail").length} failure(s)`);
  return report;
}

/**
 * Runs a facts command for the host's recorded platform (the default when
 * never probed), and again for the platform the probe part found when that
 * one's command differs; records the platform found on the host, where
 * planners read it (the value stays even when Warren does not support it, so
 * that plans refuse the host as this pre-flight fails it).
 */
async function readAsItsPlatform<T>(
  h: { id: string; platform: string | null },
  argv: (pf: Platform) => string[],
  run: (argv: string[]) => Promise<{ facts: T; probe: ProbeFacts }>,
): Promise<T> {
  const assumed = platformForReading(h.platform);
  let r = await run(argv(assumed));
  const found = detectPlatform(r.probe.os);
  const actual = platformById(found);
  if (actual && argv(actual).join("\0") !== argv(assumed).join("\0")) r = await run(argv(actual));
  if (found !== h.platform) await db().host.update({ where: { id: h.id }, data: { platform: found } });
  return r.facts;
}

const LbPreflightParams = z.strictObject({
  vip: z.string().max(64).optional(), prefix: z.number().int().min(1).max(32).optional(),
  interface: z.string().regex(/^[A-Za-z0-9_.:@-]{1,15}$/).optional(), routerId: z.number().int().min(1).max(255).optional(),
  frontendPort: z.number().int().min(1).max(65535).optional(), statsPort: z.number().int().min(1).max(65535).optional(),
});
export type { LbPreflight };
