import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sshOk } from "@/lab/client";
import { requireLab } from "../support/lab";
import { startWarren, type WarrenServer } from "../support/warren-server";

// Host keys belong to the address (and port), outlive inventory rows, and a
// different key always waits for an admin: an operator cannot get around it
// by deleting the host and adding it again. On node9, whose keys the test
// replaces (the lab suite reaches it with host-key checking off).
const lab = requireLab();
const HOST = "node9";
const address = lab.hosts.find((h) => h.name === HOST)!.address;
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
let warren: WarrenServer;
let operator: string;

async function as<T = Record<string, unknown>>(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(`${warren.url}/api/v1${path}`, { method, headers: { Authorization: `Bearer ${token}`, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
}

beforeAll(async () => {
  warren = await startWarren(3404);
  operator = (await warren.api<{ token: { token: string } }>("POST", "/tokens", { name: "operator", role: "operator" })).body.token.token;
}, 120_000);
afterAll(async () => { await warren?.stop(); });

const newKeys = () => sshOk(lab, HOST, "rm -f /etc/ssh/ssh_host_* && ssh-keygen -A >/dev/null && systemctl restart ssh");
const hostKey = async () => (await sshOk(lab, HOST, "ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub")).split(" ")[1];

describe("host keys by address", () => {
  it("a changed key is refused, and deleting and re-adding the host does not make Warren trust it; an admin must", async () => {
    const add = () => as<{ host: { id: string } }>(operator, "POST", "/hosts", { name: HOST, address, authType: "key", privateKey: key });
    let id = (await add()).body.host.id;
    const first = await as<{ ok: boolean; fingerprint: string }>(operator, "POST", `/hosts/${id}/test`);
    expect(first.body.ok).toBe(true);
    expect(first.body.fingerprint).toBe(await hostKey());

    await newKeys();
    const changed = await as<{ ok: boolean; error: { kind: string; message: string } }>(operator, "POST", `/hosts/${id}/test`);
    expect(changed.body.ok).toBe(false);
    expect(changed.body.error.kind).toBe("hostkey");

    // The operator's way around it, before: delete the host, add it again, trust the new key on first use.
    expect((await as(operator, "DELETE", `/hosts/${id}`)).status).toBe(200);
    id = (await add()).body.host.id;
    const again = await as<{ ok: boolean; error: { kind: string } }>(operator, "POST", `/hosts/${id}/test`);
    expect(again.body.ok).toBe(false);
    expect(again.body.error.kind).toBe("hostkey");
    const view = await as<{ host: { hostKeyFingerprint: string; hostKeyPending: string } }>(operator, "GET", `/hosts/${id}`);
    expect(view.body.host.hostKeyPending).toBe(await hostKey());
    expect(view.body.host.hostKeyFingerprint).toBe(first.body.fingerprint);

    const byOperator = await as(operator, "POST", `/hosts/${id}/accept-host-key`, { fingerprint: view.body.host.hostKeyPending });
    expect(byOperator.status).toBe(403);
    const byAdmin = await warren.api<{ host: { hostKeyFingerprint: string } }>("POST", `/hosts/${id}/accept-host-key`, { fingerprint: view.body.host.hostKeyPending });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.host.hostKeyFingerprint).toBe(await hostKey());
    expect((await as<{ ok: boolean }>(operator, "POST", `/hosts/${id}/test`)).body.ok).toBe(true);
  }, 120_000);

  it("a host that does not trust its first key shows it for comparison; an operator confirms it", async () => {
    // A second address on node9: nothing is known for it yet.
    const alias = "10.213.77.59";
    await sshOk(lab, HOST, `ip addr add ${alias}/24 dev eth0`);
    try {
      const r = await as<{ host: { id: string } }>(operator, "POST", "/hosts", { name: "node9-alias", address: alias, authType: "key", privateKey: key, trustFirstKey: false });
      expect(r.status).toBe(201);
      const id = r.body.host.id;
      const refused = await as<{ ok: boolean; error: { kind: string; message: string } }>(operator, "POST", `/hosts/${id}/test`);
      expect(refused.body.ok).toBe(false);
      expect(refused.body.error.message).toContain(await hostKey());
      expect(refused.body.error.message).toMatch(/compare it/);
      const pending = (await as<{ host: { hostKeyPending: string; hostKeyFingerprint: string | null } }>(operator, "GET", `/hosts/${id}`)).body.host;
      expect(pending).toMatchObject({ hostKeyPending: await hostKey(), hostKeyFingerprint: null });
      // The operator compared it with the host's own and confirms: no admin needed for a first key.
      expect((await as(operator, "POST", `/hosts/${id}/accept-host-key`, { fingerprint: pending.hostKeyPending })).status).toBe(200);
      expect((await as<{ ok: boolean }>(operator, "POST", `/hosts/${id}/test`)).body.ok).toBe(true);
    } finally {
      await sshOk(lab, HOST, `ip addr del ${alias}/24 dev eth0`);
    }
  }, 60_000);
});
