import { expect, test, type APIRequestContext, type Locator, type Page } from "@playwright/test";
import { labCommand } from "../../lab/client";
import { ADMIN, basic, labSsh, login, startFromActions } from "./helpers";

// The load balancers the wizard deployed (04), under faults: a crashed
// HAProxy and a powered-off holder move the VIP; the drill measures it from
// the cluster page; a config that fails on a host is never installed, and one
// that fails after the swap is rolled back.
const VIP = "10.213.77.100";
const LBS = ["node4", "node5"];
const ssh = (host: string, cmd: string) => labSsh(host, cmd, { connectTimeoutS: 2 });
const holds = (n: string) => { try { return ssh(n, `ip -o -4 addr show | grep -qF " inet ${VIP}/" && echo yes || true`).trim() === "yes"; } catch { return false; } };
const holders = () => LBS.filter(holds);

async function clusterId(request: APIRequestContext) {
  return (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters.find((c: { name: string }) => c.name === "wizard").id as string;
}

test.describe.configure({ mode: "serial" });

test("killing HAProxy on the VIP holder moves the VIP to the other load balancer", async () => {
  const [owner] = holders();
  expect(owner).toBeTruthy();
  labCommand("kill", owner, "haproxy");
  await expect.poll(holders, { timeout: 10_000, intervals: [200] }).toEqual(LBS.filter((n) => n !== owner));
  // systemd restarted HAProxy; with no preemption the VIP stays where it went.
  await expect.poll(() => ssh(owner, "systemctl is-active haproxy || true").trim(), { timeout: 10_000 }).toBe("active");
  await new Promise((r) => setTimeout(r, 3000));
  expect(holders()).toEqual(LBS.filter((n) => n !== owner));
});

test("powering the VIP holder off moves the VIP; when it returns, the VIP stays (no preemption)", async () => {
  const [owner] = holders();
  labCommand("stop", owner);
  try {
    await expect.poll(holders, { timeout: 15_000, intervals: [300] }).toEqual(LBS.filter((n) => n !== owner));
  } finally {
    labCommand("start", owner);
  }
  await expect.poll(() => ssh(owner, "systemctl is-active keepalived || true").trim(), { timeout: 60_000 }).toBe("active");
  await new Promise((r) => setTimeout(r, 3000));
  expect(holders()).toEqual(LBS.filter((n) => n !== owner));
});

test("a failover drill from the cluster page measures the move and keeps the result", async ({ page, request }) => {
  test.setTimeout(3 * 60_000);
  await login(page, ADMIN);
  await page.goto(`/clusters/${await clusterId(request)}`);
  // #23 §3: the plan names the VIP holder (asked of the load balancers as the plan is made), never {var:owner}.
  const holder = holders();
  expect(holder).toHaveLength(1);
  const actions = page.getByRole("region", { name: "Actions" });
  await actions.getByLabel("Action", { exact: true }).selectOption({ label: "Failover drill" });
  await page.getByLabel("The fault to inject").selectOption("keepalived-stop");
  await actions.getByRole("button", { name: "Show the plan" }).click();
  await expect(actions.getByTestId("plan-step-fault").getByRole("cell").first()).toHaveText(`the VIP holder (now ${holder[0]})`, { timeout: 60_000 });
  expect(await actions.getByTestId("plan-view").evaluate((el) => (el as HTMLElement).innerText)).not.toContain("{var:");
  await startFromActions(page, "Failover drill", () => page.getByLabel("The fault to inject").selectOption("keepalived-stop"));
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 2 * 60_000 });
  // The finished run names the holder it recorded, as its log does.
  await expect(page.getByTestId("step-fault").getByRole("cell").first()).toHaveText(holder[0]);
  await expect(page.getByTestId("run-log")).toContainText(`[${holder[0]}] Stop Keepalived on the VIP holder`);
  expect(await page.locator("main").evaluate((el) => (el as HTMLElement).innerText)).not.toContain("{var:");
  await page.getByRole("link", { name: "wizard" }).click();
  const drills = page.getByRole("table", { name: "Failover drills" });
  await expect(drills).toContainText("Stop Keepalived on the VIP holder");
  await expect(drills.getByTestId("drill-vip").first()).toHaveText(/^\d+\.\d s$/);
  await expect(drills.getByTestId("drill-amqp").first()).toHaveText(/^\d+\.\d s$/);
  expect(holders()).toHaveLength(1);
});

