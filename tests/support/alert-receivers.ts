// Receivers for Warren's notifications, on loopback, for the alert tests:
// a webhook receiver that can be down, hang or answer, and records every
// request (with its delivery id and whether its signature verifies); and a
// real SMTP server (aiosmtpd, tests/support/smtp-server.py) with STARTTLS
// and AUTH.
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import type { Socket } from "node:net";

export interface Received {
  at: number;
  path: string;
  delivery: string | undefined;
  event: string | undefined;
  signatureOk: boolean | null;
  body: Record<string, unknown>;
  /** Whether the receiver answered it (a hanging receiver does not). */
  answered: boolean;
}

export type ReceiverMode = "ok" | "hang" | "error";

export interface WebhookReceiver {
  url: string;
  received: Received[];
  mode: ReceiverMode;
  /** Stop listening (connections are refused) or listen again. */
  down(): Promise<void>;
  up(): Promise<void>;
  waitFor(pred: (r: Received) => boolean, timeoutMs: number): Promise<Received>;
  close(): Promise<void>;
}

export async function webhookReceiver(port: number, signingKey?: string): Promise<WebhookReceiver> {
  const sockets = new Set<Socket>();
  const r: WebhookReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    received: [],
    mode: "ok",
    async down() {
      await new Promise<void>((res) => { server.close(() => res()); for (const s of sockets) s.destroy(); });
    },
    async up() {
      await new Promise<void>((res, rej) => { server.once("error", rej); server.listen(port, "127.0.0.1", () => res()); });
    },
    async waitFor(pred, timeoutMs) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const hit = r.received.find(pred);
        if (hit) return hit;
        if (Date.now() > end) throw new Error(`no matching request within ${timeoutMs} ms; received: ${JSON.stringify(r.received.map((x) => [x.delivery, x.event, x.answered]))}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    async close() {
      if (server.listening) await r.down();
    },
  };
  const server = http.createServer((req, res) => {
    let raw = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (raw += d));
    req.on("end", () => {
      const sig = req.headers["x-warren-signature"];
      let body: Record<string, unknown> = {};
      try { body = JSON.parse(raw); } catch { /* recorded as empty */ }
      const rec: Received = {
        at: Date.now(), path: req.url ?? "", delivery: req.headers["x-warren-delivery"] as string | undefined, event: req.headers["x-warren-event"] as string | undefined,
        signatureOk: signingKey ? sig === `sha256=${createHmac("sha256", signingKey).update(raw).digest("hex")}` : null, body, answered: false,
      };
      r.received.push(rec);
      if (r.mode === "hang") return; // never answered: the sender is left waiting
      rec.answered = true;
      if (r.mode === "error") { res.writeHead(503).end("busy"); rec.answered = false; return; }
      res.writeHead(200, { "content-type": "text/plain" }).end("received");
    });
  });
  server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
  await r.up();
  return r;
}

/** A message as aiosmtpd received it; `subject` decoded from its MIME encoded words. */
export interface Mail { from: string; to: string[]; data: string; login: string | null; subject: string; /** When it was received, ms since the epoch. */ at: number }
export interface SmtpServer { port: number; messages(): Mail[]; stop(): Promise<void> }

/** A self-signed certificate for 127.0.0.1, made with openssl in a fresh directory. */
export function selfSignedCert(): { cert: string; key: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-smtp-tls-"));
  const cert = path.join(dir, "cert.pem"), key = path.join(dir, "key.pem");
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  return { cert, key };
}

/** aiosmtpd on 127.0.0.1:port; `tls` requires STARTTLS, `auth` requires that user and password. */
export async function smtpServer(port: number, o: { tls?: { cert: string; key: string }; auth?: { user: string; password: string } } = {}): Promise<SmtpServer> {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "warren-smtp-")), "mail.jsonl");
  const args = [path.resolve("tests/support/smtp-server.py"), String(port), out, ...(o.tls ? ["--tls", o.tls.cert, o.tls.key] : []), ...(o.auth ? ["--auth", o.auth.user, o.auth.password] : [])];
  // Debian's Python, which has python3-aiosmtpd (scripts/setup-machine.sh installs it).
  const child: ChildProcess = spawn("/usr/bin/python3", args, { stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`aiosmtpd did not start: ${err}`)), 15_000);
    child.stdout!.on("data", (d) => { if (String(d).includes("ready")) { clearTimeout(t); resolve(); } });
    child.once("exit", (code) => { clearTimeout(t); reject(new Error(`aiosmtpd exited ${code}: ${err}`)); });
  });
  return {
    port,
    messages: () => (fs.existsSync(out) ? fs.readFileSync(out, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Mail) : []),
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
    },
  };
}
