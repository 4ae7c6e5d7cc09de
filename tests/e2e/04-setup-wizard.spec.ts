import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { loadLab } from "../../lab/client";
import { ADMIN, login, submitHostForm } from "./helpers";

// As an operator would: add three lab hosts, create the cluster, run the
// wizard, watch the live log, end on the cluster page; then check the hosts
// themselves over SSH, not through Warren.
const lab = loadLab();
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const ssh = (host: string, cmd: string) => {
  const h = lab.hosts.find((x) => x.name === host)!;
  return execFileSync("ssh", ["-q", "-i", lab.privateKeyPath, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-o", "BatchMode=yes", `root@${h.address}`, cmd], { encoding: "utf8" });
};

test("the setup wizard builds node1 disc, node2 disc, node3 ram", async ({ page }) => {
  test.setTimeout(8 * 60_000);
  await login(page, ADMIN);
  await page.goto("/hosts");
  for (const name of ["node1", "node2", "node3"]) {
    await submitHostForm(page, name, lab.hosts.find((x) => x.name === name)!.address, key);
    await expect(page.getByRole("status")).toContainText(`Added ${name}`);
  }

  await page.getByRole("link", { name: "Clusters", exact: true }).click();
  await page.getByLabel("Cluster name").fill("wizard");
  await page.getByLabel("Role of node1").selectOption("disc");
  await page.getByLabel("Role of node2").selectOption("disc");
  await page.getByLabel("Role of node3").selectOption("ram");
  await page.getByLabel("node1 is the seed node").check();
  await page.getByRole("button", { name: "Create cluster" }).click();
  await expect(page.getByRole("heading", { name: "Set up RabbitMQ on these hosts" })).toBeVisible();

  await page.getByLabel("RabbitMQ cluster name").fill("rabbit-wizard");
  await page.getByLabel("Queue high availability").selectOption("all");
  await page.getByRole("button", { name: "2. Run pre-flight checks" }).click();
  const table = page.getByRole("table", { name: "Pre-flight results" });
  await expect(table).toBeVisible({ timeout: 60_000 });
  await expect(table).toContainText("Warren will add");
  await expect(page.getByText("passed", { exact: true })).toBeVisible();
  // Pre-flight lists what every host's package source offers; pin the older Erlang.
  await expect(page.getByLabel("RabbitMQ version").locator("option")).toContainText(["Newest the hosts offer", "3.10.8-1.1+deb12u1"]);
  await page.getByLabel("Erlang version").selectOption("1:25.2.3+dfsg-1+deb12u1");

  await page.getByRole("button", { name: "3. Show the plan" }).click();
  await expect(page.getByText("Destructive steps")).toBeVisible();
  await expect(page.getByTestId("plan-shell")).toContainText("join_cluster --ram rabbit@node1", { useInnerText: false });
  await expect(page.getByTestId("plan-shell")).toContainText("erlang-base=1:25.2.3+dfsg-1+deb12u1", { useInnerText: false });
  const startButton = page.getByRole("button", { name: "4. Start setup" });
  await expect(startButton).toBeDisabled();
  await page.getByLabel("I understand; run these steps").check();
  await startButton.click();

  await expect(page).toHaveURL(/\/runs\//);
  await expect(page.getByTestId("run-log")).toContainText("phase: Install RabbitMQ", { timeout: 120_000 });
  await expect(page.getByTestId("run-status")).toHaveText("succeeded", { timeout: 6 * 60_000 });
  await expect(page.getByTestId("run-log")).toContainText("setup succeeded");
  await page.getByRole("link", { name: "wizard" }).click();
  await expect(page.getByText("Last setup:")).toContainText("succeeded");

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
});
