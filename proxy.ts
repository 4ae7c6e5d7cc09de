import { NextResponse, type NextRequest } from "next/server";

// A cheap first gate: no session cookie and no Authorization header means no
// access. Every page, action and route handler still validates the session
// or token itself; this only makes the default answer "no".
const PUBLIC_PAGES = new Set(["/login", "/setup"]);

export function proxy(req: NextRequest) {
  const { pathname, search } = req.nextUrl;
  const hasSession = req.cookies.has("warren_session");
  if (pathname.startsWith("/api/")) {
    if (!hasSession && !req.headers.has("authorization"))
      return NextResponse.json({ error: "unauthenticated", message: "log in, or send an API token as 'Authorization: Bearer …'" }, { status: 401 });
  } else if (!PUBLIC_PAGES.has(pathname) && !hasSession) {
    const url = req.nextUrl.clone();
    url.pathname = "/login";
    url.search = `?next=${encodeURIComponent(pathname + search)}`;
    return NextResponse.redirect(url);
  }
  const headers = new Headers(req.headers);
  headers.set("x-warren-path", pathname + search);
  return NextResponse.next({ request: { headers } });
}

export const config = { matcher: ["/((?!_next/static|_next/image|favicon.ico).*)"] };
