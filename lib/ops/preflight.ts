import "server-only";
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { sshTarget, withFreshConnections } from "@/lib/inventory/hosts";
import { isSshError } from "@/lib/ssh";
import { commonVersions, evaluate, FACTS_SCRIPT, parseFacts, type Finding, type NodeFacts, type PackageVersions } from "@/lib/hosts/facts";
import { SetupOptions } from "./operations/setup";
import { OperationError } from "./service";

export interface PreflightReport { at: string; ok: boolean; findings: Finding[]; versions: PackageVersions }

/** Read-only checks on every node, in parallel. */
export async function runPreflight(clusterId: string, params: unknown, who: Principal): Promise<PreflightReport> {
  const options = SetupOptions.parse(params);
  const c = await db().cluster.findUnique({ where: { id: clusterId }, include: { members: { include: { host: true } } } });
  if (!c) throw new OperationError("not-found", "no such cluster");
  const nodes = c.members.filter((m) => m.role === "rabbitmq").map((m) => ({ id: m.host.id, name: m.host.name, address: m.host.address, seed: m.isSeed }));
  const facts: Record<string, NodeFacts | { error: string }> = {};
  // Fresh connections: pre-flight must see the network as it is now, not a pooled socket.
  await withFreshConnections((pool) => Promise.all(nodes.map(async (n) => {
    try {
      const peers = nodes.filter((p) => p.name !== n.name).map((p) => `${p.name}=${p.address}`);
      const r = await pool.run(await sshTarget(n.id), ["bash", "-c", FACTS_SCRIPT, "preflight", ...peers], { timeoutMs: 45_000 });
      facts[n.name] = parseFacts(r.stdout);
    } catch (e) {
      facts[n.name] = { error: isSshError(e) ? e.message : `could not read the host's facts (${e instanceof Error ? e.message : String(e)})` };
    }
  })));
  const findings = evaluate(nodes, facts, { manageHostsFile: options.manageHostsFile, now: Date.now() });
  const ok = !findings.some((f) => f.level === "fail");
  await audit(who, "operation.preflight", { type: "cluster", id: clusterId, name: c.name }, ok ? "passed" : `${findings.filter((f) => f.level === "fail").length} failure(s)`);
  return { at: new Date().toISOString(), ok, findings, versions: commonVersions(facts) };
}
