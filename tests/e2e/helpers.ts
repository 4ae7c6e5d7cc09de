import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { loadLab } from "../../lab/client";

// The admin created by the first-run spec; later specs build on it.
export const ADMIN = { username: "admin", password: "admin-password-e2e" };
export const VIEWER = { username: "vera", password: "viewer-password-e2e" };

/**
 * The network of addresses that must not answer: the lab's, whose .2xx are
 * unused. WARREN_E2E_QUIET_NET moves them (e.g. to 127.0.0) to run the specs
 * that need no lab host without the lab.
 */
export const QUIET_NET = process.env.WARREN_E2E_QUIET_NET ?? "10.213.77";

export const basic = (u: { username: string; password: string }) =>
  ({ Authorization: `Basic ${Buffer.from(`${u.username}:${u.password}`).toString("base64")}` });

export async function login(page: Page, u: { username: string; password: string }) {
  await page.context().clearCookies();
  await page.goto("/login");
  await page.getByLabel("Username").fill(u.username);
  await page.getByLabel("Password").fill(u.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByTestId("whoami")).toContainText(u.username);
}

/** Fills the add-host form on /hosts with a key and submits it. */
export async function submitHostForm(page: Page, name: string, address: string, privateKey: string) {
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Address").fill(address);
  await page.getByLabel("Private key", { exact: true }).fill(privateKey);
  await page.getByRole("button", { name: "Add host" }).click();
}

/** A real private key, made fresh for the test (so it can be grepped for). */
export function makeKey(passphrase = ""): { privateKey: string; publicKey: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-e2e-key-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", passphrase, "-f", path.join(dir, "k")]);
  return { privateKey: fs.readFileSync(path.join(dir, "k"), "utf8"), publicKey: fs.readFileSync(path.join(dir, "k.pub"), "utf8") };
}

export async function ensureViewer(request: APIRequestContext) {
  const r = await request.get("/api/v1/me", { headers: basic(VIEWER) });
  if (r.status() === 200) return;
  throw new Error("the viewer account is created by 01-first-run.spec.ts; run the specs in order");
}

/**
 * Screenshots of the page as it is now, in the light and the dark theme,
 * saved under test-results/screenshots and attached to the test's report.
 */
export async function shoot(page: Page, name: string) {
  const { test } = await import("@playwright/test");
  const dir = path.resolve("test-results/screenshots");
  fs.mkdirSync(dir, { recursive: true });
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    await page.waitForTimeout(150);
    const file = path.join(dir, `${name}-${colorScheme}.png`);
    await page.screenshot({ path: file, fullPage: true });
    await test.info().attach(`${name}-${colorScheme}`, { path: file, contentType: "image/png" });
  }
  await page.emulateMedia({ colorScheme: "light" });
}

/** Chooses an action in the cluster page's Actions card, fills its form, shows the plan, confirms and starts it; returns the run's id. */
export async function startFromActions(page: Page, action: string, fill?: () => Promise<unknown>) {
  const actions = page.getByRole("region", { name: "Actions" });
  await actions.getByLabel("Action", { exact: true }).selectOption({ label: action });
  await fill?.();
  await actions.getByRole("button", { name: "Show the plan" }).click();
  await expect(actions.getByTestId("plan-view")).toBeVisible({ timeout: 60_000 });
  const confirm = actions.getByLabel("I understand; run these steps");
  if (await confirm.count()) await confirm.check();
  await actions.getByRole("button", { name: new RegExp(`^Start: ${action.replace(/[()]/g, "\\$&")}`) }).click();
  await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
  return page.url().split("/runs/")[1];
}

export interface LabSshOptions {
  timeoutMs?: number;
  connectTimeoutS?: number;
  /** One connection per host, reused (ControlMaster): for commands sampled many times a second. */
  reuse?: boolean;
}

