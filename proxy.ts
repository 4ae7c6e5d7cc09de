import { NextResponse, type NextRequest } from "next/server";
import { actionBodyKind, checkArguments, checkMultipart, type ActionRequestProblem } from "@/lib/api/action-request";
import { assertSameOrigin, RequestError } from "@/lib/api/request";

// A cheap first gate: no session cookie and no Authorization header means no
// access. Every page, action and route handler still validates the session
// or token itself; this only makes the default answer "no". It also gives
// every response a Content-Security-Policy with a fresh nonce, which Next.js
// puts on its own scripts.
const PUBLIC_PAGES = new Set(["/login", "/setup"]);
const PUBLIC_HEALTH = "/api/v1/health";

export function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`,
    // React's style attributes (meters, charts) need inline styles; scripts stay nonce-only.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/**
 * A POST to a page is a server action: it must come from Warren's own pages
 * and carry arguments React's decoder can read without looking elsewhere
 * (lib/api/action-request.ts), or it is answered 4xx here — Next would answer
 * 500 and log the decoder's message, quoting the input. A multipart POST
 * without an action id would be a no-JavaScript form action, which no page of
 * Warren's sends.
 */
async function checkAction(req: NextRequest): Promise<ActionRequestProblem | null> {
  if (req.method !== "POST" || req.nextUrl.pathname.startsWith("/api/")) return null;
  const kind = actionBodyKind(req.headers.get("content-type"));
  if (!req.headers.has("next-action")) return kind === "multipart" ? { status: 400, code: "bad-action-request", message: "not a server action request" } : null;
  try {
    assertSameOrigin(req);
  } catch (e) {
    if (e instanceof RequestError) return { status: 403, code: e.code, message: e.message };
    throw e;
  }
  if (typeof kind !== "string") return kind;
  if (kind === "text") return checkArguments(await req.text(), false);
  let form: FormData;
  try {
    form = await req.formData();
  } catch {
    return { status: 400, code: "bad-action-request", message: "the multipart body cannot be read" };
  }
  return checkMultipart([...form.entries()]);
}

export async function proxy(req: NextRequest) {
  const problem = await checkAction(req);
  if (problem) return NextResponse.json({ error: problem.code, message: problem.message }, { status: problem.status, headers: { "Cache-Control": "no-store" } });
  const { pathname, search } = req.nextUrl;
  const hasSession = req.cookies.has("warren_session");
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  let res: NextResponse;
  // /metrics is for Prometheus (a token, never a browser session): answered like the API.
  if (pathname.startsWith("/api/") || pathname === "/metrics") {
    // /api/v1/health: a load balancer's check, no login, no details (lib/instances/status.ts).
    if (pathname !== PUBLIC_HEALTH && !hasSession && !req.headers.has("authorization"))
      res = NextResponse.json({ error: "unauthenticated", message: "log in, or send an API token as 'Authorization: Bearer …'" }, { status: 401 });
  } else if (!PUBLIC_PAGES.has(pathname) && !hasSession) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    res = NextResponse.redirect(url);
  }
  res ??= (() => {
    const headers = new Headers(req.headers);
    headers.set("x-warren-path", pathname + search);
    headers.set("x-nonce", nonce);
    headers.set("content-security-policy", csp);
    return NextResponse.next({ request: { headers } });
  })();
  res.headers.set("Content-Security-Policy", csp);
  return res;
}

// The favicon is a public static file: a logged-out browser (the login page) asks for it too.
export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
