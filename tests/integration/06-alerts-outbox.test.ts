import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarren, type WarrenServer } from "../support/warren-server";
import { selfSignedCert, smtpServer, webhookReceiver, type SmtpServer, type WebhookReceiver } from "../support/alert-receivers";

// Durable delivery (#25 §4) on a real Warren server (the production build),
// a webhook receiver and a real SMTP server (aiosmtpd), all on loopback: no
// lab needed. The notification comes from a real incident: a cluster whose
// hosts are loopback addresses where nothing listens (127.0.0.61–62), and
// "Stop the whole cluster" on it, which fails at its first step — a failed
// run is an alert kind.
const WARREN_PORT = 3994, HOOK_PORT = 3995, SMTP_PORT = 3996;
const KEY = "outbox-test-signing-key-0123456789";

let warren: WarrenServer;
let hook: WebhookReceiver;
let clusterId = "";
let runId = "";

interface Delivery { id: string; incidentId: string | null; transition: string; status: string; attempts: number; log: { at: string; ok: boolean; status: number | null; answer: string }[] }
interface Incident { id: string; kind: string; status: string; resolvedAt: string | null }

const until = async <T>(what: string, f: () => Promise<T | null | undefined | false>, timeoutMs: number, everyMs = 250): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
};
const deliveries = async (q = "") => (await warren.api<{ deliveries: Delivery[] }>("GET", `/alerts/deliveries?take=500${q}`)).body.deliveries;
const incidents = async () => (await warren.api<{ incidents: Incident[] }>("GET", `/alerts?state=all&cluster=${clusterId}`)).body.incidents;
const firings = () => hook.received.filter((r) => r.event === "firing");

beforeAll(async () => {
  hook = await webhookReceiver(HOOK_PORT, KEY);
  warren = await startWarren(WARREN_PORT);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-it-key-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
  const privateKey = fs.readFileSync(path.join(dir, "k"), "utf8");
  const hosts: string[] = [];
  for (const [name, address] of [["quiet61", "127.0.0.61"], ["quiet62", "127.0.0.62"]]) {
    const r = await warren.api<{ host: { id: string } }>("POST", "/hosts", { name, address, authType: "key", privateKey });
    expect(r.status).toBe(201);
    hosts.push(r.body.host.id);
  }
  const c = await warren.api<{ cluster: { id: string } }>("POST", "/clusters", { name: "outbox", members: hosts.map((hostId) => ({ hostId, role: "rabbitmq", nodeType: "disc" })) });
  clusterId = c.body.cluster.id;
  const ch = await warren.api<{ channel: { id: string } }>("POST", "/alerts/channels", { type: "webhook", name: "hook", url: hook.url, signingKey: KEY });
  expect(ch.status).toBe(201);
  expect((await warren.api("POST", "/alerts/routes", { channelId: ch.body.channel.id, clusterId: null, minSeverity: "warning", repeatMinutes: 0 })).status).toBe(201);
}, 180_000);

afterAll(async () => {
  await warren?.stop();
  await hook?.close();
});

