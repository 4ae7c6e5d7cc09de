import fs from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN, basic, login } from "./helpers";

// Every page of the app, on a laptop and a phone, light and dark: no page
// scrolls sideways, and axe finds no serious or critical accessibility
// violation. Screenshots of each are attached to the report. Runs after the
// cluster specs, so the pages show a real cluster, hosts and runs.

const SIZES = [{ name: "laptop", width: 1440, height: 900 }, { name: "phone", width: 390, height: 844 }] as const;
const THEMES = ["light", "dark"] as const;

function pages(dir = path.resolve("app"), prefix = ""): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.isDirectory()) out.push(...pages(path.join(dir, e.name), prefix + (/^\(.*\)$/.test(e.name) ? "" : `/${e.name}`)));
    else if (e.name === "page.tsx") out.push(prefix || "/");
  }
  return out;
}

async function ids(request: APIRequestContext) {
  const get = async (p: string) => (await request.get(`/api/v1${p}`, { headers: basic(ADMIN) })).json();
  const cluster = (await get("/clusters")).clusters.find((c: { name: string }) => c.name === "wizard") ?? (await get("/clusters")).clusters[0];
  const host = (await get("/hosts")).hosts[0];
  const run = (await get(`/clusters/${cluster.id}/operations`)).runs?.[0];
  const incident = (await get("/alerts?state=all")).incidents?.[0];
  return { clusterId: cluster.id as string, hostId: host.id as string, runId: (run?.id ?? "none") as string, incidentId: (incident?.id ?? "none") as string };
}

async function settle(page: Page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(300);
}

test.describe.configure({ mode: "serial" });

test("every page fits a laptop and a phone in both themes, and passes axe", async ({ browser, request }) => {
  test.setTimeout(15 * 60_000);
  const id = await ids(request);
  const routes = pages().filter((p) => p !== "/setup").map((p) => p.replace("/clusters/[id]", `/clusters/${id.clusterId}`).replace("/hosts/[id]", `/hosts/${id.hostId}`).replace("/runs/[id]", `/runs/${id.runId}`).replace("/alerts/[id]", `/alerts/${id.incidentId}`));
  expect(routes.length).toBeGreaterThan(10);
  const dir = path.resolve("test-results/screenshots/pages");
  fs.mkdirSync(dir, { recursive: true });
  const problems: string[] = [];
  for (const size of SIZES) for (const theme of THEMES) {
    const ctx = await browser.newContext({ viewport: { width: size.width, height: size.height }, colorScheme: theme });
    const page = await ctx.newPage();
    await login(page, ADMIN);
    for (const r of routes) {
      if (r === "/login") { await ctx.clearCookies(); }
      await page.goto(r);
      await settle(page);
      const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (scrollWidth > innerWidth) problems.push(`${r} ${size.name} ${theme}: page is ${scrollWidth} px wide in a ${innerWidth} px window`);
      const axe = await new AxeBuilder({ page }).analyze();
      for (const v of axe.violations.filter((x) => x.impact === "serious" || x.impact === "critical"))
        problems.push(`${r} ${size.name} ${theme}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
      const file = path.join(dir, `${r === "/" ? "overview" : r.slice(1).replace(/[^a-z0-9]+/gi, "-")}-${size.name}-${theme}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await test.info().attach(path.basename(file, ".png"), { path: file, contentType: "image/png" });
      if (r === "/login") await login(page, ADMIN);
    }
    await ctx.close();
  }
  expect(problems, problems.join("\n")).toEqual([]);
});
