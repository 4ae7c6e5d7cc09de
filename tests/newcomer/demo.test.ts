import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type Browser } from "@playwright/test";

// The README's quick start, the way a newcomer runs it: its first command
// (`npm run demo`, i.e. scripts/demo.sh) in a fresh clone of this working
// tree, on a port and data directory of its own, with a small lab; then the
// login it printed, in Chromium, and the lab's hosts in the inventory with
// their keys pinned. If the README's quick start changes, this test changes
// with it (the first test checks the README still says what is run here).

const ROOT = path.resolve(import.meta.dirname, "../..");
const PORT = 3320;
const HOSTS = 2;
const url = `http://127.0.0.1:${PORT}`;
let dir: string;
let demo: ChildProcess | undefined;
let output = "";
let browser: Browser | undefined;
let login: { user: string; password: string } | null = null;

/** A clone of the working tree as it is now: committed history plus uncommitted and untracked (not ignored) files. */
function cloneWorkingTree(to: string) {
  execFileSync("git", ["clone", "-q", ROOT, to]);
  const diff = execFileSync("git", ["-C", ROOT, "diff", "HEAD", "--binary"], { maxBuffer: 256 << 20 });
  if (diff.length) execFileSync("git", ["-C", to, "apply", "--whitespace=nowarn", "-"], { input: diff });
  const untracked = execFileSync("git", ["-C", ROOT, "ls-files", "--others", "--exclude-standard", "-z"]).toString().split("\0").filter(Boolean);
  for (const f of untracked) {
    fs.mkdirSync(path.dirname(path.join(to, f)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, f), path.join(to, f));
  }
}

/** Waits until the demo printed its login, or ended, or the time is up. */
async function waitForLogin(ms: number) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const m = /log in as:\s+(\S+) \/ (\S+)/.exec(output);
    if (m && /Warren is serving on/.test(output)) return { user: m[1], password: m[2] };
    if (demo?.exitCode !== null) return null;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-newcomer-"));
  const clone = path.join(dir, "warren");
  cloneWorkingTree(clone);
  // A newcomer's environment: none of the test run's Warren settings.
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith("WARREN_") || k.startsWith("E2E_")) delete env[k];
  Object.assign(env, { PORT: String(PORT), WARREN_DATA_DIR: path.join(dir, "data"), WARREN_DEMO_HOSTS: String(HOSTS) });
  const child = spawn("npm", ["run", "demo"], {
    cwd: clone, detached: true, stdio: ["ignore", "pipe", "pipe"],
    env,
  });
  demo = child;
  const keep = (b: Buffer) => { output += b.toString(); fs.appendFileSync(path.join(dir, "demo.log"), b); };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  // Cold, this installs packages, builds Warren and maybe the lab's image: allow for it.
  login = await waitForLogin(15 * 60_000);
}, 16 * 60_000);

afterAll(async () => {
  await browser?.close();
  if (demo?.pid && demo.exitCode === null) {
    try { process.kill(-demo.pid, "SIGINT"); } catch { /* gone */ }
    for (let i = 0; i < 50 && demo.exitCode === null; i++) await new Promise((r) => setTimeout(r, 200));
    try { process.kill(-demo.pid, "SIGKILL"); } catch { /* gone */ }
  }
  // The demo leaves its lab running on purpose; the README says how to remove it.
  if (dir) execFileSync("bash", [path.join(dir, "warren/lab/lab.sh"), "down", "--quiet"], { env: { ...process.env, WARREN_LAB_DIR: path.join(dir, "warren/lab/state") }, stdio: "ignore" });
  if (dir && !process.env.KEEP_NEWCOMER) fs.rmSync(dir, { recursive: true, force: true });
}, 120_000);

describe("the newcomer's path (README quick start)", () => {
  it("the README's first command is still `npm run demo`", () => {
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const quick = /## Quick start[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? "";
    expect(quick.split("\n")[0]).toMatch(/^npm run demo\b/);
  });

  it("`npm run demo` in a fresh clone ends with Warren serving and the login printed", () => {
    expect(login, `the demo did not print a login; its output ends with:\n${output.slice(-3000)}`).not.toBeNull();
    expect(output).toContain(`http://127.0.0.1:${PORT}`);
  });

  it("logging in with the printed credentials in Chromium shows the lab's hosts, their keys pinned", async () => {
    expect(login).not.toBeNull();
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"],
    });
    const page = await browser.newPage({ baseURL: url });
    await page.goto("/");
    await page.getByLabel("Username").fill(login!.user);
    await page.getByLabel("Password").fill(login!.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByTestId("whoami").waitFor();
    await page.getByRole("link", { name: "Hosts", exact: true }).click();
    for (let i = 1; i <= HOSTS; i++) {
      const row = page.getByTestId(`host-row-node${i}`);
      await row.waitFor({ timeout: 10_000 });
      expect(await row.textContent()).toContain(`root@10.213.77.${10 + i}`);
      expect(await row.textContent()).toContain("pinned");
    }
    fs.mkdirSync(path.join(ROOT, "test-results/screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "test-results/screenshots/newcomer-hosts.png"), fullPage: true });
  }, 60_000);
});
