import "server-only";
import { db } from "@/lib/db";
import { secretBox } from "@/lib/crypto/keys";
import { Prisma } from "@/lib/generated/prisma/client";
import { SshPool, SshError, isSshError, type HostKeyStore, type SshTarget } from "@/lib/ssh";
import { PROBE_SCRIPT, parseProbe, type ProbeFacts } from "@/lib/hosts/probe";
import { detectPlatform, platformById } from "@/lib/hosts/platform";
import { sh } from "@/lib/shell";
import type { HostInput, HostUpdate } from "./schemas";
import { audit } from "@/lib/audit";
import type { Principal } from "@/lib/auth/principal";
import { roleAllows } from "@/lib/auth/roles";
import { ForbiddenError } from "@/lib/auth/guard";
import { canonicalAddress } from "@/lib/net/address";

// Columns that may leave the server. Secrets are never selected for views.
export const hostPublicSelect = {
  id: true, name: true, address: true, port: true, username: true, authType: true, useSudo: true, trustFirstKey: true, createdAt: true,
  lastCheckAt: true, lastCheckOk: true, lastCheckMessage: true, platform: true,
} as const;
type HostRow = Prisma.HostGetPayload<{ select: typeof hostPublicSelect }>;
/** A host as people see it, with the key Warren trusts for its address (KnownHost). */
export type HostView = HostRow & { hostKeyFingerprint: string | null; hostKeyPinnedAt: Date | null; hostKeyPending: string | null };

/**
 * Where a host's key is pinned: its canonical address and its port. Addresses
 * are stored canonical (the schema, and canonicaliseStoredAddresses for rows
 * from before); canonicalising here too means no row can name a key another way.
 */
function keyOf(h: { address: string; port: number }): { address: string; port: number } {
  return { address: canonicalAddress(h.address) ?? h.address, port: h.port };
}

async function withKeys<T extends HostRow>(rows: T[]): Promise<(T & Omit<HostView, keyof HostRow>)[]> {
  const known = await db().knownHost.findMany({ where: { OR: rows.map(keyOf) } });
  return rows.map((r) => {
    const at = keyOf(r);
    const k = known.find((x) => x.address === at.address && x.port === at.port);
    return { ...r, hostKeyFingerprint: k?.fingerprint ?? null, hostKeyPinnedAt: k?.pinnedAt ?? null, hostKeyPending: k?.pending ?? null };
  });
}

const SECRET = "host:secret";
const PASSPHRASE = "host:passphrase";

export class DuplicateError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

export async function listHosts(): Promise<HostView[]> {
  return withKeys(await db().host.findMany({ select: hostPublicSelect, orderBy: { name: "asc" } }));
}

/** Hosts with the cluster roles they hold, for the hosts list. */
export async function listHostsWithRoles() {
  const hosts = await listHosts();
  const members = await db().clusterMember.findMany({ select: { hostId: true, role: true, nodeType: true, isSeed: true, cluster: { select: { id: true, name: true } } } });
  return hosts.map((h) => ({ ...h, roles: members.filter((m) => m.hostId === h.id).map(({ hostId: _, ...m }) => m) }));
}

export async function getHost(id: string): Promise<HostView | null> {
  const h = await db().host.findUnique({ where: { id }, select: hostPublicSelect });
  return h ? (await withKeys([h]))[0] : null;
}

export function countHosts(): Promise<number> {
  return db().host.count();
}

/** Names and addresses are unique: say which one clashes, on its own field. */
async function assertUnique(f: { name?: string; address?: string }, except?: string) {
  const clash = await db().host.findFirst({ where: { OR: [...(f.name ? [{ name: f.name }] : []), ...(f.address ? [{ address: f.address }] : [])], ...(except ? { NOT: { id: except } } : {}) }, select: { name: true, address: true } });
  if (!clash) return;
  if (f.address && clash.address === f.address) throw new DuplicateError("address", `Host ${clash.name} already has the address ${clash.address}`);
  throw new DuplicateError("name", `Another host is already called ${clash.name}`);
}

