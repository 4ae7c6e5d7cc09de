import "server-only";
// The nodes of a cluster as lib/backups/access.ts reaches them: commands over
// the process-wide SSH pool, and the management API on each node's loopback
// through the same connection with the cluster's management user (as the
// health collector builds it from the spec and the sealed password).
import { sshPool, sshTargetByName } from "@/lib/inventory/hosts";
import { openClusterSecrets } from "@/lib/inventory/secrets";
import { requestVia } from "@/lib/health/http";
import type { ClusterInventory } from "@/lib/ops/operation";
import type { ClusterIo } from "./access";

const MANAGEMENT_PORT = 15672;

export async function clusterIo(inv: ClusterInventory): Promise<ClusterIo> {
  const rmq = inv.spec?.rabbitmq;
  const password = rmq?.management ? (await openClusterSecrets(inv.id, ["managementPassword"])).managementPassword : undefined;
  const auth = password && rmq ? `Basic ${Buffer.from(`${rmq.adminUser}:${password}`).toString("base64")}` : null;
  const secrets = password ? [password] : [];
  return {
    async cli(host, argv, o) {
      const r = await sshPool().run(await sshTargetByName(host), argv, { timeoutMs: o.timeoutMs, signal: o.signal, stdin: o.stdin, allowFailure: true, secrets });
      return { exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    },
    ...(auth ? {
      async api(host: string, o: Parameters<NonNullable<ClusterIo["api"]>>[1]) {
        return requestVia(sshPool(), await sshTargetByName(host), MANAGEMENT_PORT, { ...o, auth, maxBytes: o.maxBytes ?? 4 << 20 });
      },
    } : {}),
  };
}
