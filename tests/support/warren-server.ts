import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

// A real Warren server (the production build) on its own port and data directory.
export interface WarrenServer {
  url: string;
  dataDir: string;
  logFile: string;
  api<T = unknown>(method: string, p: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** SIGKILL the whole server process group: a crash, nothing gets to clean up. */
  crash(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
  /** CPU seconds (user + system) used so far by the server's processes. */
  cpuSeconds(): number;
  /** Sends a signal to the whole server process group without waiting (SIGSTOP freezes it, SIGCONT thaws it). */
  signal(sig: NodeJS.Signals): void;
}

/** More of the server's environment: e.g. WARREN_DATABASE_URL and WARREN_SECRET_KEY for an instance on PostgreSQL. */
export interface WarrenOptions { env?: Record<string, string> }

export const ADMIN = { user: "admin", password: "integration-admin-pw" };

export async function startWarren(port: number, dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "warren-it-")), o: WarrenOptions = {}): Promise<WarrenServer> {
  const logFile = path.join(dataDir, "server.log");
  let child: ChildProcess | undefined;
  const url = `http://127.0.0.1:${port}`;
  const launch = async () => {
    // A server left on this port would answer in place of ours.
    if (await fetch(`${url}/login`).then(() => true, () => false)) throw new Error(`port ${port} is already in use: stop what listens there first`);
    const out = fs.openSync(logFile, "a");
    child = spawn("bash", ["scripts/start.sh"], {
      detached: true, stdio: ["ignore", out, out],
      env: { ...process.env, PORT: String(port), WARREN_DATA_DIR: dataDir, WARREN_ADMIN_USER: ADMIN.user, WARREN_ADMIN_PASSWORD: ADMIN.password, NEXT_TELEMETRY_DISABLED: "1", ...o.env },
    });
    for (let i = 0; i < 120; i++) {
      try { if ((await fetch(`${url}/login`)).status === 200) return; } catch { /* not yet */ }
      await new Promise((r) => setTimeout(r, 500));
    }
    throw new Error(`Warren did not start on ${url}; see ${logFile}`);
  };
  const kill = async (sig: NodeJS.Signals) => {
    if (!child?.pid) return;
    const pid = child.pid;
    try { process.kill(-pid, sig); } catch { /* gone */ }
    for (let i = 0; i < 50; i++) {
      try { process.kill(-pid, 0); } catch { break; }
      await new Promise((r) => setTimeout(r, 100));
    }
    child = undefined;
  };
  // The server runs in its own process group (so crash() takes all of it); it must not outlive a script that failed.
  process.once("exit", () => { if (child?.pid) try { process.kill(-child.pid, "SIGTERM"); } catch { /* gone */ } });
  await launch();
  const auth = `Basic ${Buffer.from(`${ADMIN.user}:${ADMIN.password}`).toString("base64")}`;
  return {
    url, dataDir, logFile,
    async api(method, p, body) {
      const r = await fetch(`${url}/api/v1${p}`, { method, headers: { Authorization: auth, "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: r.status, body: await r.json() };
    },
    crash: () => kill("SIGKILL"),
    cpuSeconds() {
      if (!child?.pid) return 0;
      let ticks = 0;
      for (const d of fs.readdirSync("/proc").filter((x) => /^\d+$/.test(x))) {
        try {
          const f = fs.readFileSync(`/proc/${d}/stat`, "utf8").split(") ")[1].split(" ");
          if (Number(f[2]) === child.pid) ticks += Number(f[11]) + Number(f[12]); // pgrp; utime, stime
        } catch { /* gone */ }
      }
      return ticks / 100; // USER_HZ
    },
    signal(sig) {
      if (child?.pid) try { process.kill(-child.pid, sig); } catch { /* gone */ }
    },
    restart: launch,
    stop: () => kill("SIGTERM"),
  };
}
