import "server-only";
import { db } from "@/lib/db";
import { env } from "@/lib/env";
import { verifyPassword, DUMMY_HASH } from "./password";
import { RecentCredentials } from "./recent-credentials";
import { isRole, tokenRole, type Role } from "./roles";
import { API_TOKEN_PREFIX, SESSION_COOKIE, tokenHash } from "./tokens";
import { throttle } from "./throttle";
import { FairQueue } from "./fair-queue";

/** Who is asking: a logged-in user or an API token, with the role that applies. */
export interface Principal {
  kind: "session" | "basic" | "token";
  userId: string;
  username: string;
  role: Role;
  tokenId?: string;
}

export async function principalFromSession(cookieValue: string | undefined): Promise<Principal | null> {
  if (!cookieValue) return null;
  const s = await db().session.findUnique({ where: { id: tokenHash(cookieValue) }, include: { user: true } });
  if (!s || s.expiresAt < new Date() || !isRole(s.user.role)) return null;
  return { kind: "session", userId: s.user.id, username: s.user.username, role: s.user.role };
}

const g = globalThis as unknown as { warrenRecentCredentials?: RecentCredentials; warrenHashing?: FairQueue };
const recent = () => (g.warrenRecentCredentials ??= new RecentCredentials());
/** Two scrypts at a time (two cores), each source in turn, at most 8 waiting per source. */
const hashing = () => (g.warrenHashing ??= new FairQueue(2, 8));

/**
 * The one check of a password against an account, for logins and for "change
 * password" alike: counted by the throttle (per account and per source)
 * before anything is hashed, hashed in fair turns between sources, failures
 * audited. The user, or null for a wrong username or password.
 */
export async function checkPassword(username: string, password: string, ip: string, what: "login" | "password-change") {
  if (username.length > 64 || password.length > 200) return null;
  await throttle().attempt(username, ip);
  const u = await db().user.findUnique({ where: { username } });
  const ok = (u !== null && recent().has(u.id, u.passwordHash, password)) || (await hashing().run(ip, () => verifyPassword(password, u?.passwordHash ?? DUMMY_HASH)));
  if (!u || !ok || !isRole(u.role)) {
    await throttle().failed(username, ip, what);
    return null;
  }
  await throttle().succeeded(username, ip);
  recent().remember(u.id, u.passwordHash, password);
  return { ...u, role: u.role };
}

/** Checks a username and password (checkPassword) for HTTP Basic and the login form. */
export async function principalFromCredentials(username: string, password: string, ip: string): Promise<Principal | null> {
  const u = await checkPassword(username, password, ip, "login");
  return u && { kind: "basic", userId: u.id, username: u.username, role: u.role };
}

export async function principalFromToken(token: string): Promise<Principal | null> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return null;
  const t = await db().apiToken.findUnique({ where: { tokenHash: tokenHash(token) }, include: { creator: true } });
  if (!t || t.revokedAt || (t.expiresAt && t.expiresAt <= new Date()) || !isRole(t.role) || !isRole(t.creator.role)) return null;
  await db().apiToken.update({ where: { id: t.id }, data: { lastUsedAt: new Date() } });
  // Never more than its creator may do now (a deleted creator's tokens are deleted with them).
  return { kind: "token", userId: t.creator.id, username: `${t.creator.username} (token ${t.name})`, role: tokenRole(t.role, t.creator.role), tokenId: t.id };
}

/** Authorization header (Bearer token or Basic) first, then the session cookie. */
export async function principalFromHeaders(authorization: string | null, cookieValue: string | undefined, ip = "unknown"): Promise<Principal | null> {
  if (authorization) {
    const [scheme, value] = authorization.split(" ", 2);
    if (/^bearer$/i.test(scheme) && value) return principalFromToken(value.trim());
    if (/^basic$/i.test(scheme) && value) {
      const decoded = Buffer.from(value, "base64").toString("utf8");
      const i = decoded.indexOf(":");
      if (i < 0) return null;
      return principalFromCredentials(decoded.slice(0, i), decoded.slice(i + 1), ip);
    }
    return null;
  }
  return principalFromSession(cookieValue);
}

export async function createSession(userId: string, cookieValue: string): Promise<Date> {
  const expiresAt = new Date(Date.now() + env().WARREN_SESSION_HOURS * 3600_000);
  await db().session.create({ data: { id: tokenHash(cookieValue), userId, expiresAt } });
  await db().session.deleteMany({ where: { expiresAt: { lt: new Date() } } });
  return expiresAt;
}

export async function deleteSession(cookieValue: string): Promise<void> {
  await db().session.deleteMany({ where: { id: tokenHash(cookieValue) } });
}

export { SESSION_COOKIE };
