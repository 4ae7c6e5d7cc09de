import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { ADMIN, QUIET_NET, VIEWER, basic, callAction, ensureViewer, login, makeKey, serverActions } from "./helpers";

// Every route in the app, found by walking app/ (so a new route cannot be forgotten).
interface Route { path: string; kind: "page" | "api"; methods: string[] }

function discover(dir = path.resolve("app"), prefix = ""): Route[] {
  const out: Route[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) {
      const seg = /^\(.*\)$/.test(e.name) ? "" : `/${e.name}`; // route groups add no segment
      out.push(...discover(full, prefix + seg));
    } else if (e.name === "page.tsx") {
      out.push({ path: prefix || "/", kind: "page", methods: ["GET"] });
    } else if (e.name === "route.ts") {
      const src = fs.readFileSync(full, "utf8");
      const methods = [...src.matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]);
      out.push({ path: prefix, kind: "api", methods });
    }
  }
  return out;
}

const PUBLIC_PAGES = new Set(["/login", "/setup"]);
/** A load balancer's check: no login, and nothing in it but three words of state. */
const PUBLIC_API = new Set(["/api/v1/health"]);
const ADMIN_ONLY_READS = new Set(["/api/v1/instances", "/api/v1/tokens", "/api/v1/users", "/api/v1/audit", "/api/v1/clusters/[id]/backups/[backupId]/download"]);
// Reads that make Warren open SSH connections: operator, as the actions that do the same (issue #22).
const OPERATOR_READS = new Set(["/api/v1/clusters/[id]/versions", "/api/v1/clusters/[id]/migration"]);
// Reads a viewer may make that answer otherwise without more: a backup that does not exist, a diff without its from and to.
const VIEWER_READ_STATUS: Record<string, number> = { "/api/v1/clusters/[id]/backups/[backupId]": 404, "/api/v1/clusters/[id]/backups/diff": 400, "/api/v1/alerts/[id]": 404 };

/**
 * Every server action and the role it needs. A test below fails when the
 * build has an action this table does not name, so a new one cannot be
 * forgotten. "public": no session needed (the login itself, first run).
 */
const ACTION_ROLES: Record<string, "public" | "viewer" | "operator" | "admin"> = {
  login: "public", createFirstAdmin: "public", logout: "public", changePassword: "viewer",
  addHost: "operator", removeHost: "operator", testHostConnection: "operator", acceptNewHostKey: "operator", editHost: "operator",
  addCluster: "operator", removeCluster: "operator", editMembers: "operator",
  previewPlan: "operator", startPlan: "operator", preflight: "operator", lbPreflight: "operator", versionsOf: "operator",
  retry: "operator", resume: "operator", cancel: "operator", backupNow: "operator", saveBackupSchedule: "operator",
  addUser: "admin", removeUser: "admin", setUserRole: "admin", addToken: "admin", revokeToken: "admin", forgetToken: "admin", revealSecret: "admin",
  // Alerts (#25): operators silence and tune rules; admins manage channels and routes.
  addSilence: "operator", endSilence: "operator", saveAlertRules: "operator",
  addChannel: "admin", removeChannel: "admin", sendTestNotification: "admin", addRoute: "admin", removeRoute: "admin",
};
/** Arguments of the right shape for each action (what its form or button sends), so only the role decides. */
function actionArgs(name: string, ids: Record<string, string>): { json?: unknown[]; form?: Record<string, string>; bound?: string[] } {
  const forms: Record<string, Record<string, string>> = {
    addHost: { name: "crawl-act", address: `${QUIET_NET}.209`, authType: "password", password: "x" },
    editHost: { address: `${QUIET_NET}.208` }, addCluster: { name: "crawl-act" }, editMembers: {},
    addUser: { username: "crawl-act", password: "crawl-act-password", role: "admin" }, addToken: { name: "crawl-act", role: "admin" },
    changePassword: { current: "x", next: "crawl-act-password", confirm: "crawl-act-password" },
    addSilence: { clusterId: ids.clusterId, minutes: "5", reason: "crawl act" }, addChannel: { type: "webhook", name: "crawl-act", url: "http://127.0.0.1:9/crawl-act" },
    addRoute: { channelId: ids.channelId }, saveAlertRules: { kind: "fd-high" },
  };
  if (name === "editHost") return { form: forms.editHost, bound: [ids.hostId] };
  if (name === "editMembers") return { form: forms.editMembers, bound: [ids.clusterId] };
  if (name === "saveBackupSchedule") return { form: { enabled: "on", everyHours: "1", keepCount: "1", keepDays: "" }, bound: [ids.clusterId] };
  if (name === "saveAlertRules") return { form: forms.saveAlertRules, bound: [ids.clusterId] };
  if (forms[name]) return { form: forms[name] };
  const json: Record<string, unknown[]> = {
    removeHost: [ids.hostId], testHostConnection: [ids.hostId], acceptNewHostKey: [ids.hostId, `SHA256:${"A".repeat(43)}`],
    removeCluster: [ids.clusterId], backupNow: [ids.clusterId], previewPlan: [ids.clusterId, "setup", {}], startPlan: [ids.clusterId, "setup", {}, true, "x"],
    preflight: [ids.clusterId, {}], lbPreflight: [ids.clusterId, {}], versionsOf: [ids.clusterId],
    retry: ["no-such-run"], resume: ["no-such-run"], cancel: ["no-such-run", "now"],
    removeUser: [ids.viewerId], setUserRole: [ids.viewerId, "admin"], revokeToken: [ids.tokenId], forgetToken: [ids.tokenId], revealSecret: [ids.clusterId, "managementPassword"],
    endSilence: [ids.silenceId], removeChannel: [ids.channelId], sendTestNotification: [ids.channelId], removeRoute: [ids.routeId],
  };
  return { json: json[name] ?? [] };
}
const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

