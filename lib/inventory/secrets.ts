import "server-only";
// A cluster's named secrets: generated when an operation first needs them,
// sealed at rest, opened only for the runner (and for an admin's audited reveal).
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { SECRETS, type SecretName } from "@/lib/ops/secrets";

/** Generates the named secrets the cluster does not have yet; existing ones are kept. */
export async function ensureClusterSecrets(clusterId: string, names: SecretName[]): Promise<void> {
  if (!names.length) return;
  const have = new Set((await db().clusterSecret.findMany({ where: { clusterId, name: { in: names } }, select: { name: true } })).map((s) => s.name));
  const box = secretBox();
  for (const name of names.filter((n) => !have.has(n))) {
    // A concurrent preview may have made it meanwhile: keep whichever landed first.
    await db().clusterSecret.upsert({
      where: { clusterId_name: { clusterId, name } },
      create: { clusterId, name, valueEnc: box.seal(SECRETS[name].generate(), SECRETS[name].purpose) },
      update: {},
    });
  }
}

/**
 * A rotation starts: fresh values for `names`, held beside the current ones
 * for run `runId`. The current values stay in use (and revealable) until
 * that run succeeds; a later rotation replaces an unfinished one.
 */
export async function beginRotation(clusterId: string, names: SecretName[], runId: string, tx: Pick<ReturnType<typeof db>, "clusterSecret"> = db()): Promise<void> {
  const box = secretBox();
  for (const name of names) {
    const next = { nextEnc: box.seal(SECRETS[name].generate(), SECRETS[name].purpose), nextRunId: runId };
    await tx.clusterSecret.upsert({
      where: { clusterId_name: { clusterId, name } },
      create: { clusterId, name, valueEnc: box.seal(SECRETS[name].generate(), SECRETS[name].purpose), ...next },
      update: next,
    });
  }
}

export async function openNextSecrets(clusterId: string, runId: string, names: SecretName[]): Promise<Partial<Record<SecretName, string>>> {
  const rows = await db().clusterSecret.findMany({ where: { clusterId, name: { in: names } } });
  const box = secretBox();
  const out: Partial<Record<SecretName, string>> = {};
  for (const name of names) {
    const r = rows.find((x) => x.name === name);
    if (!r?.nextEnc || r.nextRunId !== runId)
      throw new Error(`the rotation of the ${SECRETS[name].label} is no longer this run's${r?.nextRunId ? ` (run ${r.nextRunId} started a newer one)` : " (it was finished or abandoned)"}: start a new rotation`);
    out[name] = box.open(r.nextEnc, SECRETS[name].purpose);
  }
  return out;
}

/** The run succeeded: the values it set on the hosts become the cluster's secrets. */
export async function finishRotations(runId: string): Promise<SecretName[]> {
  const rows = await db().clusterSecret.findMany({ where: { nextRunId: runId } });
  for (const r of rows)
    await db().clusterSecret.update({ where: { clusterId_name: { clusterId: r.clusterId, name: r.name } }, data: { valueEnc: r.nextEnc!, nextEnc: null, nextRunId: null } });
  return rows.map((r) => r.name as SecretName);
}

export async function openClusterSecrets(clusterId: string, names: SecretName[]): Promise<Partial<Record<SecretName, string>>> {
  const rows = await db().clusterSecret.findMany({ where: { clusterId, name: { in: names } } });
  const box = secretBox();
  const out: Partial<Record<SecretName, string>> = {};
  for (const r of rows) out[r.name as SecretName] = box.open(r.valueEnc, SECRETS[r.name as SecretName].purpose);
  return out;
}

export async function clusterSecretNames(clusterId: string): Promise<{ name: SecretName; updatedAt: Date; rotatingInRun: string | null }[]> {
  const rows = await db().clusterSecret.findMany({ where: { clusterId }, select: { name: true, updatedAt: true, nextRunId: true } });
  return rows.map((r) => ({ name: r.name as SecretName, updatedAt: r.updatedAt, rotatingInRun: r.nextRunId }));
}

/** An admin reads a secret (e.g. the management password to log in to the UI Warren set up). Audited. */
export async function revealClusterSecret(clusterId: string, name: SecretName, who: Principal): Promise<string | null> {
  const row = await db().clusterSecret.findUnique({ where: { clusterId_name: { clusterId, name } }, include: { cluster: { select: { name: true } } } });
  if (!row) return null;
  await audit(who, "secret.reveal", { type: "cluster", id: clusterId, name: row.cluster.name }, SECRETS[name].label);
  return secretBox().open(row.valueEnc, SECRETS[name].purpose);
}
