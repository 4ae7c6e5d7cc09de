import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { afterAttempt, backoffMs, classifyHttp, classifySmtp, MAX_BACKOFF_MS, RETRY_WINDOW_MS, retryAfterMs, truncate } from "@/lib/alerts/outbox";
import { emailMessage, headline, payloadOf, sign, slackMessage, verifySignature, type Payload } from "@/lib/alerts/render";
import type { OpenIncident } from "@/lib/alerts/evaluate";
import { ChannelInput, RouteInput, RulesInput, SilenceInput } from "@/lib/alerts/schema";
import { ATTACK_STRINGS } from "../support/attack-strings";

const T0 = 1_800_000_000_000;

describe("the outbox's state machine", () => {
  it("backs off exponentially from 1 s to 30 s, with at most 20% on top", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => backoffMs(n, 0))).toEqual([1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    expect(backoffMs(3, 1)).toBe(4800);
    expect(backoffMs(9, 0.999)).toBeLessThanOrEqual(MAX_BACKOFF_MS * 1.2);
  });
  it("delivered once sent; a refusal for good is final; a receiver that is down is tried again until the window closes", () => {
    const row = { attempts: 0, createdAt: T0 };
    expect(afterAttempt(row, { ok: true, retryable: false, status: 200, answer: "ok" }, T0 + 10)).toEqual({ status: "sent", attempts: 1, nextAttemptAt: null });
    expect(afterAttempt(row, { ok: false, retryable: false, status: 404, answer: "HTTP 404" }, T0)).toEqual({ status: "failed", attempts: 1, nextAttemptAt: null });
    expect(afterAttempt({ attempts: 4, createdAt: T0 }, { ok: false, retryable: true, status: null, answer: "ECONNREFUSED" }, T0 + 20_000, 0)).toEqual({ status: "pending", attempts: 5, nextAttemptAt: T0 + 36_000 });
    expect(afterAttempt({ attempts: 90, createdAt: T0 }, { ok: false, retryable: true, status: 503, answer: "" }, T0 + RETRY_WINDOW_MS - 10_000, 0)).toMatchObject({ status: "failed" });
    // A receiver asking for a wait gets it (bounded).
    expect(afterAttempt(row, { ok: false, retryable: true, status: 429, answer: "", retryAfterMs: 20_000 }, T0, 0).nextAttemptAt).toBe(T0 + 20_000);
    expect(afterAttempt(row, { ok: false, retryable: true, status: 429, answer: "", retryAfterMs: 3600_000 }, T0, 0).nextAttemptAt).toBe(T0 + 4 * MAX_BACKOFF_MS);
  });
  it("which answers are worth another try", () => {
    expect([200, 204, 301, 400, 401, 404, 408, 410, 429, 500, 502, 503].map((s) => `${s}:${classifyHttp(s).ok ? "ok" : classifyHttp(s).retryable ? "again" : "final"}`))
      .toEqual(["200:ok", "204:ok", "301:final", "400:final", "401:final", "404:final", "408:again", "410:final", "429:again", "500:again", "502:again", "503:again"]);
    expect([null, 421, 450, 535, 550].map((c) => classifySmtp(c).retryable)).toEqual([true, true, true, false, false]);
    expect(retryAfterMs("7", T0)).toBe(7000);
    expect(retryAfterMs(new Date(T0 + 5000).toUTCString(), T0)).toBe(5000);
    expect(retryAfterMs("soon", T0)).toBeUndefined();
    expect(truncate("x".repeat(600)).length).toBe(500);
  });
});

