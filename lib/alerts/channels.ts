import "server-only";
// The channels' edge: sealing their secrets, and one attempt to deliver a
// payload through each kind — a signed JSON webhook, a Slack-compatible
// incoming webhook, email over SMTP (nodemailer). An attempt never throws:
// it says whether the receiver took it, whether another try makes sense,
// and what the receiver answered.
import nodemailer from "nodemailer";
import { secretBox } from "@/lib/crypto/keys";
import { classifyHttp, classifySmtp, retryAfterMs, truncate, type AttemptResult } from "./outbox";
import { DELIVERY_HEADER, emailMessage, sign, SIGNATURE_HEADER, slackMessage, type Payload } from "./render";
import type { ChannelConfig, ChannelSecrets } from "./schema";

const HTTP_TIMEOUT_MS = 10_000;
const SMTP_TIMEOUT_MS = 15_000;

const purpose = (channelId: string) => `alert-channel:${channelId}`;

export function sealChannelSecrets(channelId: string, s: ChannelSecrets): string {
  return secretBox().seal(JSON.stringify(s), purpose(channelId));
}

function openChannelSecrets(channelId: string, sealed: string | null): ChannelSecrets {
  return sealed ? (JSON.parse(secretBox().open(sealed, purpose(channelId))) as ChannelSecrets) : {};
}

export interface StoredChannel { id: string; type: string; config: string; secretEnc: string | null }

/** Why a request failed before any answer, in words (the cause's code, never a stack). */
function unreachable(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string }; code?: string; message?: string };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return `no answer within ${HTTP_TIMEOUT_MS / 1000} s`;
  const code = err?.cause?.code ?? err?.code;
  return `could not deliver: ${code ?? err?.cause?.message ?? err?.message ?? String(e)}`.slice(0, 300);
}

async function post(url: string, body: string, headers: Record<string, string>): Promise<AttemptResult> {
  // Credentials in the URL go as Basic authentication: fetch refuses such a URL (and its error names it whole).
  const u = new URL(url);
  const auth: Record<string, string> = u.username || u.password ? { Authorization: `Basic ${Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64")}` } : {};
  u.username = "";
  u.password = "";
  let res: Response;
  try {
    res = await fetch(u, { method: "POST", body, headers: { "Content-Type": "application/json", "User-Agent": "Warren", ...headers, ...auth }, redirect: "manual", signal: AbortSignal.timeout(HTTP_TIMEOUT_MS) });
  } catch (e) {
    return { ok: false, retryable: true, status: null, answer: unreachable(e) };
  }
  let text = "";
  try { text = (await res.text()).trim(); } catch { /* the status says enough */ }
  const c = classifyHttp(res.status);
  return { ...c, status: res.status, answer: truncate(`HTTP ${res.status}${text ? `: ${text}` : ""}`), retryAfterMs: retryAfterMs(res.headers.get("retry-after"), Date.now()) };
}

/**
 * What must never be stored or shown from a channel's secrets: the URL, its
 * path and query (a Slack URL's token is its path), its user and password
 * (also as Basic authentication), the signing key, the SMTP password — as
 * given and URL-decoded.
 */
export function secretWords(s: ChannelSecrets): string[] {
  const out: string[] = [];
  if (s.url) {
    out.push(s.url);
    try {
      const u = new URL(s.url);
      if (u.pathname.length > 1) out.push(u.pathname + u.search, u.pathname);
      if (u.search.length > 1) out.push(u.search);
      out.push(u.username, u.password);
      // As the Authorization header says them (a receiver may echo it).
      if (u.username || u.password) out.push(Buffer.from(`${decodeURIComponent(u.username)}:${decodeURIComponent(u.password)}`).toString("base64"));
    } catch { /* not a URL: the whole string is enough */ }
  }
  out.push(s.signingKey ?? "", s.password ?? "");
  const words = out.flatMap((w) => { try { return [w, decodeURIComponent(w)]; } catch { return [w]; } });
  // Longest first, so a URL is replaced whole before its parts; short fragments ("/", "a") would blank out ordinary words.
  return [...new Set(words.filter((w) => w.length >= 3))].sort((a, b) => b.length - a.length);
}

/** `text` with every secret word replaced: a receiver's answer or an error may echo the request. */
export function scrub(text: string, words: string[]): string {
  let out = text;
  for (const w of words) out = out.split(w).join("[secret]");
  return out;
}

/** One attempt to deliver `p` through the channel; its answer never holds the channel's secrets. */
export async function deliver(ch: StoredChannel, p: Payload): Promise<AttemptResult> {
  const config = JSON.parse(ch.config) as ChannelConfig;
  const secrets = openChannelSecrets(ch.id, ch.secretEnc);
  const r = await attempt(config, secrets, p);
  return { ...r, answer: scrub(r.answer, secretWords(secrets)) };
}

async function attempt(config: ChannelConfig, secrets: ChannelSecrets, p: Payload): Promise<AttemptResult> {
  switch (config.type) {
    case "webhook": {
      const body = JSON.stringify(p);
      return post(secrets.url!, body, {
        [DELIVERY_HEADER]: p.id, "X-Warren-Event": p.transition,
        ...(secrets.signingKey ? { [SIGNATURE_HEADER]: sign(body, secrets.signingKey) } : {}),
      });
    }
    case "slack":
      return post(secrets.url!, JSON.stringify(slackMessage(p)), {});
    case "email":
      return sendMail(config, secrets, p);
  }
}

async function sendMail(c: Extract<ChannelConfig, { type: "email" }>, s: ChannelSecrets, p: Payload): Promise<AttemptResult> {
  const transport = nodemailer.createTransport({
    host: c.host, port: c.port,
    secure: c.security === "tls",
    requireTLS: c.security === "starttls",
    ignoreTLS: c.security === "none",
    auth: c.username ? { user: c.username, pass: s.password ?? "" } : undefined,
    tls: { rejectUnauthorized: c.verifyCertificate },
    connectionTimeout: SMTP_TIMEOUT_MS, greetingTimeout: SMTP_TIMEOUT_MS, socketTimeout: SMTP_TIMEOUT_MS,
    disableFileAccess: true, disableUrlAccess: true,
  });
  const m = emailMessage(p);
  try {
    const info = await transport.sendMail({
      from: c.from, to: c.to, subject: m.subject, text: m.text,
      messageId: `<${p.id}@warren>`, headers: { [DELIVERY_HEADER]: p.id },
    });
    const code = Number(/^(\d{3})/.exec(info.response ?? "")?.[1]) || 250;
    return { ok: true, retryable: false, status: code, answer: truncate(info.response || "accepted") };
  } catch (e) {
    const err = e as { responseCode?: number; response?: string; code?: string; message?: string };
    const code = typeof err.responseCode === "number" ? err.responseCode : null;
    return { ok: false, ...classifySmtp(code), status: code, answer: truncate(err.response || `${err.code ?? "error"}: ${err.message ?? String(e)}`) };
  } finally {
    transport.close();
  }
}

/** Where a channel sends, with nothing secret: a URL's scheme and host (its path may hold a token). */
export function publicTarget(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}/…`;
  } catch {
    return "(invalid URL)";
  }
}
