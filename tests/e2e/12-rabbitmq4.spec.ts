import amqp from "amqplib";
import fs from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { labCommand, loadLab } from "../../lab/client";
import { runLoad } from "../../lab/amqp-load";
import type { ClusterHealth } from "../../lib/health/derive";
import { ADMIN, basic, labSsh, login, shoot, startFromActions, submitHostForm } from "./helpers";

// Today's RabbitMQ, as an operator meets it: five Debian 13 lab hosts
// (node8-node10 RabbitMQ, node11 and node12 load balancers; scripts/test.sh
// boots them with `--os 8-12:debian13`). The wizard sets up RabbitMQ 4.0.5
// with quorum queues as the default queue type and the VIP .104; checked over
// SSH and with a client through the VIP. Then a node is killed under load and
// restarted through Warren: nothing lost, the live view shows both. Last, the
// 3.10 cluster of the earlier specs is told what 4.x breaks, and a plan to 4.0
// is refused with the hops it needs.
const lab = loadLab();
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const VIP = "10.213.77.104";
const NODES = ["node8", "node9", "node10"];
const LBS = ["node11", "node12"];
const ssh = (host: string, cmd: string) => labSsh(host, cmd);
const FIXTURES = path.resolve("test-results/fixtures-4.0");

test.describe.configure({ mode: "serial" });
let id = "";
let amqpUrl = "";

const health = async (request: APIRequestContext) => (await (await request.get(`/api/v1/clusters/${id}/health`, { headers: basic(ADMIN) })).json()) as ClusterHealth;

