// Pre-flight, the pure part: the facts script and what its output means.
import { bash, bashScript } from "@/lib/shell";
import { detectPlatform, platformById, supportedPlatforms, type Platform } from "./platform";
import { parseProbe, PROBE_SCRIPT, type ProbeFacts } from "./probe";

/**
 * Read-only. Arguments: PROBE_SCRIPT, then the host's platform's
 * installedVersions and offeredVersions scripts (it runs all three: what the
 * host has installed and is offered is asked in its own terms), then the
 * peers' names and addresses, as "name=address".
 */
export const FACTS_SCRIPT = bashScript("FACTS_SCRIPT", [
  "probe=$1; installed=$2; offered=$3; shift 3",
  'sh -c "$probe" probe --more',
  'echo @@disk; df -Pk /var/lib | tail -1 | awk \'{print $4}\'',
  "echo @@mem; awk '/^MemAvailable:/{print $2}' /proc/meminfo",
  "echo @@clock; date +%s.%N",
  "echo @@mnesia; if [ -d /var/lib/rabbitmq/mnesia ] && [ -n \"$(ls -A /var/lib/rabbitmq/mnesia 2>/dev/null)\" ]; then echo yes; else echo no; fi",
  'echo @@installed; if [ -n "$(sh -c "$installed" installed rabbitmq-server)" ]; then echo yes; else echo no; fi',
  'echo @@resolve; for p in "$@"; do n=${p%%=*}; a=$(getent hosts "$n" | awk \'{print $1; exit}\'); echo "$n ${a:--}"; done',
  'echo @@versions; sh -c "$offered" offered rabbitmq-server erlang-base',
  'echo @@ports; for p in "$@"; do a=${p#*=}; for port in 4369 25672 5672; do if timeout 2 bash -c "</dev/tcp/$a/$port" 2>/dev/null; then r=open; else r=closed; fi; echo "${p%%=*} $port $r"; done; done',
  "echo @@end",
].join("; "));

/** The pre-flight's facts command for a host of platform `pf`; `peers` as "name=address". */
export const factsArgv = (pf: Platform, peers: string[]): string[] =>
  bash(FACTS_SCRIPT, "preflight", PROBE_SCRIPT, pf.installedVersions, pf.offeredVersions, ...peers);

export interface NodeFacts {
  probe: ProbeFacts;
  diskFreeKb: number | null;
  memAvailableKb: number | null;
  clock: number | null;
  staleData: boolean;
  installed: boolean;
  resolves: Record<string, string | null>;
  ports: { peer: string; port: number; open: boolean }[];
  versions: PackageVersions;
}

/** Versions of rabbitmq-server and of the Erlang runtime (erlang-base), newest first. */
export interface PackageVersions { rabbitmq: string[]; erlang: string[] }

export function parseFacts(out: string): NodeFacts {
  const probe = parseProbe(out);
  const sec = (name: string) => {
    const m = new RegExp(`^@@${name}\\n([\\s\\S]*?)(?=^@@)`, "m").exec(out);
    return m ? m[1].split("\n").map((l) => l.trim()).filter(Boolean) : [];
  };
  const num = (name: string) => { const v = Number(sec(name)[0]); return Number.isFinite(v) ? v : null; };
  const versions: PackageVersions = { rabbitmq: [], erlang: [] };
  for (const l of sec("versions")) {
    const [pkg, v] = l.split(/\s+/);
    const list = pkg === "rabbitmq-server" ? versions.rabbitmq : pkg === "erlang-base" ? versions.erlang : null;
    if (list && v && !list.includes(v)) list.push(v);
  }
  const resolves: Record<string, string | null> = {};
  for (const l of sec("resolve")) { const [n, a] = l.split(/\s+/); resolves[n] = a && a !== "-" ? a : null; }
  return {
    probe, diskFreeKb: num("disk"), memAvailableKb: num("mem"), clock: num("clock"),
    staleData: sec("mnesia")[0] === "yes", installed: sec("installed")[0] === "yes", resolves,
    ports: sec("ports").map((l) => { const [peer, port, st] = l.split(/\s+/); return { peer, port: Number(port), open: st === "open" }; }),
    versions,
  };
}

/** The versions every reachable node can install, in the first node's (newest-first) order. */
export function commonVersions(facts: Record<string, NodeFacts | { error: string }>): PackageVersions {
  const all = Object.values(facts).filter((x): x is NodeFacts => !("error" in x)).map((x) => x.versions);
  const common = (k: keyof PackageVersions) => (all[0]?.[k] ?? []).filter((v) => all.every((x) => x[k].includes(v)));
  return { rabbitmq: common("rabbitmq"), erlang: common("erlang") };
}

export type Level = "ok" | "warn" | "fail" | "info";
export interface Finding { host: string; check: string; level: Level; message: string; fix?: string }

/**
 * Both pre-flights' one verdict on a host's system: a platform Warren has
 * (lib/hosts/platform), or a failure, since every plan for that host would
 * be refused too.
 */
