import "server-only";
// A migration's end (Plan.handover, lib/ops/operations/migrate.ts): the load
// balancers and the VIP now serve the target cluster, so they become its
// members, with their options in its spec, and leave the source's — in one
// transaction, when the run succeeds. The target's own load balancers (a
// cluster has one pair) leave its inventory; their hosts are not touched. The secrets the load balancers' files
// hold (the VRRP password, the HAProxy stats password) go with them: the
// target's collector reads HAProxy's stats with them, and its next
// load-balancer deploy must write the same VRRP password on both hosts.
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import type { Plan } from "@/lib/ops/plan";
import type { SecretName } from "@/lib/ops/secrets";
import { currentSpec, recordSpec } from "./specs";

const LB_SECRETS: SecretName[] = ["vrrpPassword", "statsPassword"];

export async function recordRunHandover(runId: string): Promise<void> {
  const run = await db().run.findUnique({ where: { id: runId }, select: { clusterId: true, plan: true, createdBy: true, type: true } });
  const h = run && (JSON.parse(run.plan) as Plan).handover;
  if (!run || !h) return;
  await db().$transaction(async (tx) => {
    for (const name of h.release ?? []) {
      const host = await tx.host.findUnique({ where: { name }, select: { id: true } });
      if (host) await tx.clusterMember.deleteMany({ where: { clusterId: h.to.id, hostId: host.id, role: "loadbalancer" } });
    }
    for (const name of h.loadBalancers) {
      const host = await tx.host.findUnique({ where: { name }, select: { id: true } });
      if (!host) continue;
      // Already the target's (a finish recorded twice): nothing to move.
      await tx.clusterMember.updateMany({ where: { clusterId: run.clusterId, hostId: host.id, role: "loadbalancer" }, data: { clusterId: h.to.id } });
    }
    for (const name of LB_SECRETS) {
      const s = await tx.clusterSecret.findUnique({ where: { clusterId_name: { clusterId: run.clusterId, name } } });
      if (!s) continue;
      await tx.clusterSecret.upsert({
        where: { clusterId_name: { clusterId: h.to.id, name } },
        create: { clusterId: h.to.id, name, valueEnc: s.valueEnc },
        update: { valueEnc: s.valueEnc, nextEnc: null, nextRunId: null },
      });
    }
  });
  const [from, to] = await Promise.all([currentSpec(run.clusterId), currentSpec(h.to.id)]);
  if (from) await recordSpec(run.clusterId, { ...from.spec, loadBalancers: null, members: { ...from.spec.members, loadBalancers: [] } }, { who: run.createdBy, runId, note: `${run.type}: load balancers handed to ${h.to.name}` });
  if (to) await recordSpec(h.to.id, { ...to.spec, loadBalancers: h.options, members: { ...to.spec.members, loadBalancers: [...h.loadBalancers].sort() } }, { who: run.createdBy, runId, note: `${run.type}: load balancers taken over` });
  await audit(run.createdBy, "cluster.handover", { type: "cluster", id: h.to.id, name: h.to.name }, `run ${runId}: ${h.loadBalancers.join(", ")} and the VIP ${h.options.vip} now serve ${h.to.name}${h.release?.length ? `; ${h.release.join(", ")} left its inventory (untouched on the hosts)` : ""}`);
}
