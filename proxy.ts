import { NextResponse, type NextRequest } from "next/server";

// A cheap first gate: no session cookie and no Authorization header means no
// access. Every page, action and route handler still validates the session
// or token itself; this only makes the default answer "no". It also gives
// every response a Content-Security-Policy with a fresh nonce, which Next.js
// puts on its own scripts.
const PUBLIC_PAGES = new Set(["/login", "/setup"]);

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

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const hasSession = req.cookies.has("warren_session");
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce);
  let res: NextResponse;
  if (pathname.startsWith("/api/")) {
    if (!hasSession && !req.headers.has("authorization"))
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