/** ssh's arguments to reach a lab host as root, outside Warren (the check is independent of it). */
export function labSshArgs(host: string, { connectTimeoutS = 5, reuse = false }: LabSshOptions = {}) {
  const lab = loadLab();
  const h = lab.hosts.find((x) => x.name === host);
  if (!h) throw new Error(`no lab host ${host}`);
  return ["-q", "-i", lab.privateKeyPath, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", "-o", `ConnectTimeout=${connectTimeoutS}`,
    ...(reuse ? ["-o", "ControlMaster=auto", "-o", `ControlPath=/tmp/warren-e2e-ssh-${host}`, "-o", "ControlPersist=120"] : []), `root@${h.address}`];
}

/** Runs a shell command line on a lab host; throws on a non-zero exit. */
export function labSsh(host: string, cmd: string, o: LabSshOptions = {}): string {
  return execFileSync("ssh", [...labSshArgs(host, o), cmd], { encoding: "utf8", timeout: o.timeoutMs ?? 120_000 });
}

export async function labSshAsync(host: string, cmd: string, o: LabSshOptions = {}): Promise<string> {
  return (await promisify(execFile)("ssh", [...labSshArgs(host, o), cmd], { encoding: "utf8", timeout: o.timeoutMs ?? 120_000 })).stdout;
}

/** The server actions of the build under test (name → id), from Next's manifest: the ids change with every build. */
export function serverActions(): { id: string; name: string; file: string; page: string }[] {
  const m = JSON.parse(fs.readFileSync(path.resolve(".next/server/server-reference-manifest.json"), "utf8")) as { node: Record<string, { exportedName?: string; filename?: string; workers?: Record<string, unknown> }> };
  return Object.entries(m.node).map(([id, v]) => {
    // A page that imports the action ("app/(console)/hosts/[id]/page" → "/hosts/[id]"): actions are posted to such a page.
    const worker = Object.keys(v.workers ?? {}).sort((a, b) => a.length - b.length)[0] ?? "app/login/page";
    const page = worker.replace(/^app/, "").replace(/\/\([^)]*\)/g, "").replace(/\/page$/, "") || "/";
    return { id, name: v.exportedName ?? "", file: v.filename ?? "", page };
  });
}

export function actionId(name: string): string {
  const a = serverActions().find((x) => x.name === name);
  if (!a) throw new Error(`no server action ${name} in this build`);
  return a.id;
}

/**
 * Calls a server action as React's client does: JSON arguments as text, or a
 * form as multipart (fields "_1_<name>", then the arguments [prevState, "$K1"]:
 * React's decoder reads a form's fields in the order they came). The
 * answer's status, and the action's result when it sent one.
 */
function replyForm(fields: Record<string, string>, bound: string[] = []): FormData {
  // A FormData, not an object: an object would put the integer-like key "0" first.
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(`_1_${k}`, v);
  f.append("0", JSON.stringify([...bound, "$undefined", "$K1"]));
  return f;
}

export async function callAction(request: APIRequestContext, baseURL: string, name: string, args: { json?: unknown[]; form?: Record<string, string>; bound?: string[]; path?: string }, headers: Record<string, string> = {}) {
  const common = { "Next-Action": actionId(name), Origin: baseURL, ...headers };
  const at = args.path ?? serverActions().find((a) => a.name === name)!.page.replace(/\[\w+\]/g, "x");
  const r = args.form
    ? await request.fetch(at, { method: "POST", headers: common, multipart: replyForm(args.form, args.bound), maxRedirects: 0 })
    : await request.fetch(at, { method: "POST", headers: { ...common, "content-type": "text/plain;charset=UTF-8" }, data: JSON.stringify(args.json ?? []), maxRedirects: 0 });
  const text = await r.text();
  const line = text.split("\n").find((l) => l.startsWith("1:{"));
  return { status: r.status(), text, result: line ? (JSON.parse(line.slice(2)) as { ok: boolean; code?: string; message?: string }) : null };
}
