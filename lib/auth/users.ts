import "server-only";
// Users and API tokens: their queries and their audit rows, in one place.
import { db } from "@/lib/db";
import { audit } from "@/lib/audit";
import { Prisma } from "@/lib/generated/prisma/client";
import { DuplicateError } from "@/lib/inventory/hosts";
import { hashPassword } from "./password";
import { checkPassword, type Principal } from "./principal";
import { API_TOKEN_PREFIX, newSecretToken, tokenHash } from "./tokens";
import type { Role } from "./roles";
import type { TokenInput } from "@/lib/inventory/schemas";

export const userView = { id: true, username: true, role: true, createdAt: true } as const;

export function userCount(): Promise<number> {
  return db().user.count();
}

export function listUsers() {
  return db().user.findMany({ select: userView, orderBy: { username: "asc" } });
}

async function insertUser(username: string, password: string, role: Role) {
  try {
    return await db().user.create({ select: userView, data: { username, role, passwordHash: await hashPassword(password) } });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new DuplicateError("username", "This username is taken");
    throw e;
  }
}

export async function createUser(username: string, password: string, role: Role, who: Principal) {
  const u = await insertUser(username, password, role);
  await audit(who, "user.create", { type: "user", id: u.id, name: u.username }, `role ${u.role}`);
  return u;
}

export class LastAdminError extends Error {}
export class SelfError extends Error {}
export class TokenActiveError extends Error {}

export async function deleteUser(id: string, who: Principal) {
  if (id === who.userId) throw new SelfError("You cannot delete yourself");
  const u = await db().$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id }, select: userView });
    if (!u) return null;
    if (u.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1)
      throw new LastAdminError("Cannot delete the last admin");
    await tx.user.delete({ where: { id } });
    return u;
  });
  if (u) await audit(who, "user.delete", { type: "user", id: u.id, name: u.username });
  return u;
}

export const tokenView = { id: true, name: true, prefix: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true, expiresAt: true, creator: { select: { username: true, role: true } } } as const;

export function listTokens() {
  return db().apiToken.findMany({ select: tokenView, orderBy: { createdAt: "desc" } });
}

/**
 * Returns the token once; only its hash is kept. Takes the parsed TokenInput
 * whole, so the form and the API cannot pass different subsets of it (the
 * API route once dropped the expiry).
 */
export async function createApiToken({ name, role, expiresInDays }: TokenInput, who: Principal) {
  const token = newSecretToken(API_TOKEN_PREFIX);
  const expiresAt = expiresInDays ? new Date(Date.now() + expiresInDays * 86400_000) : null;
  const row = await db().apiToken.create({
    select: tokenView,
    data: { name, role, createdBy: who.userId, tokenHash: tokenHash(token), prefix: token.slice(0, 10), expiresAt },
  });
  await audit(who, "token.create", { type: "token", id: row.id, name: row.name }, `role ${row.role}${expiresAt ? `, expires ${expiresAt.toISOString()}` : ", no expiry"}`);
  return { ...row, token };
}

/** A token works unless revoked or past its expiry. */
export const tokenWorks = (t: { revokedAt: Date | null; expiresAt: Date | null }, now = new Date()) => !t.revokedAt && !(t.expiresAt && t.expiresAt <= now);

export function getToken(id: string) {
  return db().apiToken.findUnique({ where: { id }, select: tokenView });
}

export async function revokeApiToken(id: string, who: Principal) {
  const t = await getToken(id);
  if (!t) return null;
  const row = await db().apiToken.update({ where: { id }, select: tokenView, data: { revokedAt: t.revokedAt ?? new Date() } });
  await audit(who, "token.revoke", { type: "token", id: t.id, name: t.name });
  return row;
}

/** Removes a token from the list: only one that no longer works (revoked or expired). */
export async function deleteApiToken(id: string, who: Principal) {
  const t = await getToken(id);
  if (!t) return null;
  if (tokenWorks(t)) throw new TokenActiveError(`Token ${t.name} still works: revoke it first`);
  await db().apiToken.delete({ where: { id } });
  await audit(who, "token.delete", { type: "token", id: t.id, name: t.name });
  return t;
}

/** WARREN_ADMIN_USER / WARREN_ADMIN_PASSWORD create the admin at start-up when no user exists. */
export async function ensureAdminFromEnv(username?: string, password?: string): Promise<boolean> {
  if (!username || !password) return false;
  if ((await db().user.count()) > 0) return false;
  let u: Awaited<ReturnType<typeof insertUser>>;
  try {
    u = await insertUser(username, password, "admin");
  } catch (e) {
    // Several instances starting together on one database: one of them made it.
    if ((await db().user.count({ where: { username } })) > 0) return false;
    throw e;
  }
  await audit("(start-up)", "user.create-admin-from-env", { type: "user", id: u.id, name: u.username });
  return true;
}

/** Only while no user exists: the first visitor creates the admin account. */
export async function createFirstAdmin(username: string, password: string) {
  const passwordHash = await hashPassword(password);
  // Serializable: two first visitors on two instances (PostgreSQL) must not both become admin.
  const user = await db().$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) return null;
    return tx.user.create({ data: { username, passwordHash, role: "admin" } });
  }, { isolationLevel: "Serializable" }).catch(async (e) => {
    if ((await db().user.count()) > 0) return null; // the other visitor's transaction won
    throw e;
  });
  if (user) await audit(user.username, "user.create-first-admin", { type: "user", id: user.id, name: user.username });
  return user;
}

export class WrongPasswordError extends Error {}

/**
 * A user changes their own password; their other sessions end. The current
 * password is checked like a login (throttled, audited): a stolen session must
 * not be a way to guess it.
 */
export async function changeOwnPassword(who: Principal, current: string, next: string, ip: string): Promise<void> {
  const me = await db().user.findUnique({ where: { id: who.userId }, select: { username: true } });
  const u = me && (await checkPassword(me.username, current, ip, "password-change"));
  if (!u || u.id !== who.userId) throw new WrongPasswordError("The current password is wrong");
  await db().$transaction([
    db().user.update({ where: { id: u.id }, data: { passwordHash: await hashPassword(next) } }),
    db().session.deleteMany({ where: { userId: u.id } }),
  ]);
  await audit(who, "user.change-password", { type: "user", id: u.id, name: u.username });
}

/** An admin changes another user's role; the last admin cannot be demoted. */
export async function changeRole(id: string, role: Role, who: Principal) {
  if (id === who.userId) throw new SelfError("You cannot change your own role");
  const u = await db().$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id }, select: userView });
    if (!u) return null;
    if (u.role === "admin" && role !== "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1)
      throw new LastAdminError("Cannot demote the last admin");
    return tx.user.update({ where: { id }, data: { role }, select: userView });
  });
  if (u) await audit(who, "user.change-role", { type: "user", id: u.id, name: u.username }, `role ${role}`);
  return u;
}
