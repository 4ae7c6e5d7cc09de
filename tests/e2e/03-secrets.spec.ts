import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { E2E_DATA_DIR, E2E_SERVER_LOG } from "../../playwright.config";
import { ADMIN, VIEWER, basic, login, makeKey } from "./helpers";

// Adds hosts with known secrets, then looks for them everywhere they must not be.
const PASSPHRASE = "pass-phrase-7d1f0c2e";
const PASSWORD = "ssh-password-93ab55e1";
const encrypted = makeKey(PASSPHRASE);
const plain = makeKey();

// Distinctive pieces: the whole key and each base64 line of its body.
function needles(): string[] {
  const lines = (k: string) => k.split("\n").filter((l) => l.length > 20 && !l.startsWith("-----"));
  return [PASSPHRASE, PASSWORD, ...lines(encrypted.privateKey), ...lines(plain.privateKey)];
}

test("secrets never reach the database in clear, the server log, or any page or API response", async ({ page, request, browser }) => {
  // One host through the UI form (key + passphrase), one through the API (password), one through the API (key).
  await login(page, ADMIN);
  await page.goto("/hosts");
  await page.getByLabel("Name").fill("secret-ui");
  await page.getByLabel("Address").fill("10.213.77.211");
  await page.getByLabel("Private key", { exact: true }).fill(encrypted.privateKey);
  await page.getByLabel("Key passphrase (optional)").fill(PASSPHRASE);
  await page.getByRole("button", { name: "Add host" }).click();
  // No host answers there: added, and said so.
  await expect(page.getByTestId("add-host-warning")).toContainText("Added secret-ui, but Warren cannot reach it", { timeout: 30_000 });
  expect((await request.post("/api/v1/hosts", { headers: basic(ADMIN), data: { name: "secret-pw", address: "10.213.77.212", authType: "password", password: PASSWORD } })).status()).toBe(201);
  expect((await request.post("/api/v1/hosts", { headers: basic(ADMIN), data: { name: "secret-key", address: "10.213.77.213", authType: "key", privateKey: plain.privateKey } })).status()).toBe(201);

  // Every response body the browser receives (HTML, RSC payloads, JSON, scripts) while an admin and a viewer walk the app.
  const bodies: { url: string; body: string }[] = [];
  const capture = (p: typeof page) => p.on("response", async (r) => {
    try { bodies.push({ url: r.url(), body: (await r.body()).toString("utf8") }); } catch { /* redirects have no body */ }
  });
  capture(page);
  const hosts = (await (await request.get("/api/v1/hosts", { headers: basic(ADMIN) })).json()).hosts as { id: string; name: string }[];
  const clusters = (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters as { id: string }[];
  const pagesToVisit = ["/", "/hosts", "/clusters", "/admin/users", "/admin/tokens", "/admin/audit",
    ...hosts.map((h) => `/hosts/${h.id}`), ...clusters.map((c) => `/clusters/${c.id}`)];
  for (const p of pagesToVisit) { await page.goto(p); await page.waitForLoadState("networkidle"); }
  // Client-side navigation fetches RSC payloads.
  await page.goto("/");
  await page.getByRole("link", { name: "Hosts", exact: true }).click();
  await page.getByRole("link", { name: "secret-ui" }).click();
  await expect(page.getByText("private key (stored encrypted)")).toBeVisible();
  await page.waitForLoadState("networkidle");

  const viewerCtx = await browser.newContext();
  const vp = await viewerCtx.newPage();
  capture(vp);
  await login(vp, VIEWER);
  for (const p of ["/hosts", ...hosts.map((h) => `/hosts/${h.id}`)]) { await vp.goto(p); await vp.waitForLoadState("networkidle"); }
  await viewerCtx.close();

  for (const p of ["/api/v1/hosts", "/api/v1/clusters", "/api/v1/tokens", "/api/v1/openapi.json", ...hosts.map((h) => `/api/v1/hosts/${h.id}`)]) {
    bodies.push({ url: p, body: await (await request.get(p, { headers: basic(ADMIN) })).text() });
  }
  expect(bodies.length).toBeGreaterThan(20);

  for (const n of needles()) {
    for (const b of bodies) expect(b.body.includes(n), `secret found in response ${b.url}`).toBe(false);
  }

  // The SQLite file (and its WAL/journal, if any) holds only sealed values.
  const dbFiles = fs.readdirSync(E2E_DATA_DIR).filter((f) => f.startsWith("warren.db")).map((f) => path.join(E2E_DATA_DIR, f));
  expect(dbFiles.length).toBeGreaterThan(0);
  for (const f of dbFiles) {
    const raw = fs.readFileSync(f).toString("latin1");
    for (const n of needles()) expect(raw.includes(n), `secret found in ${f}`).toBe(false);
  }
  // The key file is private.
  expect(fs.statSync(path.join(E2E_DATA_DIR, "secret.key")).mode & 0o777).toBe(0o600);

  // The server log.
  const log = fs.readFileSync(E2E_SERVER_LOG, "utf8");
  expect(log.length).toBeGreaterThan(0);
  for (const n of needles()) expect(log.includes(n), "secret found in the server log").toBe(false);
});