const incident: OpenIncident = {
  id: "inc-1", kind: "node-down", severity: "critical", status: "firing", title: "RabbitMQ nodes down", summary: "RabbitMQ nodes down: node2, node3",
  members: [
    { id: "node-down:node2", label: "node2", subject: "node2", hosts: ["node2"], message: "rabbit@node2 is not running (service failed)", severity: "critical", since: T0, held: "held: Warren's own work (Rolling upgrade of Erlang: node2)", silenced: null },
    { id: "node-down:node3", label: "node3", subject: "node3", hosts: ["node3"], message: "rabbit@node3 is not running <b>&</b>", severity: "critical", since: T0 + 2000, held: null, silenced: null },
  ],
  openedAt: T0, seq: 1, firedAt: T0 + 2000, notified: {},
};
const payload = (transition: Payload["transition"] = "firing", resolvedAt: number | null = null) =>
  payloadOf({ id: "c1", name: "wizard" }, incident, { id: "n-1", transition }, T0 + 2000, resolvedAt, "https://warren.example.com");

describe("what a notification says", () => {
  it("the webhook payload: id to dedupe by, the cluster, the incident, its members and a link back", () => {
    const p = payload();
    expect(p).toMatchObject({ id: "n-1", transition: "firing", severity: "critical", cluster: "wizard", clusterId: "c1", url: "https://warren.example.com/clusters/c1", at: new Date(T0 + 2000).toISOString() });
    expect(p.incident).toEqual({ id: "inc-1", kind: "node-down", title: "RabbitMQ nodes down", status: "firing", openedAt: new Date(T0).toISOString(), resolvedAt: null });
    expect(p.members.map((m) => [m.id, m.held !== null])).toEqual([["node-down:node2", true], ["node-down:node3", false]]);
    expect(payload("resolved", T0 + 9000).incident).toMatchObject({ status: "resolved", resolvedAt: new Date(T0 + 9000).toISOString() });
    expect(headline(p)).toBe("[FIRING critical] wizard: RabbitMQ nodes down");
    expect(headline(payload("resolved", T0))).toBe("[RESOLVED] wizard: RabbitMQ nodes down");
  });
  it("the signature is the body's HMAC-SHA256, as openssl computes it; anything else does not verify", () => {
    const body = JSON.stringify(payload());
    const key = "a-signing-key-of-enough-length";
    const openssl = execFileSync("openssl", ["dgst", "-sha256", "-hmac", key], { input: body, encoding: "utf8" }).trim().split("= ")[1];
    expect(sign(body, key)).toBe(`sha256=${openssl}`);
    expect(verifySignature(body, key, sign(body, key))).toBe(true);
    expect(verifySignature(body + " ", key, sign(body, key))).toBe(false);
    expect(verifySignature(body, "another-key-of-enough-length", sign(body, key))).toBe(false);
    expect(verifySignature(body, key, null)).toBe(false);
  });
  it("Slack: readable text with the members, Slack's three characters escaped, a link back to the cluster page", () => {
    const m = slackMessage(payload());
    expect(m.text).toContain(":red_circle: *[FIRING critical] wizard: RabbitMQ nodes down*");
    expect(m.text).toContain("- rabbit@node3 is not running &lt;b&gt;&amp;&lt;/b&gt;");
    expect(m.text).toContain("(held: Warren's own work (Rolling upgrade of Erlang: node2))");
    expect(m.text).toContain("<https://warren.example.com/clusters/c1|Open wizard in Warren>");
    expect(JSON.stringify(m.blocks)).toContain("incident inc-1");
    expect(slackMessage(payload("resolved", T0)).text).toMatch(/^:large_green_circle: \*\[RESOLVED\]/);
  });
  it("email: a subject that says what and where, a plain body with every member, the link and the delivery id", () => {
    const e = emailMessage(payload());
    expect(e.subject).toBe("[Warren] FIRING critical: wizard — RabbitMQ nodes down");
    expect(e.text).toContain("- rabbit@node2 is not running (service failed) (held: Warren's own work (Rolling upgrade of Erlang: node2))");
    expect(e.text).toContain("Cluster page: https://warren.example.com/clusters/c1");
    expect(e.text).toContain("delivery n-1");
    expect(emailMessage(payload("repeat")).subject).toBe("[Warren] STILL FIRING critical: wizard — RabbitMQ nodes down");
  });
});

