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

export async function openClusterSecrets(clusterId: string, names: SecretName[]): Promise<Partial<Record<SecretName, string>>> {
  const rows = await db().clusterSecret.findMany({ where: { clusterId, name: { in: names } } });
  const box = secretBox();
  const out: Partial<Record<SecretName, string>> = {};
  for (const r of rows) out[r.name as SecretName] = box.open(r.valueEnc, SECRETS[r.name as SecretName].purpose);
  return out;
}

export async function clusterSecretNames(clusterId: string): Promise<{ name: SecretName; updatedAt: Date }[]> {
  const rows = await db().clusterSecret.findMany({ where: { clusterId }, select: { name: true, updatedAt: true } });
  return rows.map((r) => ({ name: r.name as SecretName, updatedAt: r.updatedAt }));
}

/** An admin reads a secret (e.g. the management password to log in to the UI Warren set up). Audited. */
export async function revealClusterSecret(clusterId: string, name: SecretName, who: Principal): Promise<string | null> {
  const row = await db().clusterSecret.findUnique({ where: { clusterId_name: { clusterId, name } }, include: { cluster: { select: { name: true } } } });
  if (!row) return null;
  await audit(who, "secret.reveal", { type: "cluster", id: clusterId, name: row.cluster.name }, SECRETS[name].label);
  return secretBox().open(row.valueEnc, SECRETS[name].purpose);
}
