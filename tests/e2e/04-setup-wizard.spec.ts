import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { loadLab } from "../../lab/client";
import { runLoad } from "../../lab/amqp-load";
import { psPoller } from "../support/ps-poller";
import { ADMIN, basic, labSsh, login, submitHostForm } from "./helpers";

// As an operator would: add five lab hosts, create the cluster (node1, node2
// disc, node3 ram; node4 and node5 load balancers), run the wizard with its
// load-balancer step, watch the live log, end on the cluster page; then check
// the hosts themselves over SSH and a client through the VIP, not through Warren.
const lab = loadLab();
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
export const VIP = "10.213.77.100";
const ssh = (host: string, cmd: string) => labSsh(host, cmd);

test("the setup wizard builds node1 disc, node2 disc, node3 ram behind node4 and node5 with a VIP", async ({ page, request }) => {
  test.setTimeout(10 * 60_000);
  await login(page, ADMIN);
  await page.goto("/hosts");
  for (const name of ["node1", "node2", "node3", "node4", "node5"]) {
    await submitHostForm(page, name, lab.hosts.find((x) => x.name === name)!.address, key);
    await expect(page.getByRole("status")).toContainText(`Added ${name}`);
  }

  await page.getByRole("link", { name: "Clusters", exact: true }).click();
  await page.getByLabel("Cluster name").fill("wizard");
  await page.getByLabel("Role of node1").selectOption("disc");
  await page.getByLabel("Role of node2").selectOption("disc");
  await page.getByLabel("Role of node3").selectOption("ram");
  await page.getByLabel("Role of node4").selectOption("loadbalancer");
  await page.getByLabel("Role of node5").selectOption("loadbalancer");
  await page.getByLabel("node1 is the seed node").check();
  await page.getByRole("button", { name: "Create cluster" }).click();
  await expect(page.getByRole("heading", { name: "Set up RabbitMQ on these hosts" })).toBeVisible();
  // Before its first setup the cluster is "not set up yet": nothing on these fresh hosts is an alarm, and none is recorded.
  await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "not-set-up", { timeout: 30_000 });
  await expect(page.getByTestId("health-status")).toHaveText("Not set up yet");
  await page.waitForTimeout(3000);
  await expect(page.getByRole("list", { name: "Current alarms" })).toHaveCount(0);
  const newId = new URL(page.url()).pathname.split("/").pop()!;
  expect((await (await request.get(`/api/v1/clusters/${newId}/health/events`, { headers: basic(ADMIN) })).json()).events).toEqual([]);

  await page.getByLabel("RabbitMQ cluster name").fill("rabbit-wizard");
  await page.getByLabel("Queue high availability").selectOption("all");
  // The load-balancer step: the VIP, and the interface and router id detected on the hosts.
  await page.getByLabel("Virtual IP (VIP)").fill(VIP);
  await page.getByRole("button", { name: "Detect interfaces and VRRP router ids" }).click();
  await expect(page.getByRole("table", { name: "Load balancer pre-flight" })).toContainText("eth0: 10.213.77.14/24", { timeout: 60_000 });
  await expect(page.getByLabel("Interface")).toHaveValue("eth0");
  // The older HAProxy, so the lifecycle spec can upgrade it later.
  await page.getByLabel("HAProxy version").selectOption("2.6.12-1+deb12u3");

  // A VIP another machine already answers for (node6 holds it for a moment): Start's pre-flight
  // refuses it with the finding named, and the setup cannot start.
  ssh("node6", `ip addr add ${VIP}/24 dev eth0`);
  try {
    await page.getByRole("button", { name: "2. Run pre-flight checks" }).click();
    const refused = page.getByRole("table", { name: "Pre-flight results" });
    await expect(refused).toContainText(`${VIP} is already in use on the network`, { timeout: 60_000 });
    await expect(refused.getByRole("row").filter({ hasText: "VIP" })).toContainText("fail");
    await expect(page.getByText("problems found", { exact: true })).toBeVisible();
    await page.getByRole("button", { name: "3. Show the plan" }).click();
    await expect(page.getByText("Pre-flight found problems")).toBeVisible({ timeout: 60_000 });
    // Even with the destructive steps confirmed, Start stays disabled.
    await page.getByLabel("I understand; run these steps").check();
    await expect(page.getByRole("button", { name: "4. Start setup" })).toBeDisabled();
    await page.getByLabel("I understand; run these steps").uncheck();
  } finally {
    ssh("node6", `ip addr del ${VIP}/24 dev eth0`);
  }

  await page.getByRole("button", { name: "2. Run pre-flight checks" }).click();
  const table = page.getByRole("table", { name: "Pre-flight results" });
  await expect(table).toContainText(`nobody answers for ${VIP} on the network`, { timeout: 60_000 });
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table).toContainText("Warren will add");
  await expect(page.getByText("passed", { exact: true })).toBeVisible();
  // Pre-flight lists what every host's package source offers; pin the older Erlang.
  await expect(page.getByLabel("RabbitMQ version").locator("option")).toContainText(["Newest the hosts offer", "3.10.8-1.1+deb12u1"]);
  await page.getByLabel("Erlang version").selectOption("1:25.2.3+dfsg-1+deb12u1");

  await page.getByRole("button", { name: "3. Show the plan" }).click();
  await expect(page.getByText("Destructive steps that will run")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId("plan-summary")).toContainText(/\d+ to change, 0 already in place, 2 destructive/);
  await expect(page.getByTestId("impact-reset:node2")).toHaveText("nothing: node2 has no RabbitMQ data yet");
  await expect(page.getByTestId("plan-step-keepalived-conf:node4")).toContainText("keepalived.conf");
  await expect(page.getByTestId("plan-shell")).toContainText("join_cluster --ram rabbit@node1", { useInnerText: false });
  await expect(page.getByTestId("plan-shell")).toContainText("erlang-base=1:25.2.3+dfsg-1+deb12u1", { useInnerText: false });
  await expect(page.getByTestId("plan-shell")).toContainText("haproxy=2.6.12-1+deb12u3", { useInnerText: false });
  const startButton = page.getByRole("button", { name: "4. Start setup" });
  await expect(startButton).toBeDisabled();
  await page.getByLabel("I understand; run these steps").check();
  // Every secret the run handles (they exist once the plan was shown), looked for in every process's arguments on every host while it runs.
  const { id: wizardId } = (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters.find((c: { name: string }) => c.name === "wizard");
  const secrets: string[] = [];
  for (const name of ["erlangCookie", "managementPassword", "statsPassword", "vrrpPassword"]) {
    const r = await request.post(`/api/v1/clusters/${wizardId}/secrets/${name}/reveal`, { headers: basic(ADMIN) });
    if (r.status() === 200) secrets.push((await r.json()).value);
  }
  expect(secrets.length).toBeGreaterThanOrEqual(3);
  const ps = psPoller(lab, ["node1", "node2", "node3", "node4", "node5"], secrets);
  try {
    await startButton.click();
    await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
    await expect(page.getByTestId("run-log")).toContainText("phase: Install RabbitMQ", { timeout: 120_000 });
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 8 * 60_000 });
  } finally {
    ps.stop();
  }
  console.log(`ps samples on the five hosts during setup: ${ps.samples()}, lines holding a secret: ${ps.hits.length}`);
  expect(ps.samples()).toBeGreaterThan(500);
  expect(ps.hits).toEqual([]);
  await expect(page.getByTestId("run-log")).toContainText("setup succeeded");
  await expect(page.getByTestId("run-summary")).toContainText(/\d+ steps? changed something/);
  await page.getByRole("link", { name: "wizard" }).click();
  await expect(page.getByText("Last setup:")).toContainText("succeeded");

  // RabbitMQ, checked on the nodes.
  for (const n of ["node1", "node2", "node3"]) {
    const s = JSON.parse(ssh(n, "rabbitmqctl -q cluster_status --formatter json"));
    expect(s.disk_nodes.sort()).toEqual(["rabbit@node1", "rabbit@node2"]);
    expect(s.ram_nodes).toEqual(["rabbit@node3"]);
    expect(s.running_nodes.sort()).toEqual(["rabbit@node1", "rabbit@node2", "rabbit@node3"]);
    expect(s.cluster_name).toBe("rabbit-wizard");
  }
  expect(ssh("node1", "rabbitmqctl -q list_policies")).toContain('{"ha-mode":"all","ha-sync-mode":"automatic"}');
  const cookies = ["node1", "node2", "node3"].map((n) => ssh(n, "stat -c '%a %U' /var/lib/rabbitmq/.erlang.cookie; sha256sum < /var/lib/rabbitmq/.erlang.cookie"));
  expect(new Set(cookies).size).toBe(1);
  expect(cookies[0]).toMatch(/^400 rabbitmq\n/);
  for (const n of ["node1", "node2", "node3"]) expect(ssh(n, "dpkg-query -W -f='${Version}' erlang-base erlang-mnesia")).toBe("1:25.2.3+dfsg-1+deb12u1".repeat(2));

  // The load balancers: the VIP on exactly one, both configs valid on their hosts.
  const holders = ["node4", "node5"].filter((n) => JSON.parse(ssh(n, "ip -j -4 addr show")).some((i: { addr_info: { local: string }[] }) => i.addr_info.some((a) => a.local === VIP)));
  expect(holders).toHaveLength(1);
  for (const n of ["node4", "node5"]) {
    ssh(n, "haproxy -c -f /etc/haproxy/haproxy.cfg >/dev/null && keepalived -t -f /etc/keepalived/keepalived.conf");
    expect(ssh(n, "dpkg-query -W -f='${Version}' haproxy")).toBe("2.6.12-1+deb12u3");
  }
  // /stats;csv through the VIP with the generated credentials: every node UP.
  const { id } = (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters.find((c: { name: string }) => c.name === "wizard");
  const reveal = async (name: string) => (await (await request.post(`/api/v1/clusters/${id}/secrets/${name}/reveal`, { headers: basic(ADMIN) })).json()).value as string;
  const statsPassword = await reveal("statsPassword");
  const csv = execFileSync("curl", ["-sf", "-K", "-", `http://${VIP}:8404/stats;csv`], { input: `user = "warren:${statsPassword}"\n`, encoding: "utf8" });
  const up = csv.split("\n").filter((l) => l.startsWith("rabbitmq_amqp,node")).map((l) => { const f = l.split(","); return `${f[1]} ${f[17]}`; });
  expect(up).toEqual(["node1 UP", "node2 UP", "node3 UP"]);
  // A client through the VIP for 10 s: nothing lost.
  const load = await runLoad({ url: `amqp://warren-admin:${encodeURIComponent(await reveal("managementPassword"))}@${VIP}:5672`, seconds: 10 });
  console.log("amqp through the VIP:", JSON.stringify(load));
  expect(load.lost).toBe(0);
  expect(load.confirmed).toBeGreaterThan(100);
});
