import "server-only";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { principalFromHeaders, principalFromSession, SESSION_COOKIE, type Principal } from "./principal";
import { roleAllows, type Role } from "./roles";
import { clientAddress } from "@/lib/net/client-address";

export class ForbiddenError extends Error {
  constructor(readonly need: Role) {
    super(`this needs the ${need} role`);
  }
}
export class UnauthenticatedError extends Error {
  constructor() {
    super("not logged in");
  }
}

export async function currentPrincipal(): Promise<Principal | null> {
  const c = await cookies();
  return principalFromSession(c.get(SESSION_COOKIE)?.value);
}

/** For pages: the principal, or a redirect to the login page. */
export async function requirePageUser(): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) {
    const h = await headers();
    const next = h.get("x-warren-path") ?? "/";
    redirect(`/login?next=${encodeURIComponent(next)}`);
  }
  return p;
}

/** For server actions: checked on the server whatever the UI showed. */
export async function requireActionRole(need: Role): Promise<Principal> {
  const p = await currentPrincipal();
  if (!p) throw new UnauthenticatedError();
  if (!roleAllows(p.role, need)) throw new ForbiddenError(need);
  return p;
}

/** For API route handlers: Bearer token, Basic credentials or the session cookie. */
export async function apiPrincipal(req: Request): Promise<Principal | null> {
  const cookie = /(?:^|;\s*)warren_session=([^;]+)/.exec(req.headers.get("cookie") ?? "")?.[1];
  return principalFromHeaders(req.headers.get("authorization"), cookie ? decodeURIComponent(cookie) : undefined, clientAddress(req.headers));
}