describe("the alert forms' schemas", () => {
  it("channels: secrets are input only; URLs are http(s); recipients are a list", () => {
    expect(ChannelInput.parse({ type: "webhook", name: "ops hook", url: "http://127.0.0.1:3991/hook" })).toEqual({ type: "webhook", name: "ops hook", url: "http://127.0.0.1:3991/hook", signingKey: undefined });
    expect(ChannelInput.safeParse({ type: "webhook", name: "x", url: "file:///etc/passwd" }).success).toBe(false);
    expect(ChannelInput.safeParse({ type: "webhook", name: "x", url: "http://h/", signingKey: "short" }).success).toBe(false);
    const mail = ChannelInput.parse({ type: "email", name: "oncall", host: "127.0.0.1", port: "2525", security: "none", from: "warren@example.com", to: "a@example.com, b@example.com" });
    expect(mail).toMatchObject({ port: 2525, verifyCertificate: true, to: ["a@example.com", "b@example.com"] });
    expect(ChannelInput.safeParse({ type: "email", name: "x", host: "h", from: "w@example.com", to: "a@example.com", password: "p" }).success).toBe(false);
    for (const a of ATTACK_STRINGS) {
      const r = ChannelInput.safeParse({ type: "email", name: "x", host: a, from: "w@example.com", to: a });
      expect(r.success, a).toBe(false);
    }
  });
  it("routes, silences and rules", () => {
    expect(RouteInput.parse({ channelId: "ch", clusterId: "" })).toEqual({ channelId: "ch", clusterId: null, minSeverity: "warning", repeatMinutes: 240 });
    expect(SilenceInput.parse({ clusterId: "c1", host: "node2", kind: "", minutes: "30", reason: "disk swap" })).toMatchObject({ host: "node2", kind: null, minutes: 30 });
    expect(SilenceInput.safeParse({ clusterId: "c1", reason: "why" }).success).toBe(false);
    expect(SilenceInput.safeParse({ clusterId: "c1", minutes: 5, reason: "x" }).success).toBe(false);
    expect(SilenceInput.safeParse({ clusterId: "c1", host: "$(reboot)", minutes: 5, reason: "why not" }).success).toBe(false);
    expect(RulesInput.parse({ rules: [{ kind: "fd-high", threshold: "80", forSeconds: null }] }).rules[0]).toEqual({ kind: "fd-high", threshold: 80, forSeconds: null });
    expect(RulesInput.safeParse({ rules: [{ kind: "no-such-kind" }] }).success).toBe(false);
  });
});

describe("the alert API in the OpenAPI document", () => {
  it("describes every alert route and /metrics; the published webhook payload is exactly what is sent", async () => {
    const { openApiDocument } = await import("@/lib/api/openapi");
    const { WebhookPayloadSchema } = await import("@/lib/alerts/schema");
    const paths = openApiDocument.paths as Record<string, Record<string, unknown>>;
    for (const p of ["/alerts", "/alerts/{id}", "/alerts/silences", "/alerts/silences/{id}", "/alerts/channels", "/alerts/channels/{id}", "/alerts/channels/{id}/test", "/alerts/routes", "/alerts/routes/{id}", "/alerts/deliveries", "/clusters/{id}/alert-rules", "/metrics"])
      expect(paths[p], p).toBeTruthy();
    expect(paths["/metrics"].servers).toEqual([{ url: "/" }]);
    const schemas = openApiDocument.components.schemas as Record<string, { properties?: Record<string, unknown>; oneOf?: unknown[] }>;
    expect(Object.keys(schemas.WebhookPayload.properties!)).toEqual(["id", "transition", "severity", "cluster", "clusterId", "incident", "summary", "members", "url", "at"]);
    expect(JSON.stringify(schemas.ChannelInput)).toContain("signingKey");
    expect(JSON.stringify(schemas.Channel)).not.toMatch(/signingKey|password|"url"/);
    expect(WebhookPayloadSchema.parse(payload())).toEqual(payload());
    expect(WebhookPayloadSchema.parse(payload("resolved", T0 + 1))).toEqual(payload("resolved", T0 + 1));
  });
});
