import "server-only";
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { DuplicateError } from "@/lib/inventory/hosts";
import { hashPassword } from "./password";
import { API_TOKEN_PREFIX, newSecretToken, tokenHash } from "./tokens";
import type { Role } from "./roles";

export const userView = { id: true, username: true, role: true, createdAt: true } as const;

export async function createUser(username: string, password: string, role: Role) {
  try {
    return await db().user.create({ select: userView, data: { username, role, passwordHash: await hashPassword(password) } });
  } catch (e) {
    if (e instanceof Prisma.PrismaClientKnownRequestError && e.code === "P2002")
      throw new DuplicateError("username", "This username is taken");
    throw e;
  }
}

export class LastAdminError extends Error {}

export async function deleteUser(id: string) {
  return db().$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id }, select: userView });
    if (!u) return null;
    if (u.role === "admin" && (await tx.user.count({ where: { role: "admin" } })) <= 1)
      throw new LastAdminError("Cannot delete the last admin");
    await tx.user.delete({ where: { id } });
    return u;
  });
}

export const tokenView = { id: true, name: true, prefix: true, role: true, createdAt: true, lastUsedAt: true, revokedAt: true } as const;

/** Returns the token once; only its hash is kept. */
export async function createApiToken(name: string, role: Role, createdBy: string) {
  const token = newSecretToken(API_TOKEN_PREFIX);
  const row = await db().apiToken.create({
    select: tokenView,
    data: { name, role, createdBy, tokenHash: tokenHash(token), prefix: token.slice(0, 10) },
  });
  return { ...row, token };
}

export async function revokeApiToken(id: string) {
  const t = await db().apiToken.findUnique({ where: { id }, select: tokenView });
  if (!t) return null;
  return db().apiToken.update({ where: { id }, select: tokenView, data: { revokedAt: t.revokedAt ?? new Date() } });
}

/** WARREN_ADMIN_USER / WARREN_ADMIN_PASSWORD create the admin at start-up when no user exists. */
export async function ensureAdminFromEnv(username?: string, password?: string): Promise<boolean> {
  if (!username || !password) return false;
  if ((await db().user.count()) > 0) return false;
  await createUser(username, password, "admin");
  return true;
}
