import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { payloadOf } from "@/lib/alerts/render";

// A channel's secrets never reach its delivery log: a receiver's answer or a
// transport error that echoes the request (its URL, path, credentials) is
// stored with each secret replaced. Credentials in a webhook URL are sent as
// Basic authentication (fetch refuses such a URL, and its error names it).
vi.stubEnv("WARREN_SECRET_KEY", "11".repeat(32));
const { deliver, sealChannelSecrets, scrub, secretWords } = await import("@/lib/alerts/channels");

const payload = payloadOf({ id: "c1", name: "prod" }, {
  id: "i1", kind: "node-down", severity: "critical", status: "firing", title: "RabbitMQ nodes down", summary: "rabbit@node2 is not running",
  members: [{ id: "node-down:node2", label: "node2", subject: "node2", hosts: ["node2"], message: "rabbit@node2 is not running", severity: "critical", since: 1, held: null, silenced: null }],
  openedAt: 1, seq: 1, firedAt: 1, notified: {},
}, { id: "d1", transition: "firing" }, 1, null, "http://127.0.0.1:3000");
let server: http.Server;
let port = 0;
const seen: { url: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  // Answers like a framework's 404: the method and path, and what it was told.
  server = http.createServer((req, res) => {
    seen.push({ url: req.url ?? "", auth: req.headers.authorization });
    res.writeHead(404).end(`Cannot POST ${req.url} (authorization: ${req.headers.authorization ?? "none"}; decoded ${Buffer.from((req.headers.authorization ?? "").replace(/^Basic /, ""), "base64").toString()})`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const channel = (type: "webhook" | "slack", secrets: Record<string, string>) => ({ id: `ch-${type}`, type, config: JSON.stringify({ type }), secretEnc: sealChannelSecrets(`ch-${type}`, secrets) });

describe("a channel's secrets in its delivery log", () => {
  it("a Slack-style URL whose path is the token: the answer echoing the path keeps none of it", async () => {
    const url = `http://127.0.0.1:${port}/services/T0AAA/B0BBB/xoxb-s3cr3t-t0ken`;
    const r = await deliver(channel("slack", { url }), payload);
    expect(r).toMatchObject({ ok: false, status: 404 });
    expect(r.answer).toContain("Cannot POST [secret]");
    for (const part of ["xoxb-s3cr3t-t0ken", "/services/T0AAA", url]) expect(r.answer).not.toContain(part);
  });

  it("credentials in a webhook URL go as Basic authentication, and neither they nor the signing key are stored", async () => {
    const url = `http://ops:p%40ss-w0rd@127.0.0.1:${port}/hook?key=k3y-v4lue`;
    const r = await deliver(channel("webhook", { url, signingKey: "sign-k3y-secret" }), payload);
    expect(r).toMatchObject({ ok: false, status: 404 });
    expect(seen.at(-1)).toEqual({ url: "/hook?key=k3y-v4lue", auth: `Basic ${Buffer.from("ops:p@ss-w0rd").toString("base64")}` });
    for (const part of ["p%40ss-w0rd", "p@ss-w0rd", "k3y-v4lue", "sign-k3y-secret", Buffer.from("ops:p@ss-w0rd").toString("base64")]) expect(r.answer).not.toContain(part);
  });

  it("nothing listening: the transport error does not name the URL", async () => {
    const url = "http://ops:hunter22@127.0.0.9:9/t0ken-path-secret";
    const r = await deliver(channel("webhook", { url }), payload);
    expect(r.ok).toBe(false);
    for (const part of ["hunter22", "t0ken-path-secret"]) expect(r.answer).not.toContain(part);
  });

  it("property: a secret placed anywhere in an answer, as given or URL-decoded, is replaced", () => {
    const token = fc.stringMatching(/^[A-Za-z0-9%@:._~-]{3,40}$/);
    fc.assert(fc.property(token, token, fc.string(), fc.string(), (path, key, before, after) => {
      const url = `https://hooks.example.com/${path}`;
      const words = secretWords({ url, signingKey: key });
      for (const secret of [url, `/${path}`, key]) {
        const out = scrub(`${before}${secret}${after}`, words);
        expect(out).not.toContain(secret);
      }
    }), { numRuns: 300 });
  });
});