export function platformFinding(host: string, probe: ProbeFacts): Finding {
  const id = detectPlatform(probe.os);
  const p = platformById(id);
  if (p) return { host, check: "platform", level: "ok", message: `${p.label} (${id})` };
  const known = supportedPlatforms().map((x) => x.label);
  return {
    host, check: "platform", level: "fail",
    message: `${probe.os.prettyName ?? "its system"} (${id}) is not a system Warren supports: it has no commands to install and upgrade packages there`,
    fix: `Use a host running ${known.length > 1 ? `${known.slice(0, -1).join(", ")} or ${known.at(-1)}` : known[0]}.`,
  };
}

export interface PreflightNode { name: string; address: string; seed: boolean }

export function evaluate(nodes: PreflightNode[], facts: Record<string, NodeFacts | { error: string }>, opts: { manageHostsFile: boolean; now: number }): Finding[] {
  const f: Finding[] = [];
  for (const n of nodes) {
    const x = facts[n.name];
    if (!x || "error" in x) {
      f.push({ host: n.name, check: "SSH", level: "fail", message: `cannot reach ${n.name}: ${x ? x.error : "no answer"}`, fix: "Check that the host is up and on the network, the address and port, and the SSH credentials (Test connection on the host's page)." });
      continue;
    }
    f.push({ host: n.name, check: "SSH", level: "ok", message: `connected; ${x.probe.os.prettyName ?? "unknown OS"}` });
    if (x.probe.sudo === "no") f.push({ host: n.name, check: "privileges", level: "fail", message: "the SSH user is not root and has no passwordless sudo", fix: "Log in as root, or allow the user passwordless sudo (NOPASSWD) and tick 'needs sudo'." });
    else f.push({ host: n.name, check: "privileges", level: "ok", message: x.probe.sudo === "root" ? "root" : "passwordless sudo works" });
    f.push(platformFinding(n.name, x.probe));
    if (!x.probe.systemd) f.push({ host: n.name, check: "systemd", level: "fail", message: "systemd is not running", fix: "Warren manages rabbitmq-server as a systemd service." });
    if (x.probe.hostname && x.probe.hostname !== n.name) f.push({ host: n.name, check: "hostname", level: "fail", message: `its hostname is '${x.probe.hostname}', but the inventory calls it '${n.name}' (the node would be rabbit@${x.probe.hostname})`, fix: `Rename the host (hostnamectl set-hostname ${n.name}) or the inventory entry.` });
    if (x.diskFreeKb !== null) {
      const gb = x.diskFreeKb / 1048576;
      f.push({ host: n.name, check: "disk", level: gb < 1 ? "fail" : gb < 4 ? "warn" : "ok", message: `${gb.toFixed(1)} GiB free under /var/lib`, ...(gb < 4 ? { fix: "RabbitMQ blocks publishers when disk_free_limit is reached; give /var/lib more space." } : {}) });
    }
    if (x.memAvailableKb !== null) {
      const mb = x.memAvailableKb / 1024;
      f.push({ host: n.name, check: "memory", level: mb < 256 ? "fail" : mb < 1024 ? "warn" : "ok", message: `${Math.round(mb)} MiB available` });
    }
    if (x.clock !== null) {
      const skew = Math.abs(x.clock - opts.now / 1000);
      f.push({ host: n.name, check: "clock", level: skew > 5 ? "warn" : "ok", message: `clock differs from Warren's by ${skew.toFixed(1)} s`, ...(skew > 5 ? { fix: "Run NTP (systemd-timesyncd or chrony) on every host." } : {}) });
    }
    if (x.staleData) f.push({ host: n.name, check: "existing data", level: "warn", message: n.seed ? "RabbitMQ data already exists; the seed node keeps it" : "RabbitMQ data already exists: joining resets this node and deletes it", fix: n.seed ? undefined : "Export definitions and drain queues first if anything there matters." });
    for (const p of nodes) {
      if (p.name === n.name) continue;
      const seen = x.resolves[p.name];
      if (seen === p.address) continue;
      if (opts.manageHostsFile) f.push({ host: n.name, check: "name resolution", level: "info", message: `${p.name} resolves to ${seen ?? "nothing"}; Warren will add ${p.address} to its /etc/hosts block` });
      else f.push({ host: n.name, check: "name resolution", level: "fail", message: `${n.name} resolves ${p.name} to ${seen ?? "nothing"}, not ${p.address}`, fix: `Add '${p.address} ${p.name}' to DNS or /etc/hosts on ${n.name}, or let Warren manage /etc/hosts.` });
    }
    for (const pt of x.ports) {
      const peerInstalled = (facts[pt.peer] as NodeFacts | undefined)?.installed;
      if (!peerInstalled || pt.open) continue;
      f.push({ host: n.name, check: "ports", level: "fail", message: `cannot reach ${pt.peer}:${pt.port} (${pt.port === 4369 ? "epmd" : pt.port === 25672 ? "Erlang distribution" : "AMQP"})`, fix: "Open 4369, 25672 and 5672 between all nodes." });
    }
  }
  return f;
}
