import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { labCommand } from "../../lab/client";
import type { ClusterHealth, NodeHealth } from "../../lib/health/derive";
import { ADMIN, basic, labSsh, login, shoot } from "./helpers";

// The live view of the cluster the wizard built (04: node1-3 RabbitMQ, node4-5
// load balancers, VIP .100) under real faults, each undone and followed by the
// page going back to healthy. Runs after the load-balancer spec (05).
const LBS = ["node4", "node5"];
const ssh = (host: string, cmd: string) => labSsh(host, cmd);

let id = "";
test.describe.configure({ mode: "serial" });

test.beforeAll(async ({ request }) => {
  id = (await (await request.get("/api/v1/clusters", { headers: basic(ADMIN) })).json()).clusters.find((c: { name: string }) => c.name === "wizard").id;
});

const api = async (request: APIRequestContext) => (await (await request.get(`/api/v1/clusters/${id}/health`, { headers: basic(ADMIN) })).json()) as ClusterHealth;

// The same reading of a node's state as the page's (components/health/cluster-live.tsx).
const nodeState = (n: NodeHealth) => (!n.reachable ? "unreachable" : !n.running ? "down" : n.alarms.length ? "alarm" : n.maintenance ? "maintenance" : "running");

/** What a person reads off the live view, from the health API's answer... */
function summaryOf(h: ClusterHealth) {
  return {
    status: h.status,
    nodes: Object.fromEntries(h.nodes.map((n) => [n.host, nodeState(n)])),
    lbs: Object.fromEntries(h.loadBalancers.map((l) => [l.host, { reachable: l.reachable, vip: l.holdsVip, backends: Object.fromEntries(l.backends.map((b) => [b.server, l.reachable ? b.status : "unknown"])) }])),
    owners: h.vip?.owners.join(",") ?? "",
  };
}

/** ...and off the page. */
async function summaryOnPage(page: Page) {
  return page.evaluate(() => {
    const attr = (el: Element, a: string) => el.getAttribute(a) ?? "";
    const live = document.querySelector('[data-testid="cluster-live"]')!;
    const nodes: Record<string, string> = {};
    for (const el of document.querySelectorAll('[data-testid^="node-"]')) nodes[attr(el, "data-testid").slice(5)] = attr(el, "data-state");
    const lbs: Record<string, { reachable: boolean; vip: boolean; backends: Record<string, string> }> = {};
    for (const el of document.querySelectorAll('[data-testid^="lb-"]')) {
      const host = attr(el, "data-testid").slice(3);
      const backends: Record<string, string> = {};
      for (const b of el.querySelectorAll(`[data-testid^="backend-${host}-"]`)) backends[attr(b, "data-testid").slice(`backend-${host}-`.length)] = attr(b, "data-status");
      lbs[host] = { reachable: attr(el, "data-reachable") === "true", vip: attr(el, "data-vip") === "true", backends };
    }
    return { observedAt: attr(live, "data-observed-at"), summary: { status: attr(live, "data-status"), nodes, lbs, owners: attr(document.querySelector('[data-testid="vip-owners"]')!, "data-owners") } };
  });
}

/**
 * The page shows exactly the answer it last received, and a separate API
 * client reading at the same moment sees the same state (retried only
 * across a state change that falls between the two readings).
 */
async function expectPageMatchesApi(page: Page, request: APIRequestContext) {
  const answer = (await (await page.waitForResponse((r) => r.url().endsWith(`/api/v1/clusters/${id}/health`) && r.status() === 200)).json()) as ClusterHealth;
  await expect.poll(async () => (await summaryOnPage(page)).observedAt, { timeout: 5000 }).toBe(answer.observedAt);
  expect((await summaryOnPage(page)).summary).toEqual(summaryOf(answer));
  await expect.poll(async () => {
    const [onPage, fromApi] = await Promise.all([summaryOnPage(page), api(request)]);
    return JSON.stringify(onPage.summary) === JSON.stringify(summaryOf(fromApi));
  }, { timeout: 10_000, intervals: [300] }).toBe(true);
}

async function expectHealthy(page: Page, timeout = 90_000) {
  await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "ok", { timeout });
  for (const lb of LBS) for (const n of ["node1", "node2", "node3"]) await expect(page.getByTestId(`backend-${lb}-${n}`)).toHaveAttribute("data-status", "UP", { timeout });
}

