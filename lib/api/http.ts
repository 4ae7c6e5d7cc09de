import "server-only";
import { apiPrincipal } from "@/lib/auth/guard";
import type { Principal } from "@/lib/auth/principal";
import { roleAllows, type Role } from "@/lib/auth/roles";
import { publicError } from "@/lib/errors";
import { assertSameOrigin, readJsonBody } from "./request";

export function json(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store" } });
}

type Ctx = { params: Promise<Record<string, string>> };

/** Every API handler goes through here: authenticate, check the role, map errors to JSON. */
export function apiRoute(need: Role, handler: (req: Request, params: Record<string, string>, who: Principal) => Promise<Response>) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    try {
      const who = await apiPrincipal(req);
      if (!who) return json({ error: "unauthenticated", message: "send a valid session, Basic credentials or Bearer token" }, 401);
      if (who.kind === "session") assertSameOrigin(req);
      if (!roleAllows(who.role, need)) return json({ error: "forbidden", message: `this needs the ${need} role; you have ${who.role}` }, 403);
      return await handler(req, (await ctx.params) ?? {}, who);
    } catch (e) {
      const p = publicError(e);
      const res = json({ error: p.code, message: p.message, fieldErrors: p.fieldErrors, details: p.details }, p.status);
      if (p.retryAfterS) res.headers.set("Retry-After", String(p.retryAfterS));
      return res;
    }
  };
}

export const readJson = readJsonBody;

export const notFound = (what: string) => json({ error: "not-found", message: `no such ${what}` }, 404);