test("the wizard sets up RabbitMQ 4.0 on Debian 13 with quorum queues by default, behind two HAProxy 3.0 load balancers and a VIP", async ({ page, request }) => {
  test.setTimeout(12 * 60_000);
  for (const h of [...NODES, ...LBS]) expect(lab.hosts.find((x) => x.name === h)?.os, `${h} is a Debian 13 lab host`).toBe("debian13");
  await login(page, ADMIN);
  await page.goto("/hosts");
  for (const name of [...NODES, ...LBS]) {
    await submitHostForm(page, name, lab.hosts.find((x) => x.name === name)!.address, key);
    await expect(page.getByRole("status")).toContainText(`Added ${name}`);
  }
  await page.getByRole("link", { name: "Clusters", exact: true }).click();
  await page.getByLabel("Cluster name").fill("four");
  for (const n of NODES) await page.getByLabel(`Role of ${n}`).selectOption("disc");
  for (const n of LBS) await page.getByLabel(`Role of ${n}`).selectOption("loadbalancer");
  await page.getByLabel("node8 is the seed node").check();
  await page.getByRole("button", { name: "Create cluster" }).click();
  await expect(page.getByRole("heading", { name: "Set up RabbitMQ on these hosts" })).toBeVisible();
  id = page.url().split("/clusters/")[1].split(/[?#]/)[0];

  await page.getByLabel("RabbitMQ cluster name").fill("rabbit-four");
  await page.getByLabel("Virtual IP (VIP)").fill(VIP);
  await page.getByRole("button", { name: "Detect interfaces and VRRP router ids" }).click();
  await expect(page.getByRole("table", { name: "Load balancer pre-flight" })).toContainText("eth0: 10.213.77.21/24", { timeout: 60_000 });
  // The wizard's cluster (04) advertises router id 51 on this network: a free one is taken instead, and checked.
  await expect(page.getByLabel("VRRP router id")).not.toHaveValue("51");
  await expect(page.getByRole("table", { name: "Load balancer pre-flight" })).not.toContainText("already advertised");
  await page.getByRole("button", { name: "2. Run pre-flight checks" }).click();
  await expect(page.getByRole("table", { name: "Pre-flight results" })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("passed", { exact: true })).toBeVisible();
  await expect(page.getByLabel("RabbitMQ version").locator("option")).toContainText(["Newest the hosts offer", "4.0.5-6+deb13u2"]);
  // The version decides the choices: no classic mirroring on 4.0, Khepri offered as an opt-in with its consequences.
  await expect(page.getByLabel("Queue high availability").locator("option")).toHaveText(["Quorum queues (the default queue type of the virtual host)"]);
  await expect(page.getByText(/has no classic mirrored queues \(removed in 4\.0\)/)).toBeVisible();
  await expect(page.getByLabel(/Use Khepri as the metadata store/)).not.toBeChecked();
  await expect(page.getByText(/cannot be turned off again/)).toBeVisible();

  await page.getByRole("button", { name: "3. Show the plan" }).click();
  await expect(page.getByText("Destructive steps that will run")).toBeVisible({ timeout: 60_000 });
  const shell = page.getByTestId("plan-shell");
  await expect(shell).toContainText("update_vhost_metadata / --default-queue-type quorum", { useInnerText: false });
  await expect(shell).toContainText("enable_feature_flag all", { useInnerText: false });
  await expect(shell).not.toContainText("set_policy", { useInnerText: false });
  await expect(shell).not.toContainText("khepri_db", { useInnerText: false });
  await shoot(page, "rabbitmq4-plan");
  await page.getByLabel("I understand; run these steps").check();
  await page.getByRole("button", { name: "4. Start setup" }).click();
  await expect(page).toHaveURL(/\/runs\//, { timeout: 60_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 9 * 60_000 });

  // Checked on the hosts, not through Warren.
  fs.mkdirSync(FIXTURES, { recursive: true });
  for (const n of NODES) {
    const raw = ssh(n, "rabbitmqctl -q cluster_status --formatter json");
    fs.writeFileSync(path.join(FIXTURES, `cluster-status-${n}.json`), raw);
    const s = JSON.parse(raw);
    expect(s.running_nodes.sort()).toEqual(NODES.map((x) => `rabbit@${x}`).sort());
    expect(s.disk_nodes.sort()).toEqual(NODES.map((x) => `rabbit@${x}`).sort());
    expect(s.ram_nodes).toEqual([]);
    expect(s.cluster_name).toBe("rabbit-four");
    expect(Object.values(s.versions as Record<string, { rabbitmq_version: string }>).map((v) => v.rabbitmq_version)).toEqual(["4.0.5", "4.0.5", "4.0.5"]);
  }
  expect(JSON.parse(ssh("node8", "rabbitmqctl -q list_vhosts name default_queue_type --formatter json"))).toEqual([{ name: "/", default_queue_type: "quorum" }]);
  const flags = JSON.parse(ssh("node9", "rabbitmqctl -q list_feature_flags name state stability --formatter json")) as { name: string; state: string; stability: string }[];
  fs.writeFileSync(path.join(FIXTURES, "feature-flags-after-setup.json"), JSON.stringify(flags));
  expect(flags.filter((f) => f.stability !== "experimental" && f.state !== "enabled")).toEqual([]);
  expect(flags.find((f) => f.name === "khepri_db")?.state).toBe("disabled");
  expect(ssh("node8", "rabbitmqctl -q list_policies")).not.toContain("ha-mode");
  for (const n of LBS) {
    ssh(n, "haproxy -c -f /etc/haproxy/haproxy.cfg >/dev/null && keepalived -t -f /etc/keepalived/keepalived.conf");
    expect(ssh(n, "dpkg-query -W -f='${Version}' haproxy keepalived")).toMatch(/^3\.0\.\d+.*2\.3\.\d+/);
  }
  const holders = LBS.filter((n) => JSON.parse(ssh(n, "ip -j -4 addr show")).some((i: { addr_info: { local: string }[] }) => i.addr_info.some((a) => a.local === VIP)));
  expect(holders).toHaveLength(1);

  // A queue declared without arguments through the VIP is a quorum queue.
  const pw = (await (await request.post(`/api/v1/clusters/${id}/secrets/managementPassword/reveal`, { headers: basic(ADMIN) })).json()).value as string;
  amqpUrl = `amqp://warren-admin:${encodeURIComponent(pw)}@${VIP}:5672`;
  const conn = await amqp.connect(amqpUrl);
  try {
    const ch = await conn.createChannel();
    await ch.assertQueue("e2e-no-arguments", { durable: true });
    const types = ssh("node10", "rabbitmqctl -q list_queues --no-table-headers name type");
    expect(types).toMatch(/^e2e-no-arguments\tquorum$/m);
    await ch.deleteQueue("e2e-no-arguments");
  } finally {
    await conn.close();
  }
  await page.getByRole("link", { name: "four" }).first().click();
  await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  for (const n of NODES) await expect(page.getByTestId(`node-${n}`)).toContainText(/RabbitMQ 4\.0\.5 · Erlang 27/);
  await expect(page.getByTestId("legacy-4x")).toHaveCount(0);
  await shoot(page, "rabbitmq4-healthy");
});

test("a RabbitMQ 4.0 node killed under load and restarted through Warren: nothing lost, the live view shows the failure and the recovery", async ({ page, request }) => {
  test.setTimeout(10 * 60_000);
  expect(id).not.toBe("");
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
  let stop!: () => void;
  const until = new Promise<void>((r) => { stop = r; });
  const report = runLoad({ url: amqpUrl, seconds: 20 * 60, until, drainSeconds: 60, queueType: "quorum" });
  try {
    await page.waitForTimeout(5000);
    labCommand("kill", "node9", "rabbitmq-server");
    await expect(page.getByTestId("node-node9")).toHaveAttribute("data-state", "down", { timeout: 15_000 });
    await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "critical");
    expect((await health(request)).nodes.find((n) => n.host === "node9")?.running).toBe(false);
    await shoot(page, "rabbitmq4-node-killed");
    const runId = await startFromActions(page, "Restart RabbitMQ on a node", () =>
      page.getByLabel("The node to restart").selectOption("node9"));
    await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 6 * 60_000 });
    expect(runId).toBeTruthy();
    await page.goto(`/clusters/${id}`);
    await expect(page.getByTestId("node-node9")).toHaveAttribute("data-state", "running", { timeout: 60_000 });
    await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "ok", { timeout: 60_000 });
    for (const lb of LBS) await expect(page.getByTestId(`backend-${lb}-node9`)).toHaveAttribute("data-status", "UP", { timeout: 60_000 });
    await page.waitForTimeout(5000);
  } finally {
    stop();
  }
  const r = await report;
  console.log(`RabbitMQ 4.0 node kill + restart through Warren, quorum queue through the VIP: ${JSON.stringify(r)}`);
  expect(r.confirmed).toBeGreaterThan(100);
  expect(r.lost).toBe(0);
  const timeline = page.getByTestId("alarm-timeline");
  await expect(timeline).toContainText("node9");
  await shoot(page, "rabbitmq4-recovered");
});

test("the 3.10 cluster of the earlier specs: what 4.x breaks is named, and a plan to 4.0 is refused with the hops it needs", async ({ page, request }) => {
  const clusters = (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters as { id: string; name: string }[];
  const wizard = clusters.find((c) => c.name === "wizard")!;
  await login(page, ADMIN);
  await page.goto(`/clusters/${wizard.id}`);
  await expect(page.getByTestId("legacy-ram-nodes")).toContainText("ram node node3");
  await expect(page.getByTestId("legacy-mirrored-queues")).toContainText("removed in RabbitMQ 4.0");
  const r = await request.post(`/api/v1/clusters/${wizard.id}/plan`, { headers: basic(ADMIN), data: { type: "rolling-upgrade", params: { rabbitmqVersion: "4.0.5-6+deb13u2" } } });
  expect(r.status()).toBe(400);
  const body = JSON.stringify(await r.json());
  expect(body).toMatch(/goes through 3\.11, 3\.12, 3\.13 first/);
});