describe("the outbox", () => {
  it("survives kill -9 of Warren between enqueue and send: delivered once after restart, and never again after a recorded success", async () => {
    // The receiver takes the request and never answers: Warren is mid-send when it dies.
    hook.mode = "hang";
    const r = await warren.api<{ runId: string }>("POST", `/clusters/${clusterId}/operations`, { type: "cluster-stop", params: {}, confirmDestructive: true });
    expect(r.status).toBe(202);
    runId = r.body.runId;
    const first = await hook.waitFor((x) => x.event === "firing", 90_000);
    expect(first.signatureOk).toBe(true);
    expect(first.body).toMatchObject({ id: first.delivery, transition: "firing", severity: "critical", cluster: "outbox", clusterId, incident: { kind: "run-failed", title: "Operation failed" } });
    expect(first.body.url).toBe(`${warren.url}/clusters/${clusterId}`);
    const inFlight = (await deliveries()).find((d) => d.id === first.delivery)!;
    expect(inFlight.status).toBe("sending");

    await warren.crash();
    hook.mode = "ok";
    await warren.restart();
    const again = await hook.waitFor((x) => x.delivery === first.delivery && x.answered, 30_000);
    expect(again.body).toEqual(first.body); // the same notification, fixed when it was written
    const d = await until("the delivery recorded as sent", async () => (await deliveries()).find((x) => x.id === first.delivery && x.status === "sent"), 15_000);
    expect(d.log.map((a) => [a.ok, a.status])).toEqual([[false, null], [true, 200]]);
    expect(d.log[0].answer).toMatch(/interrupted: Warren stopped during this attempt/);

    // Restarted again (and given time to settle): the same incident continues, nothing is sent twice.
    await warren.crash();
    await warren.restart();
    await new Promise((res) => setTimeout(res, 25_000));
    expect(new Set(firings().map((x) => x.delivery))).toEqual(new Set([first.delivery]));
    expect(firings().filter((x) => x.answered)).toHaveLength(1);
    const inc = await incidents();
    expect(inc.map((i) => `${i.kind} ${i.status}`)).toEqual(["run-failed firing"]);
    const trans = (await warren.api<{ incident: { transitions: { type: string }[] } }>("GET", `/alerts/${inc[0].id}`)).body.incident.transitions;
    expect(trans.map((t) => t.type)).toEqual(["firing"]);
  }, 240_000);

  it("a receiver down for 30 s gets what was written meanwhile once it is back, each once and each incident in order; the delivery log shows the failed attempts, then the success", async () => {
    await hook.down();
    const downAt = Date.now();
    const sentBefore = new Set(hook.received.map((x) => x.delivery));
    // Retrying the run resolves its incident at once (the run is no longer failed); it fails again and fires anew
    // (incident B), and retried again B resolves too: three notifications while the receiver is down.
    const a = (await incidents()).find((i) => !i.resolvedAt)!;
    expect((await warren.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
    const b = await until("the run failing again: incident B", async () => (await incidents()).find((i) => !i.resolvedAt && i.id !== a.id), 90_000, 500);
    expect((await warren.api("POST", `/runs/${runId}/retry`)).status).toBe(202);
    await until("incident B resolved", async () => (await incidents()).find((i) => i.id === b.id && i.resolvedAt), 15_000, 500);
    const written = await until("the three notifications in the outbox", async () => {
      const ds = (await deliveries()).filter((x) => !sentBefore.has(x.id) && x.transition !== "test");
      return ds.length >= 3 ? ds : null;
    }, 15_000, 500);
    const aResolved = written.find((x) => x.transition === "resolved" && x.incidentId === a.id)!;
    const bFiring = written.find((x) => x.transition === "firing" && x.incidentId === b.id)!;
    const bResolved = written.find((x) => x.transition === "resolved" && x.incidentId === b.id)!;
    expect([aResolved, bFiring, bResolved].every(Boolean)).toBe(true);
    await new Promise((res) => setTimeout(res, Math.max(0, 30_000 - (Date.now() - downAt))));
    const upAt = Date.now();
    await hook.up();
    for (const d of [aResolved, bFiring, bResolved]) await hook.waitFor((x) => x.delivery === d.id && x.answered, 45_000);
    const final = await until("all three recorded as sent", async () => {
      const ds = (await deliveries()).filter((x) => [aResolved.id, bFiring.id, bResolved.id].includes(x.id));
      return ds.every((x) => x.status === "sent") ? ds : null;
    }, 15_000);
    const log = (id: string) => final.find((x) => x.id === id)!.log;
    for (const id of [aResolved.id, bFiring.id]) {
      const fails = log(id).filter((a) => !a.ok);
      expect(fails.length).toBeGreaterThanOrEqual(3);
      for (const a of fails) {
        expect(Date.parse(a.at)).toBeLessThan(upAt);
        expect(a.answer).toMatch(/ECONNREFUSED/);
      }
      expect(log(id).at(-1)).toMatchObject({ ok: true, status: 200 });
      expect(Date.parse(log(id).at(-1)!.at)).toBeGreaterThanOrEqual(upAt);
    }
    // B's "resolved" waited for B's "firing" to be delivered: the receiver heard them in order, the resolved one at its first try.
    expect(log(bResolved.id).map((a) => a.ok)).toEqual([true]);
    const order = hook.received.filter((x) => x.answered).map((x) => x.delivery);
    expect(order.indexOf(bFiring.id)).toBeLessThan(order.indexOf(bResolved.id));
    for (const d of [aResolved, bFiring, bResolved]) expect(hook.received.filter((x) => x.delivery === d.id)).toHaveLength(1);
  }, 240_000);
});

describe("email over SMTP", () => {
  let smtp: SmtpServer;
  beforeAll(async () => {
    smtp = await smtpServer(SMTP_PORT, { tls: selfSignedCert(), auth: { user: "warren", password: "smtp-s3cret" } });
  });
  afterAll(async () => { await smtp?.stop(); });

  it("STARTTLS and authentication: the test arrives with the delivery id as its Message-ID; a wrong password is refused for good and logged", async () => {
    const mail = { type: "email", host: "127.0.0.1", port: SMTP_PORT, security: "starttls", verifyCertificate: false, username: "warren", from: "warren@example.com", to: "oncall@example.com, second@example.com" };
    const ok = await warren.api<{ channel: { id: string; config: Record<string, unknown> } }>("POST", "/alerts/channels", { ...mail, name: "mail", password: "smtp-s3cret" });
    expect(ok.status).toBe(201);
    expect(JSON.stringify(ok.body)).not.toContain("smtp-s3cret");
    const t = await warren.api<{ delivery: Delivery }>("POST", `/alerts/channels/${ok.body.channel.id}/test`);
    expect(t.body.delivery).toMatchObject({ status: "sent", attempts: 1, log: [{ ok: true, status: 250, answer: "250 Message accepted for delivery" }] });
    const got = smtp.messages();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ from: "warren@example.com", to: ["oncall@example.com", "second@example.com"], login: "warren" });
    expect(got[0].data).toContain(`Message-ID: <${t.body.delivery.id}@warren>`);
    expect(got[0].data).toMatch(/^Subject: .*TEST/m);

    const bad = await warren.api<{ channel: { id: string } }>("POST", "/alerts/channels", { ...mail, name: "mail-bad", password: "wrong" });
    const f = await warren.api<{ delivery: Delivery }>("POST", `/alerts/channels/${bad.body.channel.id}/test`);
    expect(f.body.delivery).toMatchObject({ status: "failed", attempts: 1, log: [{ ok: false, status: 535 }] });
    expect(smtp.messages()).toHaveLength(1);
  }, 60_000);
});