export async function createHost(input: HostInput, who: Principal | string): Promise<HostView> {
  await assertUnique(input);
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
        trustFirstKey: input.trustFirstKey,
        secretEnc: box.seal(secret, SECRET),
        passphraseEnc: input.authType === "key" && input.passphrase ? box.seal(input.passphrase, PASSPHRASE) : null,
      },
    });
    await audit(who, "host.create", { type: "host", id: h.id, name: h.name }, `${h.username}@${h.address}:${h.port}`);
    return (await withKeys([h]))[0];
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

/**
 * Changes a host's connection settings. A new address or port gets its own
 * known key (pinned on first use, or confirmed). While the host has a key
 * waiting (a changed key, or a first key to compare), only an admin may move
 * it: another spelling or alias of the same machine would otherwise be a
 * fresh address whose first key — the impostor's — is trusted on first use,
 * and the host's credentials sent to it.
 */
export async function updateHost(id: string, input: HostUpdate, who: Principal): Promise<HostView | null> {
  const h = await getHost(id);
  if (!h) return null;
  const from = keyOf(h), to = keyOf({ address: input.address ?? h.address, port: input.port ?? h.port });
  if ((from.address !== to.address || from.port !== to.port) && h.hostKeyPending && !roleAllows(who.role, "admin")) throw new ForbiddenError("admin");
  if (input.name && input.name !== h.name) {
    const uses = await db().clusterMember.count({ where: { hostId: id } });
    if (uses > 0) throw new HostInUseError(`${h.name} is in a cluster, where its name is the RabbitMQ node name (rabbit@${h.name}): it cannot be renamed there`);
  }
  await assertUnique({ name: input.name, address: input.address }, id);
  const box = secretBox();
  // Only what differs: another spelling of the same address changes nothing (the schema made it canonical).
  const differs = <T>(v: T | undefined, now: T) => (v !== undefined && v !== now ? v : undefined);
  const data: Prisma.HostUpdateInput = {
    name: differs(input.name, h.name), address: differs(input.address, h.address), port: differs(input.port, h.port), username: differs(input.username, h.username), useSudo: differs(input.useSudo, h.useSudo),
  };
  if (input.authType) {
    data.authType = input.authType;
    data.secretEnc = box.seal(input.authType === "key" ? input.privateKey!.trim() + "\n" : input.password!, SECRET);
    data.passphraseEnc = input.authType === "key" && input.passphrase ? box.seal(input.passphrase, PASSPHRASE) : null;
  }
  const changed = Object.entries(data).filter(([, v]) => v !== undefined).map(([k]) => (k === "secretEnc" || k === "passphraseEnc" ? "credentials" : k));
  if (!changed.length) return h;
  // Another address or port may be another machine: its system is not known until probed again.
  const moved = data.address !== undefined || data.port !== undefined;
  await db().host.update({ where: { id }, data: { ...data, lastCheckAt: null, lastCheckOk: null, lastCheckMessage: null, ...(moved ? { platform: null } : {}) } });
  // The pooled connection used the old settings.
  sshPool().drop(id);
  await audit(who, "host.update", { type: "host", id, name: input.name ?? h.name }, `changed ${[...new Set(changed)].join(", ")}`);
  return getHost(id);
}

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

/**
 * Rows written before addresses were canonical (issue #22.2) are brought to the
 * one spelling at start-up, by the same function the schema uses — SQL cannot
 * parse IPv6 or inet_aton's hex and octal forms. A known key recorded under
 * another spelling of an address that has its own row is merged into it: the
 * canonical row's trusted key stays (every check used it), and a different key
 * seen under the other spelling waits for an admin as pending. Idempotent.
 */
