import "server-only";
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { Prisma } from "@/lib/generated/prisma/client";
import { SshPool, SshError, isSshError, type HostKeyStore, type SshTarget } from "@/lib/ssh";
import { PROBE_SCRIPT, parseProbe, type ProbeFacts } from "@/lib/hosts/probe";
import type { HostInput } from "./schemas";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";

// Columns that may leave the server. Secrets are never selected for views.
export const hostPublicSelect = {
  id: true, name: true, address: true, port: true, username: true, authType: true, useSudo: true,
  hostKeyFingerprint: true, hostKeyPinnedAt: true, hostKeyPending: true, createdAt: true,
} as const;
export type HostView = Prisma.HostGetPayload<{ select: typeof hostPublicSelect }>;

const SECRET = "host:secret";
const PASSPHRASE = "host:passphrase";

export class DuplicateError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export function listHosts(): Promise<HostView[]> {
  return db().host.findMany({ select: hostPublicSelect, orderBy: { name: "asc" } });
}

export function getHost(id: string): Promise<HostView | null> {
  return db().host.findUnique({ where: { id }, select: hostPublicSelect });
}

export function countHosts(): Promise<number> {
  return db().host.count();
}

export async function createHost(input: HostInput, who: Principal | string): Promise<HostView> {
  const box = secretBox();
  const secret = input.authType === "key" ? input.privateKey!.trim() + "\n" : input.password!;
  try {
    const h = await db().host.create({
      select: hostPublicSelect,
      data: {
        name: input.name,
        address: input.address,
        port: input.port,
        username: input.username,
        authType: input.authType,
        useSudo: input.useSudo,
        secretEnc: box.seal(secret, SECRET),
        passphraseEnc: input.authType === "key" && input.passphrase ? box.seal(input.passphrase, PASSPHRASE) : null,
      },
    });
    await audit(who, "host.create", { type: "host", id: h.id, name: h.name }, `${h.username}@${h.address}:${h.port}`);
    return h;
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002") {
      const target = String((e.meta as { target?: unknown })?.target ?? "");
      if (target.includes("address")) throw new DuplicateError("address", "Another host already has this address");
      throw new DuplicateError("name", "Another host already has this name");
    }
    throw e;
  }
}

export class HostInUseError extends Error {}

export async function deleteHost(id: string, who: Principal): Promise<HostView | null> {
  const h = await getHost(id);
  if (!h) return null;
  const uses = await db().clusterMember.count({ where: { hostId: id } });
  if (uses > 0) throw new HostInUseError(`${h.name} is a member of ${uses} cluster role(s); remove it from the cluster first`);
  await db().host.delete({ where: { id } });
  sshPool().drop(id);
  await audit(who, "host.delete", { type: "host", id: h.id, name: h.name });
  return h;
}

/** The host with its secrets opened, for the SSH layer only. */
export async function sshTarget(id: string): Promise<SshTarget> {
  const h = await db().host.findUniqueOrThrow({ where: { id } });
  const box = secretBox();
  const secret = box.open(h.secretEnc, SECRET);
  return {
    id: h.id, name: h.name, address: h.address, port: h.port, username: h.username, useSudo: h.useSudo,
    privateKey: h.authType === "key" ? secret : undefined,
    password: h.authType === "password" ? secret : undefined,
    passphrase: h.passphraseEnc ? box.open(h.passphraseEnc, PASSPHRASE) : undefined,
    pinnedFingerprint: h.hostKeyFingerprint,
  };
}

/** The same, by inventory name (plans name their hosts). */
export async function sshTargetByName(name: string): Promise<SshTarget> {
  const h = await db().host.findUnique({ where: { name }, select: { id: true } });
  if (!h) throw new Error(`host ${name} is no longer in the inventory`);
  return sshTarget(h.id);
}

const g = globalThis as unknown as { warrenSsh?: SshPool };

/** Pins live on the host row. */
const hostKeyStore: HostKeyStore = {
  async pin(hostId, fp) {
    // Only if still unpinned: a concurrent first connection must not overwrite a pin.
    await db().host.updateMany({ where: { id: hostId, hostKeyFingerprint: null }, data: { hostKeyFingerprint: fp, hostKeyPinnedAt: new Date() } });
  },
  async mismatch(hostId, seen) {
    await db().host.update({ where: { id: hostId }, data: { hostKeyPending: seen } });
  },
};

/** The process-wide pool the runner and every page use. */
export function sshPool(): SshPool {
  g.warrenSsh ??= new SshPool(hostKeyStore);
  return g.warrenSsh;
}

/**
 * Runs f on connections of its own, closed afterwards: for checks that must
 * see the host and network as they are now (connection test, pre-flight)
 * without disturbing pooled connections a run is using.
 */
export async function withFreshConnections<T>(f: (pool: SshPool) => Promise<T>): Promise<T> {
  const pool = new SshPool(hostKeyStore);
  try {
    return await f(pool);
  } finally {
    pool.closeAll();
  }
}

/** An admin accepts the key the host now presents (shown to them as hostKeyPending). */
export async function acceptHostKey(id: string, expected: string, who: Principal): Promise<HostView | null> {
  const h = await db().host.findUnique({ where: { id } });
  if (!h) return null;
  if (!h.hostKeyPending || h.hostKeyPending !== expected) throw new Error("the key to accept is no longer the one the host presented; test the connection again");
  sshPool().drop(id);
  const updated = await db().host.update({
    where: { id },
    select: hostPublicSelect,
    data: { hostKeyFingerprint: h.hostKeyPending, hostKeyPending: null, hostKeyPinnedAt: new Date() },
  });
  await audit(who, "host.accept-host-key", { type: "host", id, name: h.name }, expected);
  return updated;
}

export interface ConnectionReport {
  ok: boolean;
  connectMs?: number;
  commandMs?: number;
  fingerprint?: string | null;
  facts?: ProbeFacts;
  error?: ReturnType<SshError["toJSON"]>;
}

export async function testConnection(id: string, who: Principal): Promise<ConnectionReport | null> {
  if (!(await getHost(id))) return null;
  const report = await probeHost(id);
  await audit(who, "host.test-connection", { type: "host", id }, report.ok ? "ok" : report.error?.kind);
  return report;
}

async function probeHost(id: string): Promise<ConnectionReport> {
  const target = await sshTarget(id);
  try {
    // A fresh connection: measures connecting, and sees the key the host presents now.
    return await withFreshConnections(async (pool) => {
      const c = await pool.connect(target);
      const r = await pool.run(target, ["sh", "-c", PROBE_SCRIPT], { timeoutMs: 20_000, sudo: false });
      const after = await getHost(id);
      return { ok: true, connectMs: c.ms, commandMs: r.durationMs, fingerprint: after?.hostKeyFingerprint, facts: parseProbe(r.stdout) };
    });
  } catch (e) {
    if (isSshError(e)) return { ok: false, error: e.toJSON(), fingerprint: target.pinnedFingerprint };
    throw e;
  }
}
