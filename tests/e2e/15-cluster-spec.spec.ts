import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { loadLab } from "../../lab/client";
import { ADMIN, basic, labSsh, login, shoot } from "./helpers";

// The cluster spec (#24): what a cluster's hosts were last brought to, changed
// only by a run that succeeded. node13 RabbitMQ, node14 and node15 load
// balancers (their own VRRP router id 65), set up through the API; then on the
// page: the VIP changed on the load-balancer card, setup run again with another
// VIP, a load-balancer deploy that fails. Health, the failover drill and the
// HAProxy upgrade follow the spec's VIP; the failed deploy leaves the spec and
// shows as drift.
const lab = loadLab();
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const NODE = "node13", LBS = ["node14", "node15"];
const VIPS = ["10.213.77.105", "10.213.77.106", "10.213.77.107", "10.213.77.108"];
const OLD_HAPROXY = "2.6.12-1+deb12u3", NEW_HAPROXY = "2.6.12-1+deb12u4";
const auth = { headers: basic(ADMIN) };
let id = "";

test.describe.configure({ mode: "serial" });

async function waitForRun(request: APIRequestContext, runId: string, want = "succeeded") {
  for (let i = 0; i < 600; i++) {
    const run = (await (await request.get(`/api/v1/runs/${runId}`, auth)).json()).run as { status: string; error: string | null };
    if (run.status === want) return run;
    if (!["queued", "running"].includes(run.status)) throw new Error(`run ${runId} ended ${run.status}: ${run.error}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`run ${runId} did not end`);
}

const spec = async (request: APIRequestContext) => (await (await request.get(`/api/v1/clusters/${id}/spec`, auth)).json()) as {
  current: { version: number; spec: { loadBalancers: { vip: string } | null } } | null; history: { version: number }[]; drift: { runId: string; changes: { path: string; before: unknown; after: unknown }[] } | null;
};
/** The VIP each planner would use now: the drill's and the HAProxy upgrade's plans, as JSON. */
const planned = async (request: APIRequestContext, type: string, params: unknown) => {
  const r = await request.post(`/api/v1/clusters/${id}/plan`, { ...auth, data: { type, params } });
  expect(r.status(), `${type}: ${await r.text()}`).toBe(200);
  return JSON.stringify((await r.json()).plan);
};
async function expectEverythingUses(request: APIRequestContext, vip: string) {
  await expect.poll(async () => (await (await request.get(`/api/v1/clusters/${id}/health`, auth)).json()).vip?.address, { timeout: 30_000 }).toBe(vip);
  for (const [type, params] of [["failover-drill", { fault: "keepalived-stop" }], ["haproxy-upgrade", { haproxyVersion: NEW_HAPROXY }]] as const) {
    const p = await planned(request, type, params);
    expect(p, type).toContain(vip);
    for (const other of VIPS.filter((v) => v !== vip)) expect(p, `${type} must not use ${other}`).not.toContain(other);
  }
  // Exactly one load balancer holds it, seen over SSH, not through Warren.
  await expect.poll(() => LBS.filter((h) => labSsh(h, "ip -o -4 addr show").includes(` ${vip}/`)).length, { timeout: 30_000 }).toBe(1);
}

test("set up through the API: version 1 of the spec is what the run applied", async ({ request }) => {
  test.setTimeout(8 * 60_000);
  const ids: Record<string, string> = {};
  for (const h of [NODE, ...LBS]) {
    const r = await request.post("/api/v1/hosts", { ...auth, data: { name: h, address: lab.hosts.find((x) => x.name === h)!.address, authType: "key", privateKey: key } });
    expect(r.status(), await r.text()).toBe(201);
    ids[h] = (await r.json()).host.id;
  }
  const c = await request.post("/api/v1/clusters", { ...auth, data: { name: "specs", members: [{ hostId: ids[NODE], role: "rabbitmq", nodeType: "disc", isSeed: true }, ...LBS.map((h) => ({ hostId: ids[h], role: "loadbalancer" }))] } });
  id = (await c.json()).cluster.id;
  expect((await spec(request)).current).toBeNull();
  const params = { clusterName: "rabbit-specs", ha: { mode: "quorum" }, loadBalancers: { vip: VIPS[0], interface: "eth0", routerId: 65, haproxyVersion: OLD_HAPROXY } };
  const plan = await (await request.post(`/api/v1/clusters/${id}/plan`, { ...auth, data: { type: "setup", params } })).json();
  const run = await (await request.post(`/api/v1/clusters/${id}/operations`, { ...auth, data: { type: "setup", params, confirmDestructive: true, planToken: plan.token } })).json();
  await waitForRun(request, run.runId);
  const s = await spec(request);
  expect(s.current).toMatchObject({ version: 1, spec: { loadBalancers: { vip: VIPS[0], routerId: 65 } } });
  await expectEverythingUses(request, VIPS[0]);
});

test("the VIP changed on the load-balancer card: the spec's next version, and health, the drill and the HAProxy upgrade all use it", async ({ page, request }) => {
  test.setTimeout(5 * 60_000);
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  const card = page.getByRole("region", { name: "Load balancers and the VIP" });
  // The card starts from the spec: the VIP and router id the hosts have now.
  await expect(card.getByLabel("Virtual IP (VIP)")).toHaveValue(VIPS[0]);
  await card.getByLabel("Virtual IP (VIP)").fill(VIPS[1]);
  await card.getByRole("button", { name: "Show the load-balancer plan" }).click();
  await expect(card.getByTestId("plan-view")).toBeVisible({ timeout: 60_000 });
  await card.getByRole("button", { name: "Deploy the load balancers" }).click();
  await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 3 * 60_000 });
  expect((await spec(request)).current).toMatchObject({ version: 2, spec: { loadBalancers: { vip: VIPS[1] } } });
  await expectEverythingUses(request, VIPS[1]);
});

test("setup run again from the page with another VIP: version 3, and everything follows it", async ({ page, request }) => {
  test.setTimeout(8 * 60_000);
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  // The wizard, in the Setup card (the load-balancer card has a VIP field of its own).
  const wizard = page.getByRole("region", { name: "Setup" });
  await wizard.getByText("Run setup again (re-checks every step; changes only what is not in place)").click();
  // The wizard starts from the spec too: its name, queue type, VIP and router id.
  await expect(wizard.getByLabel("RabbitMQ cluster name")).toHaveValue("rabbit-specs");
  await expect(wizard.getByLabel("Virtual IP (VIP)")).toHaveValue(VIPS[1]);
  await wizard.getByLabel("Virtual IP (VIP)").fill(VIPS[2]);
  await wizard.getByRole("button", { name: "3. Show the plan" }).click();
  await expect(wizard.getByTestId("plan-view")).toBeVisible({ timeout: 90_000 });
  const confirm = wizard.getByLabel("I understand; run these steps");
  if (await confirm.count()) await confirm.check();
  await wizard.getByRole("button", { name: "4. Start setup" }).click();
  await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 5 * 60_000 });
  expect((await spec(request)).current).toMatchObject({ version: 3, spec: { loadBalancers: { vip: VIPS[2] } } });
  await expectEverythingUses(request, VIPS[2]);
});

test("a load-balancer deploy that fails leaves the spec as the hosts have it, and the page shows the drift; history and diffs on the page", async ({ page, request }) => {
  test.setTimeout(5 * 60_000);
  // Another program holds the port the new stats page would use, on node15: validation fails there.
  labSsh("node15", "nohup socat TCP-LISTEN:8520,fork,reuseaddr SYSTEM:true >/dev/null 2>&1 & sleep 0.5");
  try {
    const params = { vip: VIPS[3], interface: "eth0", routerId: 65, haproxyVersion: OLD_HAPROXY, statsPort: 8520 };
    const plan = await (await request.post(`/api/v1/clusters/${id}/plan`, { ...auth, data: { type: "load-balancers", params } })).json();
    const run = await (await request.post(`/api/v1/clusters/${id}/operations`, { ...auth, data: { type: "load-balancers", params, confirmDestructive: true, planToken: plan.token } })).json();
    await waitForRun(request, run.runId, "failed");
    const s = await spec(request);
    expect(s.current).toMatchObject({ version: 3, spec: { loadBalancers: { vip: VIPS[2] } } });
    expect(s.drift?.runId).toBe(run.runId);
    expect(s.drift?.changes).toContainEqual({ path: "loadBalancers.vip", before: VIPS[2], after: VIPS[3] });
    await expectEverythingUses(request, VIPS[2]);

    await login(page, ADMIN);
    await page.goto(`/clusters/${id}`);
    const drift = page.getByTestId("spec-drift");
    await expect(drift).toContainText("failed");
    await expect(drift.getByRole("table", { name: "Changes not applied" })).toContainText(`loadBalancers.vip${VIPS[2]}${VIPS[3]}`);
    await expect(page.getByTestId("spec-version-3")).toContainText("current");
    await page.getByTestId("spec-version-2").getByText("Version 2").click();
    await expect(page.getByRole("table", { name: "Changes in version 2" })).toContainText(`loadBalancers.vip${VIPS[0]}${VIPS[1]}`);
    await page.getByTestId("spec-history").scrollIntoViewIfNeeded();
    await shoot(page, "cluster-spec-history-drift");
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await shoot(page, "cluster-spec-history-drift-phone");
  } finally {
    labSsh("node15", "pkill -f '[s]ocat TCP-LISTEN:8520' || true");
  }
});
