// One set of schemas for the alert forms, server actions, the API and the
// OpenAPI document. Secrets (webhook and Slack URLs, signing keys, SMTP
// passwords) are input only: no response carries them.
import { z } from "zod";
import { hostName } from "@/lib/inventory/schemas";
import { ALERT_KINDS, ALERT_SEVERITIES } from "./kinds";

const name = z.string().trim().min(1, "Name is required").max(64, "At most 64 characters").regex(/^[^\s<>][^<>]*$/, "No '<' or '>'");

/** An http(s) URL (credentials or a token in it are fine: the whole URL is sealed). */
export const hookUrl = z
  .string()
  .trim()
  .min(1, "URL is required")
  .max(2000, "At most 2000 characters")
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "http:" || u.protocol === "https:") && !!u.hostname;
    } catch {
      return false;
    }
  }, "An http:// or https:// URL");

const email = z.string().trim().max(254, "At most 254 characters").regex(/^[^\s@<>,;"]{1,64}@[A-Za-z0-9.-]{1,253}$/, "An address like ops@example.com");
/** One address or several, separated by commas or spaces. */
const emailList = z
  .union([z.string().max(4000), z.array(z.string().max(254)).max(20)])
  .transform((v) => (Array.isArray(v) ? v : v.split(/[\s,;]+/)).map((x) => x.trim()).filter(Boolean))
  .pipe(z.array(email).min(1, "At least one recipient").max(20, "At most 20 recipients"));

export const SMTP_SECURITY = ["starttls", "tls", "none"] as const;

export const WebhookChannelInput = z.strictObject({
  type: z.literal("webhook"),
  name,
  url: hookUrl,
  /** Omitted: Warren makes one and shows it once. */
  signingKey: z.string().max(256, "At most 256 characters").optional().transform((v) => v?.trim() || undefined)
    .refine((v) => v === undefined || v.length >= 16, "At least 16 characters (or leave it empty: Warren makes one)"),
});

export const SlackChannelInput = z.strictObject({
  type: z.literal("slack"),
  name,
  url: hookUrl,
});

export const EmailChannelInput = z.strictObject({
  type: z.literal("email"),
  name,
  host: z.string().trim().min(1, "Server is required").max(253).regex(/^[A-Za-z0-9.:[\]-]+$/, "A host name or address"),
  port: z.coerce.number({ error: "Port must be a number" }).int().min(1, "Port must be 1–65535").max(65535, "Port must be 1–65535").default(587),
  security: z.enum(SMTP_SECURITY, { error: "starttls, tls or none" }).default("starttls"),
  /** Off only for a server with a self-signed certificate you trust on other grounds. */
  verifyCertificate: z.boolean().default(true),
  username: z.string().trim().max(256).optional().transform((v) => v || undefined),
  password: z.string().max(1024).optional().transform((v) => v || undefined),
  from: email,
  to: emailList,
}).superRefine((v, ctx) => {
  if (v.password && !v.username) ctx.addIssue({ code: "custom", path: ["username"], message: "A password needs a user name" });
});

export const ChannelInput = z.discriminatedUnion("type", [WebhookChannelInput, SlackChannelInput, EmailChannelInput]);
export type ChannelInput = z.infer<typeof ChannelInput>;
export type ChannelType = ChannelInput["type"];
export const CHANNEL_TYPES: ChannelType[] = ["webhook", "slack", "email"];

/** What is stored in the clear (AlertChannel.config). */
export type ChannelConfig =
  | { type: "webhook"; target: string }
  | { type: "slack"; target: string }
  | { type: "email"; host: string; port: number; security: (typeof SMTP_SECURITY)[number]; verifyCertificate: boolean; username: string | null; from: string; to: string[] };
/** What is sealed (AlertChannel.secretEnc), as JSON. */
export type ChannelSecrets = { url?: string; signingKey?: string; password?: string };

export const RouteInput = z.strictObject({
  channelId: z.string().min(1, "Choose a channel").max(64),
  /** null or "": every cluster. */
  clusterId: z.string().max(64).nullable().optional().transform((v) => v || null),
  minSeverity: z.enum(ALERT_SEVERITIES).default("warning"),
  /** Minutes between repeats while an incident lasts; 0: never repeat. */
  repeatMinutes: z.coerce.number({ error: "Repeat must be a number of minutes" }).int().min(0).max(7 * 24 * 60, "At most a week").default(240),
});
export type RouteInput = z.infer<typeof RouteInput>;

export const SilenceInput = z.strictObject({
  clusterId: z.string().min(1, "Choose a cluster").max(64),
  /** A host of the cluster (a node or load balancer); empty: every host. */
  host: z.union([hostName, z.literal("")]).optional().transform((v) => v || null),
  kind: z.union([z.enum(ALERT_KINDS), z.literal("")]).optional().transform((v) => v || null),
  /** How long, in minutes (or endsAt). */
  minutes: z.coerce.number({ error: "Duration must be a number of minutes" }).int().min(1, "At least a minute").max(90 * 24 * 60, "At most 90 days").optional(),
  endsAt: z.iso.datetime({ offset: true, error: "An ISO 8601 time" }).optional(),
  reason: z.string().trim().min(3, "Say why (at least 3 characters)").max(500, "At most 500 characters"),
}).superRefine((v, ctx) => {
  if (v.minutes === undefined && v.endsAt === undefined) ctx.addIssue({ code: "custom", path: ["minutes"], message: "Say for how long" });
});
export type SilenceInput = z.infer<typeof SilenceInput>;

const nullable = <T extends z.ZodType>(t: T) => t.nullable().optional();
/** One kind's override for a cluster; null resets that part to the default. */
export const RuleOverride = z.strictObject({
  kind: z.enum(ALERT_KINDS),
  enabled: nullable(z.boolean()),
  severity: nullable(z.enum(["critical", "warning", "health"])),
  forSeconds: nullable(z.coerce.number({ error: "A number of seconds" }).int().min(0, "0 or more").max(86_400, "At most a day")),
  threshold: nullable(z.coerce.number({ error: "A number" }).min(0).max(1e12)),
});
export const RulesInput = z.strictObject({ rules: z.array(RuleOverride).min(1).max(ALERT_KINDS.length) });
export type RuleOverride = z.infer<typeof RuleOverride>;

// Responses (for the OpenAPI document).
const at = z.string().describe("ISO 8601 time");
export const MemberSchema = z.object({
  id: z.string().describe("the alarm, e.g. node-down:node2"), label: z.string(), subject: z.string(), hosts: z.array(z.string()), message: z.string(),
  severity: z.enum(ALERT_SEVERITIES), since: at, held: z.string().nullable().describe("why Warren holds it (its own work)"), silenced: z.string().nullable(),
});
export const IncidentSchema = z.object({
  id: z.string(), clusterId: z.string(), cluster: z.string(), kind: z.enum(ALERT_KINDS), severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(["firing", "held", "silenced", "resolved"]).describe("firing: it pages; held: every member is Warren's own work; silenced: a silence covers the rest"),
  title: z.string(), summary: z.string(), members: z.array(MemberSchema), openedAt: at, resolvedAt: at.nullable(), firedAt: at.nullable(),
});
export const TransitionSchema = z.object({ seq: z.number(), type: z.string(), at, severity: z.string(), status: z.string(), summary: z.string(), members: z.array(MemberSchema) });
export const DeliverySchema = z.object({
  id: z.string().describe("the notification id: X-Warren-Delivery, the payload's id, the email's Message-ID"),
  channelId: z.string(), channel: z.string(), incidentId: z.string().nullable(), seq: z.number(), transition: z.string(),
  status: z.enum(["pending", "sending", "sent", "failed"]), attempts: z.number(), createdAt: at, nextAttemptAt: at.nullable(), sentAt: at.nullable(), lastError: z.string().nullable(),
  log: z.array(z.object({ at, ok: z.boolean(), status: z.number().nullable().describe("HTTP status or SMTP reply code"), answer: z.string().describe("the receiver's answer, truncated"), durationMs: z.number() })),
});
export const ChannelSchema = z.object({
  id: z.string(), name: z.string(), type: z.enum(["webhook", "slack", "email"]),
  target: z.string().describe("where it sends, secrets left out: a URL's scheme and host, or the SMTP server and recipients"),
  config: z.record(z.string(), z.unknown()).describe("the settings that are not secret"), hasSecret: z.boolean(), createdAt: at, createdBy: z.string(),
});
export const RouteSchema = z.object({ id: z.string(), channelId: z.string(), clusterId: z.string().nullable(), minSeverity: z.enum(ALERT_SEVERITIES), repeatMinutes: z.number() });
export const SilenceSchema = z.object({
  id: z.string(), clusterId: z.string(), host: z.string().nullable(), kind: z.string().nullable(), reason: z.string(), startsAt: at, endsAt: at,
  createdBy: z.string(), expiredAt: at.nullable(), expiredBy: z.string().nullable(), active: z.boolean(),
});
export const RuleSchema = z.object({
  kind: z.enum(ALERT_KINDS), title: z.string(), what: z.string(), enabled: z.boolean(), severity: z.enum(["critical", "warning", "health"]), forSeconds: z.number(),
  threshold: z.number().nullable(), thresholdLabel: z.string().nullable(), overridden: z.array(z.string()).describe("which parts this cluster overrides"),
  defaults: z.object({ severity: z.string(), forSeconds: z.number(), threshold: z.number().nullable() }),
});

/** What a webhook receives (the POST body; see lib/alerts/render.ts Payload). */
export const WebhookPayloadSchema = z.strictObject({
  id: z.string().describe("the notification id, the same on every attempt and in X-Warren-Delivery: drop a repeat by it"),
  transition: z.enum(["firing", "update", "repeat", "resolved", "test"]),
  severity: z.enum(ALERT_SEVERITIES),
  cluster: z.string().describe("the cluster's name"),
  clusterId: z.string().nullable(),
  incident: z.strictObject({ id: z.string().nullable(), kind: z.union([z.enum(ALERT_KINDS), z.literal("test")]), title: z.string(), status: z.string(), openedAt: at, resolvedAt: at.nullable() }),
  summary: z.string(),
  members: z.array(z.strictObject({ id: z.string(), label: z.string(), subject: z.string(), message: z.string(), since: at, held: z.string().nullable(), silenced: z.string().nullable() })),
  url: z.string().describe("the cluster's page in Warren (WARREN_PUBLIC_URL)"),
  at,
}).describe("Headers: X-Warren-Delivery (the id), X-Warren-Event (the transition), X-Warren-Signature: sha256=<hex HMAC-SHA256 of the raw body with the channel's signing key>");
