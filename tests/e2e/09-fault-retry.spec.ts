import fs from "node:fs";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { labCommand, loadLab, sshOk } from "../../lab/client";
import { ADMIN, basic, login } from "./helpers";

// A setup that fails twice for real reasons an operator meets at 3 a.m., and
// is finished from the run page's Retry button each time the cause is fixed:
//   1. the seed's RabbitMQ is killed (`lab kill`) while node7 joins it;
//   2. node7's Erlang cookie loses its 400 mode.
// Each failure must name the host, the command, the exit code and stderr.
const lab = loadLab();
const key = fs.readFileSync(lab.privateKeyPath, "utf8");
const api = async <T>(request: APIRequestContext, method: "GET" | "POST", path: string, data?: unknown): Promise<T> => {
  const r = await request.fetch(`/api/v1${path}`, { method, data, headers: basic(ADMIN) });
  expect(r.status(), `${method} ${path}: ${await r.text()}`).toBeLessThan(300);
  return r.json() as Promise<T>;
};
interface RunJson { run: { status: string; steps: { key: string; status: string }[] } }

test("a failed step shows host, command, exit code and stderr; fix it, press Retry, the cluster completes", async ({ page, request }) => {
  test.setTimeout(8 * 60_000);
  const ids: string[] = [];
  for (const name of ["node6", "node7"]) {
    const address = lab.hosts.find((h) => h.name === name)!.address;
    ids.push((await api<{ host: { id: string } }>(request, "POST", "/hosts", { name, address, authType: "key", privateKey: key })).host.id);
  }
  const { cluster } = await api<{ cluster: { id: string } }>(request, "POST", "/clusters", {
    name: "faults", members: [{ hostId: ids[0], role: "rabbitmq", nodeType: "disc", isSeed: true }, { hostId: ids[1], role: "rabbitmq", nodeType: "ram" }],
  });
  const { runId } = await api<{ runId: string }>(request, "POST", `/clusters/${cluster.id}/operations`, {
    type: "setup", params: { clusterName: "rabbit-faults", ha: { mode: "all" }, management: false }, confirmDestructive: true,
  });

  await login(page, ADMIN);
  await page.goto(`/runs/${runId}`);
  const status = page.getByTestId("run-status");
  const failedStep = page.getByTestId("failed-step");

  // Fault 1: as soon as node7 starts its join, the seed's broker dies.
  for (;;) {
    const { run } = await api<RunJson>(request, "GET", `/runs/${runId}`);
    expect(run.status, "the run ended before node7's join started").toMatch(/^(queued|running)$/);
    if (run.steps.find((s) => s.key === "stop_app:node7")!.status === "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  labCommand("kill", "node6", "rabbitmq-server");
  await expect(status).toHaveText("failed", { timeout: 120_000 });
  await expect(failedStep).toContainText("Failed on node7: Join as a ram node");
  await expect(failedStep).toContainText("rabbitmqctl join_cluster --ram rabbit@node6");
  await expect(failedStep).toContainText(/exit code [1-9]\d*/);
  await expect(failedStep.locator("pre")).not.toBeEmpty();
  await expect(page.getByTestId("step-start_app:node7")).toHaveAttribute("data-status", "pending");

  // The operator brings the seed back; meanwhile node7's cookie gets the wrong mode.
  await sshOk(lab, "node6", "systemctl start rabbitmq-server && rabbitmqctl await_startup --timeout 120", 180_000);
  await sshOk(lab, "node7", "chmod 644 /var/lib/rabbitmq/.erlang.cookie");
  await page.getByRole("button", { name: "Retry from the failed step" }).click();
  await expect(status).toHaveText(/queued|running/);
  await expect(status).toHaveText("failed", { timeout: 120_000 });
  await expect(failedStep).toContainText("Failed on node7: Stop the RabbitMQ application");
  await expect(failedStep).toContainText("rabbitmqctl stop_app");
  await expect(failedStep).toContainText(/exit code [1-9]\d*/);
  await expect(failedStep.locator("pre")).toContainText("Cookie file /var/lib/rabbitmq/.erlang.cookie must be accessible by owner only");

  // Fixed: the retry runs node7's join from its first step and completes.
  await sshOk(lab, "node7", "chmod 400 /var/lib/rabbitmq/.erlang.cookie");
  await page.getByRole("button", { name: "Retry from the failed step" }).click();
  await expect(status).toHaveText("succeeded", { timeout: 3 * 60_000 });
  await expect(failedStep).toHaveCount(0);
  await expect(page.getByTestId("run-log")).toContainText("setup succeeded");

  // Independently of Warren: the hosts agree.
  for (const n of ["node6", "node7"]) {
    const s = JSON.parse(await sshOk(lab, n, "rabbitmqctl -q cluster_status --formatter json"));
    expect(s.disk_nodes).toEqual(["rabbit@node6"]);
    expect(s.ram_nodes).toEqual(["rabbit@node7"]);
    expect(s.running_nodes.sort()).toEqual(["rabbit@node6", "rabbit@node7"]);
    expect(s.cluster_name).toBe("rabbit-faults");
  }
  expect(await sshOk(lab, "node7", "stat -c '%a %U' /var/lib/rabbitmq/.erlang.cookie")).toBe("400 rabbitmq\n");
});