test("a healthy cluster: roles, versions, each load balancer's view, the VIP's owner; the page and the API agree", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  for (const [n, type] of [["node1", "disc"], ["node2", "disc"], ["node3", "ram"]]) {
    await expect(page.getByTestId(`node-${n}`)).toHaveAttribute("data-state", "running");
    await expect(page.getByTestId(`node-${n}`)).toContainText(type);
    await expect(page.getByTestId(`node-${n}`)).toContainText(/RabbitMQ 3\.\d+\.\d+ · Erlang \d+/);
  }
  const h = await api(request);
  expect(h.vip?.owners).toHaveLength(1);
  await expect(page.getByTestId(`lb-${h.vip!.owners[0]}`)).toContainText("holds the VIP");
  await expectPageMatchesApi(page, request);
  await shoot(page, "health-healthy");
  // A 3.x cluster with a ram node and mirrored queues: what 4.x would break, and what to do.
  await expect(page.getByTestId("legacy-ram-nodes")).toContainText("ram node node3");
  await expect(page.getByTestId("legacy-mirrored-queues")).toContainText("policy ha-all");
  // The clusters list shows the cluster's state.
  await page.goto("/clusters");
  await expect(page.getByTestId("cluster-state-wizard")).toHaveAttribute("data-status", "ok");
});

test("lab kill node2 rabbitmq-server: node2 shown down at once, then each HAProxy marks it DOWN; it recovers", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  labCommand("kill", "node2", "rabbitmq-server");
  try {
    await expect(page.getByTestId("node-node2")).toHaveAttribute("data-state", "down", { timeout: 5000 });
    for (const lb of LBS) await expect(page.getByTestId(`backend-${lb}-node2`)).toHaveAttribute("data-status", "DOWN", { timeout: 15_000 });
    await expect(page.getByTestId("alarm-node-down:node2")).toBeVisible();
    await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "critical");
    await expectPageMatchesApi(page, request);
    await shoot(page, "health-node2-killed");
    await page.goto("/clusters");
    await expect(page.getByTestId("cluster-state-wizard")).toHaveAttribute("data-status", "critical");
    await page.goto(`/clusters/${id}`);
  } finally {
    ssh("node2", "systemctl start rabbitmq-server");
  }
  await expectHealthy(page);
  // The timeline kept the alarm, raised and cleared.
  const events = (await (await request.get(`/api/v1/clusters/${id}/health/events`, { headers: basic(ADMIN) })).json()).events as { alarmId: string; clearedAt: string | null }[];
  expect(events.find((e) => e.alarmId === "node-down:node2")?.clearedAt).toBeTruthy();
  await expect(page.getByTestId("alarm-timeline")).toContainText("node2");
});

test("lab cut node3: node3 shown unreachable with how long ago it was seen, and HAProxy takes it out; it recovers", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  labCommand("cut", "node3");
  try {
    await expect(page.getByTestId("node-node3")).toHaveAttribute("data-state", "unreachable", { timeout: 5000 });
    await expect(page.getByTestId("stale-node3")).toContainText(/last seen \d+ s ago/);
    for (const lb of LBS) await expect(page.getByTestId(`backend-${lb}-node3`)).toHaveAttribute("data-status", "DOWN", { timeout: 20_000 });
    await expectPageMatchesApi(page, request);
    await shoot(page, "health-node3-cut");
  } finally {
    labCommand("heal", "node3");
  }
  await expectHealthy(page);
});

test("stopping Keepalived on the VIP owner: the page shows the other load balancer as the owner", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  const owner = (await api(request)).vip!.owners[0];
  const other = LBS.find((l) => l !== owner)!;
  ssh(owner, "systemctl stop keepalived");
  try {
    await expect(page.getByTestId("vip-owners")).toHaveAttribute("data-owners", other, { timeout: 5000 });
    await expect(page.getByTestId(`lb-${other}`)).toHaveAttribute("data-vip", "true");
    await expect(page.getByTestId(`lb-${owner}`)).toHaveAttribute("data-vip", "false");
    await expect(page.getByTestId(`alarm-keepalived:${owner}`)).toBeVisible();
    await expectPageMatchesApi(page, request);
    await shoot(page, "health-vip-moved");
  } finally {
    ssh(owner, "systemctl start keepalived");
  }
  await expectHealthy(page);
  await expect(page.getByTestId("vip-owners")).toHaveAttribute("data-owners", other);
});

