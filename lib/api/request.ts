// What a request must prove before Warren acts on it: that a cookie-
// authenticated write comes from Warren's own pages (browsers send the session
// cookie to any page of the same *site*, another port included), and that a
// body is JSON of a bounded size.

import { env } from "@/lib/env";
import type { Cidr } from "@/lib/net/address";
import { viaTrustedProxy } from "@/lib/net/client-address";

export const MAX_BODY_BYTES = 256 * 1024;

export class RequestError extends Error {
  constructor(readonly status: 400 | 403 | 413 | 415, readonly code: string, message: string) {
    super(message);
  }
}

const WRITES = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * The origin this server answers as: scheme, host and port as the browser
 * addressed it. Forwarding headers (X-Forwarded-Host, -Proto) count only from
 * a trusted proxy; otherwise the Host header, and the scheme Warren is served
 * with — https when its cookies are Secure (a browser sends such a cookie
 * only over https, so only an https page can make a cookie-authenticated
 * write), http otherwise.
 */
export function ownOrigin(h: Headers, trusted: Cidr[], secureCookies: boolean): string | null {
  const proxied = viaTrustedProxy(h, trusted);
  const first = (name: string) => (proxied ? h.get(name)?.split(",")[0].trim().toLowerCase() || null : null);
  const proto = first("x-forwarded-proto");
  const scheme = proto === "http" || proto === "https" ? proto : secureCookies ? "https" : "http";
  const host = first("x-forwarded-host") ?? h.get("host");
  // A host and a port, nothing a URL parser would read as a path or credentials.
  if (!host || !/^[a-z0-9.\-[\]:]{1,300}$/i.test(host)) return null;
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return null;
  }
}

/** Whether a browser's Origin header names this server: scheme, host and port, compared as origins. */
export function sameOrigin(origin: string, own: string | null): boolean {
  if (!own) return false;
  try {
    return new URL(origin).origin === own;
  } catch {
    return false;
  }
}

/**
 * A write authenticated by the session cookie must come from one of Warren's
 * own pages: the browser's Origin (or, without it, Sec-Fetch-Site) says
 * where the request was made. Bearer tokens and Basic credentials are never
 * sent by a browser on its own, so they need no such proof. Server actions
 * (proxy.ts) are held to the same rule.
 */
export function assertSameOrigin(req: { method: string; headers: Headers }): void {
  if (!WRITES.has(req.method.toUpperCase())) return;
  const origin = req.headers.get("origin");
  if (origin && origin !== "null") {
    if (sameOrigin(origin, ownOrigin(req.headers, env().WARREN_TRUSTED_PROXIES, env().WARREN_SECURE_COOKIES === "1"))) return;
    throw new RequestError(403, "cross-origin", `a write from ${origin.slice(0, 100)} with Warren's session cookie is refused: use Warren's own pages, or an API token`);
  }
  const site = req.headers.get("sec-fetch-site");
  if (site === "same-origin" || site === "none") return;
  throw new RequestError(403, "cross-origin", "a write with Warren's session cookie must come from Warren's own pages (no Origin header): use an API token for scripts");
}

/** The body as JSON: only application/json, at most MAX_BODY_BYTES. An empty body is {}. */
export async function readJsonBody(req: Request): Promise<unknown> {
  const len = Number(req.headers.get("content-length") ?? 0);
  if (len > MAX_BODY_BYTES) throw new RequestError(413, "too-large", `the request body is ${len} bytes; at most ${MAX_BODY_BYTES} are accepted`);
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        await reader.cancel();
        throw new RequestError(413, "too-large", `the request body is over ${MAX_BODY_BYTES} bytes`);
      }
      chunks.push(value);
    }
  }
  if (size === 0) return {};
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== "application/json") throw new RequestError(415, "unsupported-media-type", `send the body as application/json (got ${type || "no content type"})`);
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new RequestError(400, "bad-json", "The request body is not valid JSON");
  }
}