export async function canonicaliseStoredAddresses(): Promise<void> {
  for (const k of await db().knownHost.findMany()) {
    const address = canonicalAddress(k.address);
    if (!address || address === k.address) continue;
    const at = { address, port: k.port };
    const kept = await db().knownHost.findUnique({ where: { address_port: at } });
    if (!kept) {
      await db().knownHost.update({ where: { address_port: { address: k.address, port: k.port } }, data: { address } });
    } else {
      const other = k.fingerprint ?? k.pending;
      const pending = kept.pending ?? (other && other !== kept.fingerprint ? other : null);
      await db().$transaction([
        db().knownHost.update({ where: { address_port: at }, data: { pending } }),
        db().knownHost.delete({ where: { address_port: { address: k.address, port: k.port } } }),
      ]);
    }
    await audit("(start-up)", "host.known-key-canonicalised", { type: "address", name: `${address}:${k.port}` }, `was recorded as ${k.address.slice(0, 64)}${kept ? "; merged into the key already known for the address" : ""}`);
  }
  for (const h of await db().host.findMany({ select: { id: true, name: true, address: true } })) {
    const address = canonicalAddress(h.address);
    if (address === h.address) continue;
    const clash = address ? await db().host.findUnique({ where: { address }, select: { name: true } }) : null;
    if (!address || clash) {
      // Left as it is: Warren refuses to connect to it (sshTarget) until someone edits the host.
      console.warn(`[warren] host ${h.name}: address ${JSON.stringify(h.address.slice(0, 64))} ${address ? `is another spelling of ${clash!.name}'s` : "is not a valid address"}; edit the host`);
      continue;
    }
    await db().host.update({ where: { id: h.id }, data: { address } });
    await audit("(start-up)", "host.address-canonicalised", { type: "host", id: h.id, name: h.name }, `${h.address.slice(0, 64)} → ${address}`);
  }
}

/** The host with its secrets opened, for the SSH layer only. It connects to the address its key is pinned for. */
export async function sshTarget(id: string): Promise<SshTarget> {
  const h = await db().host.findUniqueOrThrow({ where: { id } });
  // Stored addresses are canonical (canonicaliseStoredAddresses ran at start-up); one that is not could not be made so.
  const address = canonicalAddress(h.address);
  if (address !== h.address) throw new SshError("unreachable", `${h.name}'s address is not a valid, unique IP address or hostname: edit the host`, { host: h.name });
  const known = await db().knownHost.findUnique({ where: { address_port: { address, port: h.port } } });
  const box = secretBox();
  const secret = box.open(h.secretEnc, SECRET);
  return {
    id: h.id, name: h.name, address, port: h.port, username: h.username, useSudo: h.useSudo,
    privateKey: h.authType === "key" ? secret : undefined,
    password: h.authType === "password" ? secret : undefined,
    passphrase: h.passphraseEnc ? box.open(h.passphraseEnc, PASSPHRASE) : undefined,
    pinnedFingerprint: known?.fingerprint ?? null,
    trustFirstKey: h.trustFirstKey,
  };
}

/** The same, by inventory name (plans name their hosts). */
export async function sshTargetByName(name: string): Promise<SshTarget> {
  const h = await db().host.findUnique({ where: { name }, select: { id: true } });
  if (!h) throw new Error(`host ${name} is no longer in the inventory`);
  return sshTarget(h.id);
}

const g = globalThis as unknown as { warrenSsh?: SshPool };

/** Trusted keys live in KnownHost, by canonical address and port (sshTarget's address is canonical). */
const hostKeyStore: HostKeyStore = {
  async pin(t, fp) {
    // Only where no key is trusted yet: a concurrent first connection, or a key known
    // from a deleted host, is never overwritten here — and the key is trusted only if
    // it is the one now pinned (the first version trusted it even when the insert lost).
    const where = { address: t.address, port: t.port };
    const first = { fingerprint: fp, pending: null, pinnedAt: new Date(), pinnedBy: "first use" };
    const created = await db().knownHost.createMany({ data: [{ ...where, ...first }] }).then(() => true, () => false);
    if (!created) await db().knownHost.updateMany({ where: { ...where, fingerprint: null }, data: first });
    const k = await db().knownHost.findUnique({ where: { address_port: where } });
    return k?.fingerprint === fp;
  },
  async mismatch(t, seen) {
    await db().knownHost.upsert({ where: { address_port: { address: t.address, port: t.port } }, create: { address: t.address, port: t.port, pending: seen }, update: { pending: seen } });
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

export class HostKeyError extends Error {}

/**
 * Trusts the key the host now presents (shown as hostKeyPending). A changed
 * key needs an admin; the first key of a host that does not trust on first
 * use needs an operator, who compared it.
 */
export async function acceptHostKey(id: string, expected: string, who: Principal): Promise<HostView | null> {
  const h = await db().host.findUnique({ where: { id } });
  if (!h) return null;
  const at = keyOf(h);
  const k = await db().knownHost.findUnique({ where: { address_port: at } });
  if (!k?.pending) throw new HostKeyError(`${h.name} has no key waiting to be accepted; test the connection to see the key it presents`);
  if (k.pending !== expected) throw new HostKeyError(`the key to accept (${expected}) is no longer the one ${h.name} presented (${k.pending}); compare again`);
  if (k.fingerprint && !roleAllows(who.role, "admin")) throw new ForbiddenError("admin");
  if (!roleAllows(who.role, "operator")) throw new ForbiddenError("operator");
  sshPool().drop(id);
  await db().knownHost.update({ where: { address_port: at }, data: { fingerprint: k.pending, pending: null, pinnedAt: new Date(), pinnedBy: who.username } });
  await audit(who, k.fingerprint ? "host.accept-changed-host-key" : "host.confirm-first-host-key", { type: "host", id, name: h.name }, `${k.fingerprint ? `${k.fingerprint} → ` : ""}${expected}`);
  return getHost(id);
}

export interface ConnectionReport {
  ok: boolean;
  connectMs?: number;
  commandMs?: number;
  fingerprint?: string | null;
  facts?: ProbeFacts;
  /** The system found (lib/hosts/platform), and its name when Warren supports it (null: it does not). */
  platform?: { id: string; label: string | null };
  error?: ReturnType<SshError["toJSON"]>;
}

export async function testConnection(id: string, who: Principal): Promise<ConnectionReport | null> {
  if (!(await getHost(id))) return null;
  const report = await probeHost(id);
  const message = report.ok ? `connected in ${report.connectMs} ms${report.facts?.os.prettyName ? `; ${report.facts.os.prettyName}` : ""}` : report.error?.message ?? "failed";
  // Kept on the host, so the result outlives a reload and shows in the host list.
  const h = await db().host.update({
    where: { id },
    data: { lastCheckAt: new Date(), lastCheckOk: report.ok, lastCheckMessage: message.slice(0, 500), ...(report.platform ? { platform: report.platform.id } : {}) },
    select: { name: true },
  });
  await audit(who, "host.test-connection", { type: "host", id, name: h.name }, report.ok ? "ok" : report.error?.kind);
  return report;
}

async function probeHost(id: string): Promise<ConnectionReport> {
  const target = await sshTarget(id);
  try {
    // A fresh connection: measures connecting, and sees the key the host presents now.
    return await withFreshConnections(async (pool) => {
      const c = await pool.connect(target);
      const r = await pool.run(target, sh(PROBE_SCRIPT, "probe"), { timeoutMs: 20_000, sudo: false });
      const after = await getHost(id);
      const facts = parseProbe(r.stdout);
      const platform = detectPlatform(facts.os);
      return { ok: true, connectMs: c.ms, commandMs: r.durationMs, fingerprint: after?.hostKeyFingerprint, facts, platform: { id: platform, label: platformById(platform)?.label ?? null } };
    });
  } catch (e) {
    if (isSshError(e)) return { ok: false, error: e.toJSON(), fingerprint: target.pinnedFingerprint };
    throw e;
  }
}