test("lab freeze a load balancer: shown unreachable with its last-seen age, never as healthy; it recovers", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  const owner = (await api(request)).vip!.owners[0];
  const victim = LBS.find((l) => l !== owner)!;
  labCommand("freeze", victim);
  try {
    await expect(page.getByTestId(`lb-${victim}`)).toHaveAttribute("data-reachable", "false", { timeout: 5000 });
    await expect(page.getByTestId(`stale-${victim}`)).toContainText(/last seen \d+ s ago/);
    for (const n of ["node1", "node2", "node3"]) await expect(page.getByTestId(`backend-${victim}-${n}`)).toHaveAttribute("data-status", "unknown");
    // The other load balancer holds the VIP and serves: degraded (a warning), not critical.
    await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "warning");
    await expect(page.getByTestId(`alarm-unreachable:${victim}`)).toContainText(`clients are served through ${owner}`);
    await page.waitForTimeout(3000);
    // Still unreachable, and the age grows: old data is never shown as live.
    await expect(page.getByTestId(`stale-${victim}`)).toContainText(/last seen ([5-9]|\d\d+) s ago/);
    await expectPageMatchesApi(page, request);
    await shoot(page, "health-lb-frozen");
  } finally {
    labCommand("thaw", victim);
  }
  await expectHealthy(page);
});

test("lab freeze node3 (RabbitMQ): the healthy nodes keep their values, node3 is marked, both load balancers take it out; it recovers", async ({ page, request }) => {
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  labCommand("freeze", "node3");
  try {
    await expect(page.getByTestId("node-node3")).toHaveAttribute("data-state", "unreachable", { timeout: 5000 });
    // HAProxy's check waits for the broker's AMQP greeting: a hung node's kernel still accepts TCP, its broker does not answer.
    for (const lb of LBS) await expect(page.getByTestId(`backend-${lb}-node3`)).toHaveAttribute("data-status", "DOWN", { timeout: 10_000 });
    // Long past the cluster view's freshness: node1 and node2 still show their values, never blanks.
    await page.waitForTimeout(8000);
    for (const n of ["node1", "node2"]) {
      await expect(page.getByTestId(`node-${n}`)).toHaveAttribute("data-state", "running");
      await expect(page.getByTestId(`node-${n}`).getByText(/^\d+(\.\d)? (MiB|GiB) of \d+(\.\d)? (MiB|GiB)$/)).toBeVisible();
      await expect(page.getByTestId(`node-${n}`)).not.toContainText("up —");
    }
    await expectPageMatchesApi(page, request);
    await shoot(page, "health-node3-frozen");
  } finally {
    labCommand("thaw", "node3");
  }
  await expectHealthy(page);
});

test("power cut of the VIP's holder: the VIP moves, and no split-brain alarm appears on the page or in the timeline", async ({ page, request }) => {
  test.setTimeout(5 * 60_000);
  await login(page, ADMIN);
  await page.goto(`/clusters/${id}`);
  await expectHealthy(page);
  const owner = (await api(request)).vip!.owners[0];
  const other = LBS.find((l) => l !== owner)!;
  const t0 = new Date();
  labCommand("stop", owner, "--hard");
  try {
    const alarms = new Set<string>(), owners = new Set<string>();
    // The page and the API, read every 100 ms while the VIP moves and the holder goes silent.
    while (Date.now() - t0.getTime() < 12_000) {
      const h = await api(request);
      for (const a of h.alarms) alarms.add(a.id);
      owners.add(h.vip?.owners.join(",") ?? "");
      owners.add((await page.getByTestId("vip-owners").getAttribute("data-owners")) ?? "");
      for (const el of await page.locator('[aria-label="Current alarms"] [data-testid^="alarm-"]').all()) alarms.add(((await el.getAttribute("data-testid")) ?? "").slice(6));
      await page.waitForTimeout(100);
    }
    expect([...alarms]).not.toContain("vip-split");
    expect([...owners].filter((o) => o.includes(","))).toEqual([]);
    await expect(page.getByTestId("vip-owners")).toHaveAttribute("data-owners", other);
    // Clients are served through the other load balancer: degraded, not critical.
    await expect(page.getByTestId(`alarm-unreachable:${owner}`)).toBeVisible();
    await expect(page.getByTestId("cluster-live")).toHaveAttribute("data-status", "warning");
    const events = (await (await request.get(`/api/v1/clusters/${id}/health/events`, { headers: basic(ADMIN) })).json()).events as { alarmId: string; raisedAt: string }[];
    expect(events.filter((e) => new Date(e.raisedAt) >= t0).map((e) => e.alarmId)).not.toContain("vip-split");
    await shoot(page, "health-vip-holder-power-cut");
  } finally {
    labCommand("start", owner);
  }
  await expectHealthy(page, 180_000);
});
