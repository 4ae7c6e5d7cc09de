// What a node's host says about RabbitMQ without booting an Erlang VM:
// packages installed and offered (asked of the host's platform), and the
// service's state with when it last stopped. Read-only; parsed by section,
// tolerant of missing parts.
import type { Platform } from "@/lib/hosts/platform";
import { sh, shScript } from "@/lib/shell";

/**
 * The script's output: "@@section" lines, then that section's lines ("name
 * version" for packages). Arguments: the host's platform's installedVersions
 * and offeredVersions scripts, which it runs, and the unit of rabbitmq-server.
 */
export const NODE_STATE_SCRIPT = shScript("NODE_STATE_SCRIPT", [
  'echo @@installed; sh -c "$1" installed rabbitmq-server erlang-base haproxy keepalived',
  'echo @@offered; sh -c "$2" offered rabbitmq-server erlang-base haproxy',
  'echo @@service; systemctl show "$3" --timestamp=unix -p ActiveState -p InactiveEnterTimestamp 2>/dev/null',
  "echo @@end",
].join("; "));

/** The node-state command for a host of platform `pf`. */
export const nodeStateArgv = (pf: Platform): string[] => sh(NODE_STATE_SCRIPT, "node-state", pf.installedVersions, pf.offeredVersions, pf.serviceUnit("rabbitmq"));

export interface NodeState {
  /** Installed packages by name, with their version. */
  installed: Record<string, string>;
  /** What the package source offers, by package, newest first. */
  offered: Record<string, string[]>;
  /** systemd's ActiveState of rabbitmq-server (active, inactive, failed, activating…). */
  active: string | null;
  /** When rabbitmq-server last stopped (unix seconds), if it did since boot. */
  stoppedAt: number | null;
  /** Whether the output ended (a cut-off answer is not a fact). */
  complete: boolean;
}

export function parseNodeState(out: string): NodeState {
  const s: NodeState = { installed: {}, offered: {}, active: null, stoppedAt: null, complete: false };
  let section = "";
  for (const raw of out.split("\n")) {
    const line = raw.trim();
    if (line.startsWith("@@")) { section = line.slice(2); if (section === "end") s.complete = true; continue; }
    if (!line) continue;
    if (section === "installed") {
      const [name, version, ...rest] = line.split(" ");
      if (name && version && !rest.length) s.installed[name] = version;
    } else if (section === "offered") {
      const [name, version] = line.split(" ");
      if (name && version) (s.offered[name] ??= []).includes(version) || s.offered[name].push(version);
    } else if (section === "service") {
      const [k, v = ""] = line.split("=", 2);
      if (k === "ActiveState" && v) s.active = v;
      if (k === "InactiveEnterTimestamp") { const t = Number(v.replace(/^@/, "")); s.stoppedAt = v && Number.isFinite(t) && t > 0 ? t : null; }
    }
  }
  return s;
}

/** `rabbitmqctl list_feature_flags name state stability --formatter json`: flag → state, experimental flags left out. */
export function parseFeatureFlags(out: string): Record<string, string> {
  const start = out.indexOf("[");
  if (start < 0) throw new Error("list_feature_flags printed no JSON list");
  const v = JSON.parse(out.slice(start)) as unknown;
  if (!Array.isArray(v)) throw new Error("list_feature_flags did not print a list");
  const out2: Record<string, string> = {};
  for (const f of v) {
    if (!f || typeof f !== "object" || typeof (f as { name?: unknown }).name !== "string") continue;
    if ((f as { stability?: unknown }).stability === "experimental") continue;
    out2[(f as { name: string }).name] = String((f as { state?: unknown }).state ?? "unknown");
  }
  return out2;
}
