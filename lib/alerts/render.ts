// What a notification says, per channel kind. Pure. The payload is fixed
// when the notification is written to the outbox, so a retry after a restart
// sends exactly what the first attempt sent; each channel renders it:
// webhooks get it as JSON (signed), Slack-compatible hooks readable text
// with a link back to the cluster page, email a subject and a plain body.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { AlertKind, AlertSeverity } from "./kinds";
import type { OpenIncident, Transition } from "./evaluate";

export type PayloadTransition = Transition | "test";

/** The JSON body of a webhook (and what every channel renders). */
export interface Payload {
  /** The notification's id: the same on every attempt, so a receiver can drop duplicates by it. */
  id: string;
  transition: PayloadTransition;
  severity: AlertSeverity;
  cluster: string;
  clusterId: string | null;
  incident: { id: string | null; kind: AlertKind | "test"; title: string; status: string; openedAt: string; resolvedAt: string | null };
  summary: string;
  members: { id: string; label: string; subject: string; message: string; since: string; held: string | null; silenced: string | null }[];
  /** The cluster's page in Warren. */
  url: string;
  at: string;
}

export const SIGNATURE_HEADER = "X-Warren-Signature";
export const DELIVERY_HEADER = "X-Warren-Delivery";

/** "sha256=<hex HMAC-SHA256 of the raw body>", as GitHub signs its webhooks. */
export function sign(body: string, key: string): string {
  return `sha256=${createHmac("sha256", key).update(body, "utf8").digest("hex")}`;
}

/** How a receiver checks a signature (constant time); also used by the tests. */
export function verifySignature(body: string, key: string, header: string | null | undefined): boolean {
  if (!header) return false;
  const want = Buffer.from(sign(body, key));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}

const VERB: Record<PayloadTransition, string> = { firing: "FIRING", update: "UPDATE", repeat: "STILL FIRING", resolved: "RESOLVED", test: "TEST" };

/** One line: what happened, where. */
export function headline(p: Payload): string {
  if (p.transition === "test") return "[TEST] a test notification from Warren";
  return `[${VERB[p.transition]}${p.transition === "resolved" ? "" : ` ${p.severity}`}] ${p.cluster}: ${p.incident.title}`;
}

function memberLines(p: Payload): string[] {
  return p.members.map((m) => `- ${m.message}${m.held ? ` (${m.held})` : m.silenced ? ` (${m.silenced})` : ""}`);
}

/** Slack's mrkdwn escapes only these three. */
const slackEscape = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A Slack-compatible incoming webhook's message (Slack, Mattermost, Rocket.Chat): text for every client, blocks for Slack's. */
export function slackMessage(p: Payload): { text: string; blocks: unknown[] } {
  const icon = p.transition === "resolved" ? ":large_green_circle:" : p.transition === "test" ? ":information_source:" : p.severity === "critical" ? ":red_circle:" : ":large_orange_circle:";
  const head = `${icon} *${slackEscape(headline(p))}*`;
  const body = [slackEscape(p.summary), ...(p.members.length > 1 ? memberLines(p).slice(0, 10).map(slackEscape) : [])].join("\n");
  const link = `<${p.url}|${p.transition === "test" ? "Open Warren" : `Open ${slackEscape(p.cluster)} in Warren`}>`;
  const text = `${head}\n${body}\n${link}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `${head}\n${body}` } },
      { type: "context", elements: [{ type: "mrkdwn", text: `${link} · ${p.at}${p.transition === "test" ? "" : ` · incident ${p.incident.id}`}` }] },
    ],
  };
}

/** An email's subject and plain-text body. */
export function emailMessage(p: Payload): { subject: string; text: string } {
  const lines = [
    headline(p),
    "",
    p.summary,
    "",
    ...(p.members.length ? ["Members:", ...memberLines(p), ""] : []),
    ...(p.transition === "test" ? [] : [`Incident ${p.incident.id}, open since ${p.incident.openedAt}${p.incident.resolvedAt ? `, resolved ${p.incident.resolvedAt}` : ""}.`]),
    `${p.transition === "test" ? "Warren" : "Cluster page"}: ${p.url}`,
    "",
    `Sent by Warren at ${p.at}; delivery ${p.id}.`,
  ];
  const sev = p.transition === "resolved" ? "" : ` ${p.severity}`;
  const subject = p.transition === "test" ? "[Warren] TEST: a test notification" : `[Warren] ${VERB[p.transition]}${sev}: ${p.cluster} — ${p.incident.title}`;
  return { subject: subject.slice(0, 250), text: lines.join("\n") };
}

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());

/** The payload of one notification about an incident transition; `base`: Warren's public URL. */
export function payloadOf(c: { id: string; name: string }, inc: OpenIncident, d: { id: string; transition: PayloadTransition }, at: number, resolvedAt: number | null, base: string): Payload {
  return {
    id: d.id, transition: d.transition, severity: inc.severity, cluster: c.name, clusterId: c.id,
    incident: { id: inc.id, kind: inc.kind, title: inc.title, status: resolvedAt !== null ? "resolved" : inc.status, openedAt: new Date(inc.openedAt).toISOString(), resolvedAt: iso(resolvedAt) },
    summary: inc.summary,
    members: inc.members.map((m) => ({ id: m.id, label: m.label, subject: m.subject, message: m.message, since: new Date(m.since).toISOString(), held: m.held, silenced: m.silenced })),
    url: `${base}/clusters/${c.id}`,
    at: new Date(at).toISOString(),
  };
}