test.describe.configure({ mode: "serial" });

let ids: Record<string, string> = {};
let viewerToken = "";
const routes = discover();

test.beforeAll(async ({ request }) => {
  await ensureViewer(request);
  const { privateKey } = makeKey();
  const h = await request.post("/api/v1/hosts", { headers: basic(ADMIN), data: { name: "crawl1", address: `${QUIET_NET}.201`, authType: "key", privateKey } });
  expect(h.status()).toBe(201);
  const hostId = (await h.json()).host.id;
  const c = await request.post("/api/v1/clusters", { headers: basic(ADMIN), data: { name: "crawl-cluster", members: [{ hostId, role: "rabbitmq", nodeType: "disc" }] } });
  expect(c.status()).toBe(201);
  const t = await request.post("/api/v1/tokens", { headers: basic(ADMIN), data: { name: "crawl-viewer", role: "viewer" } });
  viewerToken = (await t.json()).token.token;
  const t2 = await request.post("/api/v1/tokens", { headers: basic(ADMIN), data: { name: "crawl-victim", role: "viewer" } });
  const users = (await (await request.get("/api/v1/users", { headers: basic(ADMIN) })).json()).users as { id: string; username: string }[];
  ids = { hostId, clusterId: (await c.json()).cluster.id, tokenId: (await t2.json()).token.id, viewerId: users.find((u) => u.username === VIEWER.username)!.id };
  // Alerts: a channel (its URL answers nothing; nothing here sends to it), a route and a silence to point the [id] routes at.
  const ch = await request.post("/api/v1/alerts/channels", { headers: basic(ADMIN), data: { type: "webhook", name: "crawl-hook", url: "http://127.0.0.1:9/crawl" } });
  expect(ch.status()).toBe(201);
  ids.channelId = (await ch.json()).channel.id;
  ids.routeId = (await (await request.post("/api/v1/alerts/routes", { headers: basic(ADMIN), data: { channelId: ids.channelId, clusterId: ids.clusterId } })).json()).route.id;
  ids.silenceId = (await (await request.post("/api/v1/alerts/silences", { headers: basic(ADMIN), data: { clusterId: ids.clusterId, minutes: 60, reason: "crawl" } })).json()).silence.id;
});

const fill = (p: string) =>
  p.replace("/alerts/channels/[id]", `/alerts/channels/${ids.channelId}`).replace("/alerts/routes/[id]", `/alerts/routes/${ids.routeId}`).replace("/alerts/silences/[id]", `/alerts/silences/${ids.silenceId}`).replace("/alerts/[id]", "/alerts/no-such-incident")
    .replace("/hosts/[id]", `/hosts/${ids.hostId}`).replace("/clusters/[id]", `/clusters/${ids.clusterId}`).replace("/tokens/[id]", `/tokens/${ids.tokenId}`).replace("/runs/[id]", "/runs/no-such-run").replace("/secrets/[name]", "/secrets/managementPassword").replace("/backups/[backupId]", "/backups/no-such-backup");

