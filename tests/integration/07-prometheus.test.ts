import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWarren, type WarrenServer } from "../support/warren-server";

// A real Prometheus (Debian's `prometheus`, installed by scripts/setup-machine.sh)
// scrapes Warren's /metrics with an API token, and its query API returns
// Warren's series. No lab: the cluster's hosts are loopback addresses where
// nothing listens (127.0.0.63–64), so their nodes show up=0.
const WARREN_PORT = 3997, PROM_PORT = 9091;

let warren: WarrenServer;
let prom: ChildProcess | undefined;
let promLog = "";
const promUrl = `http://127.0.0.1:${PROM_PORT}`;

interface Series { metric: Record<string, string>; value: [number, string] }
const query = async (q: string): Promise<Series[]> => {
  const r = await fetch(`${promUrl}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await r.json()) as { status: string; data: { result: Series[] } };
  expect(body.status).toBe("success");
  return body.data.result;
};
const until = async <T>(what: string, f: () => Promise<T | null>, timeoutMs: number): Promise<T> => {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f().catch(() => null);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; Prometheus said:\n${promLog.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
};

beforeAll(async () => {
  warren = await startWarren(WARREN_PORT);
  const token = (await warren.api<{ token: { token: string } }>("POST", "/tokens", { name: "prometheus", role: "viewer" })).body.token.token;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-it-prom-"));
  execFileSync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", path.join(dir, "k")]);
  const privateKey = fs.readFileSync(path.join(dir, "k"), "utf8");
  const ids: string[] = [];
  for (const [name, address] of [["prom63", "127.0.0.63"], ["prom64", "127.0.0.64"]])
    ids.push((await warren.api<{ host: { id: string } }>("POST", "/hosts", { name, address, authType: "key", privateKey })).body.host.id);
  expect((await warren.api("POST", "/clusters", { name: "scraped", members: ids.map((hostId) => ({ hostId, role: "rabbitmq", nodeType: "disc" })) })).status).toBe(201);
  const config = path.join(dir, "prometheus.yml");
  fs.writeFileSync(config, [
    "global:", "  scrape_interval: 1s", "  evaluation_interval: 1s",
    "scrape_configs:", "  - job_name: warren", "    metrics_path: /metrics", "    authorization:", "      type: Bearer", `      credentials: ${token}`,
    "    static_configs:", `      - targets: ["127.0.0.1:${WARREN_PORT}"]`, "",
  ].join("\n"));
  prom = spawn("prometheus", [`--config.file=${config}`, `--storage.tsdb.path=${path.join(dir, "data")}`, `--web.listen-address=127.0.0.1:${PROM_PORT}`], { stdio: ["ignore", "pipe", "pipe"] });
  prom.stdout!.on("data", (d) => (promLog += d));
  prom.stderr!.on("data", (d) => (promLog += d));
  await until("Prometheus to be ready", async () => ((await fetch(`${promUrl}/-/ready`)).ok ? true : null), 60_000);
}, 180_000);

afterAll(async () => {
  if (prom && prom.exitCode === null) {
    prom.kill("SIGTERM");
    await new Promise((r) => prom!.once("exit", r));
  }
  await warren?.stop();
});

describe("Prometheus scrapes /metrics", () => {
  it("with a viewer token; its query API returns each node's up series (0: nothing answers on these addresses)", async () => {
    const up = await until("warren_node_up for both nodes", async () => {
      const r = await query("warren_node_up");
      return r.length === 2 ? r : null;
    }, 60_000);
    expect(up.map((s) => `${s.metric.cluster}/${s.metric.node} ${s.metric.type} ${s.value[1]}`).sort()).toEqual(["scraped/prom63 disc 0", "scraped/prom64 disc 0"]);
    expect(up[0].metric.job).toBe("warren");
    // The scrape itself succeeds (Prometheus's own up for the target), and the cluster's state is there.
    expect((await query('up{job="warren"}'))[0].value[1]).toBe("1");
    expect((await query('warren_cluster_status{cluster="scraped",status="not-set-up"}'))[0].value[1]).toBe("1");
    const targets = (await (await fetch(`${promUrl}/api/v1/targets`)).json()) as { data: { activeTargets: { health: string; lastError: string }[] } };
    expect(targets.data.activeTargets.map((t) => [t.health, t.lastError])).toEqual([["up", ""]]);
  }, 120_000);

  it("without a token /metrics is refused (401 JSON, like the API)", async () => {
    const r = await fetch(`${warren.url}/metrics`);
    expect(r.status).toBe(401);
    expect(((await r.json()) as { error: string }).error).toBe("unauthenticated");
  });
});
