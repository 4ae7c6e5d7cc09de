// The lab, for tests and the demo: read lab.json, run commands on hosts over
// SSH with the system `ssh` client (independent of Warren's SSH layer, so tests
// can check hosts without trusting the code under test), and drive faults.
import { execFile, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export interface LabHost { name: string; address: string; os?: "debian12" | "debian13"; state?: string; services?: Record<string, string> }
export interface Lab { subnet: string; bridgeAddress: string; privateKeyPath: string; hosts: LabHost[] }

export const LAB_DIR = process.env.WARREN_LAB_DIR || path.resolve(__dirname, "state");
export const LAB_SCRIPT = path.resolve(__dirname, "lab.sh");

export function loadLab(file = path.join(LAB_DIR, "lab.json")): Lab {
  return JSON.parse(fs.readFileSync(file, "utf8")) as Lab;
}

export function labHost(lab: Lab, name: string): LabHost {
  const h = lab.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`no lab host ${name}`);
  return h;
}

export interface ExecResult { code: number; stdout: string; stderr: string }

/** Runs a shell command line on a lab host as root. The line is the test's own text, never user input. */
export function sshRun(lab: Lab, host: string, commandLine: string, timeoutMs = 60_000): Promise<ExecResult> {
  const h = labHost(lab, host);
  const args = [
    "-q", "-i", lab.privateKeyPath, "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
    "-o", "LogLevel=ERROR", "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", `root@${h.address}`, commandLine,
  ];
  return new Promise((resolve) => {
    execFile("ssh", args, { timeout: timeoutMs, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === "number" ? (err as { code: number }).code : 255) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** sshRun that throws on a non-zero exit. */
export async function sshOk(lab: Lab, host: string, commandLine: string, timeoutMs?: number): Promise<string> {
  const r = await sshRun(lab, host, commandLine, timeoutMs);
  if (r.code !== 0) throw new Error(`${host}: '${commandLine}' exited ${r.code}: ${r.stderr.trim().slice(-500)}`);
  return r.stdout;
}

/**
 * Which of `hosts` carry `address` now, read from the machine in one process,
 * namespace after namespace (about a millisecond apart): near enough to one
 * instant that a handover's sub-millisecond gap is seldom caught, which two
 * SSH round trips tens of milliseconds apart often do. (lab.sh names each
 * host's network namespace wrn-<host>.)
 */
export function holdersNow(hosts: string[], address: string): Promise<string[]> {
  const script = hosts.map((h) => `ip -n wrn-${h} -o -4 addr show; echo @@`).join("; ");
  return new Promise((resolve, reject) => {
    execFile("sh", ["-c", script], { encoding: "utf8", timeout: 5000 }, (err, stdout) => {
      if (err) return reject(err);
      const parts = stdout.split("@@\n");
      resolve(hosts.filter((_, i) => (parts[i] ?? "").includes(` inet ${address}/`)));
    });
  });
}

/** Runs a lab command (up, down, cut, heal, kill, …) and returns its stdout. */
export function labCommand(...args: string[]): string {
  const r = spawnSync("bash", [LAB_SCRIPT, ...args], { encoding: "utf8", timeout: 10 * 60_000 });
  if (r.status !== 0) throw new Error(`lab ${args.join(" ")} failed (${r.status}): ${r.stderr.slice(-1500)}`);
  return r.stdout;
}

/** The same without blocking the event loop: for a fault whose effects are measured while it happens. */
export function labCommandAsync(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("bash", [LAB_SCRIPT, ...args], { encoding: "utf8", timeout: 10 * 60_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`lab ${args.join(" ")} failed (${err.code}): ${stderr.slice(-1500)}`));
      else resolve(stdout);
    });
  });
}