test("the crawl found the app's routes", () => {
  const paths = routes.map((r) => r.path);
  for (const p of ["/", "/hosts", "/hosts/[id]", "/clusters", "/admin/users", "/api/v1/hosts", "/api/v1/hosts/[id]/test", "/api/v1/tokens/[id]"])
    expect(paths).toContain(p);
  expect(routes.length).toBeGreaterThan(15);
});

test("without credentials every page redirects to login and every API call is 401 JSON", async ({ request }) => {
  for (const r of routes) {
    for (const method of r.methods) {
      const res = await request.fetch(fill(r.path), { method, maxRedirects: 0, data: method === "GET" ? undefined : {} });
      const where = `${method} ${r.path}`;
      if (r.kind === "api" && PUBLIC_API.has(r.path)) {
        expect([200, 503], where).toContain(res.status());
        expect(Object.keys(await res.json()).sort(), where).toEqual(["database", "leases", "status"]);
      } else if (r.kind === "api") {
        expect(res.status(), where).toBe(401);
        expect((await res.json()).error, where).toBe("unauthenticated");
      } else if (PUBLIC_PAGES.has(r.path)) {
        expect([200, 307], where).toContain(res.status());
        if (res.status() === 307) expect(res.headers().location, where).toMatch(/^\/login/);
      } else {
        expect(res.status(), where).toBe(307);
        expect(res.headers().location, where).toMatch(/^\/login\?next=/);
      }
    }
  }
});

test("every page checks its own principal: RSC and HTML requests with a forged cookie carry no data", async ({ request }) => {
  const pages = routes.filter((r) => r.kind === "page" && !PUBLIC_PAGES.has(r.path));
  expect(pages.length).toBeGreaterThan(8);
  for (const r of pages) {
    for (const headers of [{ Cookie: "warren_session=forged", RSC: "1" }, { Cookie: "warren_session=forged", RSC: "1", "Next-Router-Prefetch": "1" }, { Cookie: "warren_session=forged" }] as Record<string, string>[]) {
      const res = await request.get(fill(r.path), { headers, maxRedirects: 0 });
      const body = await res.text();
      const where = `${r.path} ${JSON.stringify(headers)}`;
      for (const secretish of ["crawl1", "crawl-cluster", "crawl-viewer", "Recent runs", "Inventory", "Welcome to Warren", `${QUIET_NET}.201`]) expect(body, where).not.toContain(secretish);
    }
  }
});

test("bad credentials are refused too", async ({ request }) => {
  for (const headers of [{ Authorization: "Bearer wrn_not-a-real-token" }, basic({ username: "admin", password: "wrong" }), { Authorization: "Weird x" }]) {
    expect((await request.get("/api/v1/hosts", { headers })).status()).toBe(401);
  }
  const page = await request.get("/hosts", { maxRedirects: 0, headers: { Cookie: "warren_session=forged" } });
  expect(page.status()).toBe(307);
});

test("with a viewer token every write is 403 and nothing changes", async ({ request }) => {
  const headers = { Authorization: `Bearer ${viewerToken}` };
  let writes = 0;
  for (const r of routes.filter((x) => x.kind === "api")) {
    for (const method of r.methods) {
      const res = await request.fetch(fill(r.path), { method, headers, data: method === "GET" ? undefined : { name: "x", fingerprint: "SHA256:x" } });
      const where = `${method} ${r.path}`;
      if (WRITE.has(method)) {
        writes++;
        expect(res.status(), where).toBe(403);
        expect((await res.json()).error, where).toBe("forbidden");
      } else {
        expect(res.status(), where).toBe(ADMIN_ONLY_READS.has(r.path) || OPERATOR_READS.has(r.path) ? 403 : r.path.includes("/runs/") ? 404 : VIEWER_READ_STATUS[r.path] ?? 200);
      }
    }
  }
  expect(writes).toBeGreaterThanOrEqual(7);
  const hosts = await request.get("/api/v1/hosts", { headers });
  expect((await hosts.json()).hosts.map((h: { name: string }) => h.name)).toContain("crawl1");
});

test("a revoked token stops working", async ({ request }) => {
  const t = await request.post("/api/v1/tokens", { headers: basic(ADMIN), data: { name: "short-lived", role: "operator" } });
  const { token, id } = (await t.json()).token;
  expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(200);
  expect((await request.delete(`/api/v1/tokens/${id}`, { headers: basic(ADMIN) })).status()).toBe(200);
  expect((await request.get("/api/v1/me", { headers: { Authorization: `Bearer ${token}` } })).status()).toBe(401);
});