async function deployFromCard(page: Page, change: (card: Locator) => Promise<void>) {
  await change(page.getByRole("region", { name: "Load balancers and the VIP" }));
  await page.getByRole("button", { name: "Show the load-balancer plan" }).click();
  await expect(page.getByTestId("plan-view")).toBeVisible({ timeout: 60_000 });
  await page.getByRole("button", { name: "Deploy the load balancers" }).click();
  await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
}

test("a config that fails validation on a host is never installed; one that fails after the swap is rolled back", async ({ page, request }) => {
  test.setTimeout(5 * 60_000);
  const before = ssh("node5", "cat /etc/haproxy/haproxy.cfg");
  // Another program holds the port the new stats page would use, on node5 only.
  ssh("node5", "nohup socat TCP-LISTEN:8500,fork,reuseaddr SYSTEM:true >/dev/null 2>&1 & sleep 0.5");
  await login(page, ADMIN);
  const cluster = `/clusters/${await clusterId(request)}`;
  await page.goto(cluster);
  await deployFromCard(page, async (card) => {
    await card.getByText("Failover and health-check details").click();
    await card.getByLabel("Stats page port").fill("8500");
  });
  await expect(page.getByTestId("run-status")).toHaveText("failed", { timeout: 3 * 60_000 });
  await expect(page.getByTestId("failed-step")).toContainText("Failed on node5: haproxy.cfg");
  await expect(page.getByTestId("failed-step")).toContainText("failed validation on the host");
  await expect(page.getByTestId("failed-step")).toContainText(/HAProxy cannot bind port 8500: Address already in use, by users:\(\("socat"/);
  expect(ssh("node5", "cat /etc/haproxy/haproxy.cfg")).toBe(before);
  expect(ssh("node5", "systemctl is-active haproxy").trim()).toBe("active");
  ssh("node5", "pkill -f '[s]ocat TCP-LISTEN:8500' || true");

  // After the swap: node5's HAProxy cannot be asked whether it serves the new file (its admin socket client is gone).
  ssh("node5", "mv /usr/bin/socat /usr/bin/socat.away");
  try {
    await page.goto(cluster);
    await deployFromCard(page, async (card) => {
      await card.getByText("Failover and health-check details").click();
      await card.getByLabel("Balance").selectOption("leastconn");
      await card.getByLabel("Stats page port").fill("8404");
    });
    await expect(page.getByTestId("run-status")).toHaveText("failed", { timeout: 3 * 60_000 });
    await expect(page.getByTestId("failed-step")).toContainText("the verification failed");
    await expect(page.getByTestId("failed-step")).toContainText("rolled back /etc/haproxy/haproxy.cfg to its previous version");
    expect(ssh("node5", "cat /etc/haproxy/haproxy.cfg")).toBe(before);
    expect(ssh("node4", "grep -c 'balance leastconn' /etc/haproxy/haproxy.cfg").trim()).toBe("1");
  } finally {
    ssh("node5", "mv /usr/bin/socat.away /usr/bin/socat");
  }
  // Fixed: Retry finishes the deploy on node5.
  await page.getByRole("button", { name: "Retry from the failed step" }).click();
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 3 * 60_000 });
  expect(ssh("node5", "grep -c 'balance leastconn' /etc/haproxy/haproxy.cfg").trim()).toBe("1");
  expect(holders()).toHaveLength(1);
});
