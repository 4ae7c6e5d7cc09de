// Puts the lab's hosts into a running Warren's inventory (the demo), through
// Warren's own API with the admin the demo created from the environment — so
// seeding never imports server modules (which need a request) into a script.
// Each host's first key is checked against the lab's own copy of it before it
// is trusted: the key is verified out of band, not merely accepted.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

interface Lab { privateKeyPath: string; hosts: { name: string; address: string }[] }
interface Host { id: string; name: string; address: string; hostKeyFingerprint: string | null; hostKeyPending: string | null }

const [labFile, base] = process.argv.slice(2);
const user = process.env.WARREN_ADMIN_USER ?? "admin";
const password = process.env.WARREN_ADMIN_PASSWORD ?? "";
const auth = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

async function api<T>(method: string, p: string, body?: unknown): Promise<T> {
  const r = await fetch(`${base}/api/v1${p}`, { method, headers: { Authorization: auth, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  if (!r.ok) {
    let msg = text;
    try { msg = (JSON.parse(text) as { message?: string }).message ?? text; } catch { /* not JSON */ }
    throw new ApiError(r.status, `${method} ${p}: HTTP ${r.status} ${msg}`.slice(0, 500));
  }
  return JSON.parse(text) as T;
}

/** OpenSSH's SHA256 fingerprints of the host's own public keys, as the lab wrote them into its overlay. */
function labFingerprints(labDir: string, name: string): string[] {
  const dir = path.join(labDir, "hosts", name, "upper/etc/ssh");
  return fs.readdirSync(dir).filter((f) => /^ssh_host_.*_key\.pub$/.test(f)).map((f) => {
    const blob = Buffer.from(fs.readFileSync(path.join(dir, f), "utf8").trim().split(/\s+/)[1], "base64");
    return `SHA256:${crypto.createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
  });
}

async function main() {
  const lab = JSON.parse(fs.readFileSync(labFile, "utf8")) as Lab;
  const labDir = path.dirname(labFile);
  const privateKey = fs.readFileSync(lab.privateKeyPath, "utf8");
  let have: Host[];
  try {
    have = (await api<{ hosts: Host[] }>("GET", "/hosts")).hosts;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401)
      throw new Error(`the data directory already has users, and ${user} with the demo's password is not one of them: log in with your own account and add the lab's hosts there (lab/state/lab.json lists them)`);
    throw e;
  }
  for (const h of lab.hosts) {
    let host = have.find((x) => x.name === h.name);
    if (!host) {
      if (have.some((x) => x.address === h.address)) { console.log(`[demo] ${h.address} is already in the inventory under another name; ${h.name} skipped`); continue; }
      // Not trusted on first use: the key it presents is compared with the lab's file below.
      host = (await api<{ host: Host }>("POST", "/hosts", { name: h.name, address: h.address, port: 22, username: "root", authType: "key", privateKey, useSudo: false, trustFirstKey: false })).host;
      console.log(`[demo] added ${h.name} (${h.address}) to the inventory`);
    }
    await api("POST", `/hosts/${host.id}/test`);
    host = (await api<{ host: Host }>("GET", `/hosts/${host.id}`)).host;
    const own = labFingerprints(labDir, h.name);
    // A first key waiting to be compared, or a key changed because the lab was rebuilt since the last demo.
    if (host.hostKeyPending) {
      if (!own.includes(host.hostKeyPending)) throw new Error(`${h.name} presents ${host.hostKeyPending}, which is none of the lab's keys for it: not trusted`);
      await api("POST", `/hosts/${host.id}/accept-host-key`, { fingerprint: host.hostKeyPending });
      const report = await api<{ ok: boolean; error?: { message?: string } }>("POST", `/hosts/${host.id}/test`);
      if (!report.ok) throw new Error(`${h.name}: ${report.error?.message ?? "the connection test failed"}`);
      console.log(`[demo] ${h.name}: key ${host.hostKeyPending} pinned (the lab's own key for it)`);
    } else if (host.hostKeyFingerprint && !own.includes(host.hostKeyFingerprint)) {
      throw new Error(`${h.name} is pinned to ${host.hostKeyFingerprint}, which is none of the lab's keys for it`);
    }
  }
}

main().then(() => process.exit(0), (e) => { console.error(`[demo] could not add the lab hosts: ${(e as Error).message}`); process.exit(1); });