test("the API is documented and validates like the forms", async ({ request }) => {
  const doc = await (await request.get("/api/v1/openapi.json", { headers: basic(ADMIN) })).json();
  expect(doc.openapi).toBe("3.1.0");
  for (const r of routes.filter((x) => x.kind === "api" && x.path !== "/api/v1/openapi.json")) {
    const p = r.path.replace("/api/v1", "").replace(/\[(\w+)\]/g, "{$1}");
    expect(doc.paths[p], p).toBeTruthy();
    for (const m of r.methods) expect(doc.paths[p][m.toLowerCase()], `${m} ${p}`).toBeTruthy();
  }
  const bad = await request.post("/api/v1/hosts", { headers: basic(ADMIN), data: { name: "$(reboot)", address: "x y", port: 0, authType: "key" } });
  expect(bad.status()).toBe(400);
  const body = await bad.json();
  expect(Object.keys(body.fieldErrors)).toEqual(expect.arrayContaining(["name", "address", "port"]));
});

test("every server action of the build is in the role table", () => {
  const names = [...new Set(serverActions().map((a) => a.name))].sort();
  expect(names.length).toBeGreaterThan(20);
  expect(names).toEqual(Object.keys(ACTION_ROLES).sort());
});

test("server actions: without a session each one that needs a role is refused; with the viewer's, each above viewer is forbidden and nothing changes", async ({ page, request, baseURL }) => {
  for (const { name } of serverActions()) {
    if (ACTION_ROLES[name] === "public") continue;
    const r = await callAction(request, baseURL!, name, actionArgs(name, ids));
    // A page without a session redirects to the login; one that renders answers the action "unauthenticated".
    if (r.status === 307) continue;
    expect(r.status, name).toBe(200);
    expect(r.result?.code, name).toBe("unauthenticated");
  }
  await login(page, VIEWER);
  for (const { name } of serverActions()) {
    const role = ACTION_ROLES[name];
    if (role === "public" || role === "viewer") continue;
    const r = await callAction(page.request, baseURL!, name, actionArgs(name, ids));
    expect(r.status, name).toBe(200);
    expect(r.result?.code, `${name} needs ${role}`).toBe("forbidden");
  }
  const hosts = (await (await request.get("/api/v1/hosts", { headers: basic(ADMIN) })).json()).hosts as { name: string; address: string }[];
  expect(hosts.find((h) => h.name === "crawl1")?.address).toBe(`${QUIET_NET}.201`);
  expect(hosts.map((h) => h.name)).not.toContain("crawl-act");
  const users = (await (await request.get("/api/v1/users", { headers: basic(ADMIN) })).json()).users as { username: string; role: string }[];
  expect(users.find((u) => u.username === VIEWER.username)?.role).toBe("viewer");
});

test("a cookie-authenticated write from another origin is refused on every API write route and every server action", async ({ page, baseURL }) => {
  // Another port (same site: the cookie goes along) and another scheme (issue #22: the scheme was not compared).
  const evil = http.createServer((_q, res) => res.end());
  await new Promise<void>((r) => evil.listen(0, "127.0.0.1", r));
  const others = [`http://127.0.0.1:${(evil.address() as AddressInfo).port}`, baseURL!.replace(/^http:/, "https:")];
  try {
    await login(page, ADMIN);
    let writes = 0;
    for (const r of routes.filter((x) => x.kind === "api")) {
      for (const method of r.methods.filter((m) => WRITE.has(m))) {
        for (const origin of others) {
          writes++;
          const res = await page.request.fetch(fill(r.path), { method, headers: { Origin: origin }, data: { name: "x", role: "viewer" } });
          expect(res.status(), `${method} ${r.path} from ${origin}`).toBe(403);
          expect((await res.json()).error, `${method} ${r.path} from ${origin}`).toBe("cross-origin");
        }
      }
    }
    expect(writes).toBeGreaterThanOrEqual(2 * 15);
    for (const { name } of serverActions()) {
      for (const origin of others) {
        const r = await callAction(page.request, baseURL!, name, actionArgs(name, ids), { Origin: origin });
        expect(r.status, `${name} from ${origin}`).toBe(403);
      }
    }
    // From Warren's own origin the same session still works.
    expect((await page.request.get("/api/v1/me")).status()).toBe(200);
  } finally {
    evil.close();
  }
});
