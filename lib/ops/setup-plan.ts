// The seeds' procedure as a pure planner: from the cluster's members and the
// operator's options to a plan. No I/O here.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import type { ExpectedCluster, Phase, Plan, Step } from "./plan";

export const SetupOptions = z.object({
  clusterName: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9][A-Za-z0-9_.@-]*$/, "Letters, digits, '.', '_', '@' and '-' only"),
  ha: z.discriminatedUnion("mode", [
    z.object({ mode: z.literal("all"), pattern: z.string().max(200).default("^"), policyName: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default("ha-all") }),
    z.object({ mode: z.literal("exactly"), count: z.coerce.number().int().min(1).max(12), pattern: z.string().max(200).default("^"), policyName: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/).default("ha-exactly") }),
    z.object({ mode: z.literal("quorum") }),
  ]),
  manageHostsFile: z.boolean().default(true),
  rabbitmqVersion: z.string().regex(/^[A-Za-z0-9.+:~-]{1,64}$/).optional(),
  erlangVersion: z.string().regex(/^[A-Za-z0-9.+:~-]{1,64}$/).optional(),
  management: z.boolean().default(true),
  adminUser: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "Letters, digits, '.', '_' and '-' only").default("warren-admin"),
  removeGuest: z.boolean().default(true),
});
export type SetupOptions = z.infer<typeof SetupOptions>;

export interface NodeSpec { name: string; address: string; type: "disc" | "ram"; seed: boolean }

// The Erlang packages rabbitmq-server pulls in on Debian 12; pinning the
// Erlang version means pinning all of them.
export const ERLANG_PACKAGES = [
  "erlang-base", "erlang-asn1", "erlang-crypto", "erlang-eldap", "erlang-ftp", "erlang-inets", "erlang-mnesia",
  "erlang-os-mon", "erlang-parsetools", "erlang-public-key", "erlang-runtime-tools", "erlang-snmp", "erlang-ssl",
  "erlang-syntax-tools", "erlang-tftp", "erlang-tools", "erlang-xmerl",
];

const COOKIE = "/var/lib/rabbitmq/.erlang.cookie";

// Debian's /usr/sbin/rabbitmqctl (and rabbitmq-plugins) re-assemble their
// arguments into a string for `su -c`, escaping only double quotes: backticks
// and $( ) in any argument run as the rabbitmq user. Warren calls the real CLI
// with an argument vector instead, as the wrapper would: user rabbitmq, HOME
// and working directory /var/lib/rabbitmq.
const RMQ_BIN = "/usr/lib/rabbitmq/bin";
export const rabbitmqctl = (...args: string[]) => ["runuser", "-u", "rabbitmq", "--", "env", "-C", "/var/lib/rabbitmq", "HOME=/var/lib/rabbitmq", `${RMQ_BIN}/rabbitmqctl`, ...args];
const rabbitmqPlugins = (...args: string[]) => ["runuser", "-u", "rabbitmq", "--", "env", "-C", "/var/lib/rabbitmq", "HOME=/var/lib/rabbitmq", `${RMQ_BIN}/rabbitmq-plugins`, ...args];
// The same for scripts: shell functions shadow the wrappers on PATH.
const SHELL_CLI =
  `rabbitmqctl() { runuser -u rabbitmq -- env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq ${RMQ_BIN}/rabbitmqctl "$@"; }; ` +
  `rabbitmq_plugins() { runuser -u rabbitmq -- env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq ${RMQ_BIN}/rabbitmq-plugins "$@"; }; `;
const sh = (script: string, ...args: string[]) => ["sh", "-c", /rabbitmq/.test(script) ? SHELL_CLI + script.replaceAll("rabbitmq-plugins ", "rabbitmq_plugins ") : script, "sh", ...args];
export const nodeName = (host: string) => `rabbit@${host}`;

// Read-only; peers' names arrive as arguments, never inside the script.
const PORTS_SCRIPT =
  'bad=0; for peer in "$@"; do for port in 4369 25672 5672; do ' +
  'if ! timeout 3 bash -c \'exec 3<>"/dev/tcp/$0/$1"\' "$peer" "$port" 2>/dev/null; then ' +
  'case $port in 4369) what=epmd;; 25672) what="Erlang distribution";; *) what=AMQP;; esac; ' +
  'echo "$(hostname) cannot reach $peer on port $port ($what): open it between all nodes, or check that $peer resolves to the right address" >&2; bad=1; ' +
  'else echo "$peer:$port open"; fi; done; done; exit $bad';

export function hostsBlock(nodes: NodeSpec[]): string {
  const lines = nodes.map((n) => `${n.address}\t${n.name}`);
  const tag = createHash("sha256").update(lines.join("\n")).digest("hex").slice(0, 12);
  return [`# BEGIN warren ${tag}`, ...lines, "# END warren"].join("\n");
}

/**
 * 256 random bits. Not Erlang's own 20-upper-case-letter form: Debian's
 * rabbitmq-server postinst replaces a cookie matching ^[A-Z]{20}$ as weak,
 * which would undo the cookie written before the install.
 */
export function newErlangCookie(): string {
  return randomBytes(32).toString("base64url");
}

export function cookieHash(cookie: string): string {
  return createHash("sha256").update(cookie).digest("hex");
}

export function policyDefinition(o: SetupOptions): { name: string; pattern: string; definition: string } | null {
  if (o.ha.mode === "all") return { name: o.ha.policyName, pattern: o.ha.pattern, definition: JSON.stringify({ "ha-mode": "all", "ha-sync-mode": "automatic" }) };
  if (o.ha.mode === "exactly")
    return { name: o.ha.policyName, pattern: o.ha.pattern, definition: JSON.stringify({ "ha-mode": "exactly", "ha-params": o.ha.count, "ha-sync-mode": "automatic" }) };
  // Quorum queues are chosen by clients (x-queue-type) on 3.10; there is no cluster-wide policy to set.
  return null;
}

export function validateTopology(nodes: NodeSpec[]): string[] {
  const problems: string[] = [];
  if (nodes.length === 0) problems.push("The cluster has no RabbitMQ nodes");
  if (!nodes.some((n) => n.type === "disc")) problems.push("At least one node must be a disc node");
  const seeds = nodes.filter((n) => n.seed);
  if (seeds.length !== 1) problems.push("Exactly one node must be the seed");
  else if (seeds[0].type !== "disc") problems.push("The seed node must be a disc node");
  return problems;
}

export function planSetup(nodes: NodeSpec[], o: SetupOptions, cookieSha: string): Plan {
  const problems = validateTopology(nodes);
  if (problems.length) throw new Error(problems.join("; "));
  const seed = nodes.find((n) => n.seed)!;
  const others = nodes.filter((n) => !n.seed);
  const phases: Phase[] = [];
  const each = (f: (n: NodeSpec) => Step[]) => nodes.flatMap(f);

  if (o.manageHostsFile) {
    const block = hostsBlock(nodes);
    const tag = block.split("\n")[0];
    phases.push({
      title: "Name resolution: a managed block in /etc/hosts",
      steps: each((n) => [{
        key: `hosts:${n.name}`, title: "Write the Warren block in /etc/hosts", host: n.name,
        argv: sh(
          'set -e; new=$(cat); t=$(mktemp); awk \'/^# BEGIN warren/{s=1} !s{print} /^# END warren/{s=0}\' /etc/hosts > "$t"; ' +
          'printf "%s\\n" "$new" >> "$t"; cat "$t" > /etc/hosts; rm -f "$t"'),
        stdin: { text: block },
        check: ["grep", "-qxF", tag, "/etc/hosts"],
      }]),
    });
  }

  // The cookie is written before the install (when the package keeps it, no
  // restart is needed) and checked again after it: Debian's package may
  // replace a file it did not create, so the post-install step compares
  // hashes and rewrites it with the service stopped when they differ.
  const cookieArgv = sh(
    'set -e; c=$(cat); f=$1; mkdir -p "$(dirname "$f")"; ' +
    'if [ -f "$f" ] && [ "$(sha256sum < "$f" | cut -d" " -f1)" = "$2" ]; then ' +
    '  if id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$f"; fi; chmod 400 "$f"; exit 0; fi; ' +
    'was=0; if systemctl is-active --quiet rabbitmq-server; then was=1; systemctl stop rabbitmq-server; fi; ' +
    '(umask 077; printf "%s" "$c" > "$f.new"); chmod 400 "$f.new"; ' +
    'if id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$f.new"; fi; mv -f "$f.new" "$f"; ' +
    'if [ $was = 1 ]; then systemctl start rabbitmq-server; fi', COOKIE, cookieSha);
  const cookieOk = '[ "$(sha256sum < "$1" 2>/dev/null | cut -d" " -f1)" = "$2" ]';
  phases.push({
    title: "Erlang cookie, before install",
    steps: each((n) => [{
      key: `cookie:${n.name}`, title: "Write the cluster's Erlang cookie (mode 400)", host: n.name,
      argv: cookieArgv, stdin: { secret: "cookie" }, check: sh(cookieOk, COOKIE, cookieSha),
    }]),
  });

  const pkgs = ["rabbitmq-server" + (o.rabbitmqVersion ? `=${o.rabbitmqVersion}` : "")];
  if (o.erlangVersion) pkgs.push(...ERLANG_PACKAGES.map((p) => `${p}=${o.erlangVersion}`));
  phases.push({
    title: "Install RabbitMQ",
    steps: each((n) => [
      {
        key: `install:${n.name}`, title: `apt-get install ${pkgs.length > 1 ? "rabbitmq-server with pinned Erlang" : pkgs[0]}`, host: n.name,
        // dpkg --configure -a first: an install interrupted earlier (Warren
        // killed, a run aborted) leaves dpkg refusing every apt-get until
        // repaired. Both wait up to 5 min for a dpkg lock held by someone else
        // (unattended-upgrades, or the install a crashed Warren left running).
        argv: sh('set -e; export DEBIAN_FRONTEND=noninteractive; i=0; ' +
          'until dpkg --configure -a; do i=$((i+1)); [ $i -lt 60 ] || exit 1; echo "dpkg is busy or broken; trying again in 5 s" >&2; sleep 5; done; ' +
          'apt-get -o DPkg::Lock::Timeout=300 update -q; apt-get -o DPkg::Lock::Timeout=300 install -y -q -o Dpkg::Options::=--force-confold "$@"', ...pkgs),
        // Installed, and at the pinned versions when they were chosen.
        check: sh('s=$(dpkg-query -W -f="\\${Status} \\${Version}" rabbitmq-server 2>/dev/null) || exit 1; case "$s" in "install ok installed $1"*) ;; *) exit 1;; esac; ' +
          '[ -z "$2" ] || [ "$(dpkg-query -W -f="\\${Version}" erlang-base 2>/dev/null)" = "$2" ]', o.rabbitmqVersion ?? "", o.erlangVersion ?? ""),
        timeoutMs: 15 * 60_000,
      },
      {
        key: `cookie-after:${n.name}`, title: "Same cookie after install (compared by hash), owner rabbitmq, mode 400", host: n.name,
        argv: cookieArgv, stdin: { secret: "cookie" },
        check: sh(`${cookieOk} && [ "$(stat -c "%a %U" "$1")" = "400 rabbitmq" ]`, COOKIE, cookieSha),
      },
      {
        key: `start:${n.name}`, title: "Service enabled and running", host: n.name,
        // Idempotent, so no check: asking first would cost the same rabbitmqctl call.
        argv: sh("set -e; systemctl enable --now rabbitmq-server; rabbitmqctl await_startup --timeout 120"),
        timeoutMs: 5 * 60_000,
      },
    ]),
  });

  // Before any join: every node reaches every other by name on the ports
  // clustering needs. A firewall found here is one clear line; found by
  // join_cluster it is a page of Erlang diagnostics.
  if (nodes.length > 1) phases.push({
    title: "Network: clustering ports reachable between nodes",
    steps: each((n) => [{
      key: `ports:${n.name}`, title: "Reach every peer by name on 4369 (epmd), 25672 (Erlang distribution), 5672 (AMQP)", host: n.name,
      argv: ["bash", "-c", PORTS_SCRIPT, "ports", ...nodes.filter((p) => p.name !== n.name).map((p) => p.name)],
    }]),
  });

  const joined = (n: NodeSpec) =>
    // Joined when cluster_status (which needs a running app) lists the seed and lists this node with its planned type.
    sh('s=$(rabbitmqctl -q cluster_status --formatter json 2>/dev/null) && echo "$s" | grep -o "\\"running_nodes\\":\\[[^]]*\\]" | grep -qF "\\"$1\\"" && ' +
      'echo "$s" | grep -o "\\"$2_nodes\\":\\[[^]]*\\]" | grep -qF "\\"$3\\""',
      nodeName(seed.name), n.type === "disc" ? "disk" : "ram", nodeName(n.name));
  phases.push({
    title: `Join the cluster of ${nodeName(seed.name)}`,
    oneHostAtATime: true,
    // One unit per node with one check: asked once, not before every command
    // (each rabbitmqctl call boots an Erlang VM, about a second).
    steps: others.flatMap((n) => [
      { key: `stop_app:${n.name}`, title: "Stop the RabbitMQ application", host: n.name, argv: rabbitmqctl("stop_app"), check: joined(n), group: `join:${n.name}` },
      { key: `reset:${n.name}`, title: "Reset the node", host: n.name, argv: rabbitmqctl("reset"), group: `join:${n.name}`,
        destructive: `wipes all data on ${n.name} (queues, messages, users) before it joins` },
      { key: `join:${n.name}`, title: `Join as a ${n.type} node`, host: n.name, group: `join:${n.name}`,
        argv: rabbitmqctl("join_cluster", ...(n.type === "ram" ? ["--ram"] : []), nodeName(seed.name)) },
      { key: `start_app:${n.name}`, title: "Start the RabbitMQ application", host: n.name, group: `join:${n.name}`,
        // start_app returns once the application has booted: no await_startup needed.
        argv: rabbitmqctl("start_app"), timeoutMs: 5 * 60_000 },
    ]),
  });

  const settings: Step[] = [{
    key: "cluster_name", title: `Name the cluster ${o.clusterName}`, host: seed.name,
    argv: rabbitmqctl("set_cluster_name", o.clusterName), // idempotent
  }];
  const pol = policyDefinition(o);
  if (pol) settings.push({
    key: "policy", title: `Policy ${pol.name} on "${pol.pattern}"`, host: seed.name,
    argv: rabbitmqctl("set_policy", pol.name, pol.pattern, pol.definition, "--apply-to", "queues"),
  });
  if (o.management) {
    for (const n of nodes) settings.push({
      key: `management:${n.name}`, title: "Enable the management plugin", host: n.name,
      argv: rabbitmqPlugins("enable", "rabbitmq_management"), // idempotent
    });
    settings.push({
      key: "admin_user", title: `Management user ${o.adminUser} (administrator)`, host: seed.name,
      argv: sh('set -e; p=$(cat); if rabbitmqctl -q list_users | cut -f1 | grep -qxF "$1"; then rabbitmqctl change_password "$1" "$p"; ' +
        'else rabbitmqctl add_user "$1" "$p"; fi; rabbitmqctl set_user_tags "$1" administrator; rabbitmqctl set_permissions -p / "$1" ".*" ".*" ".*"', o.adminUser),
      stdin: { secret: "adminPassword" },
    });
  }
  if (o.removeGuest) settings.push({
    key: "guest", title: "Remove the default guest user", host: seed.name,
    argv: rabbitmqctl("delete_user", "guest"),
    check: sh("! rabbitmqctl -q list_users | cut -f1 | grep -qx guest"),
  });
  phases.push({ title: "Cluster settings", oneHostAtATime: true, steps: settings });

  const expect: ExpectedCluster = {
    name: o.clusterName,
    disc: nodes.filter((n) => n.type === "disc").map((n) => nodeName(n.name)).sort(),
    ram: nodes.filter((n) => n.type === "ram").map((n) => nodeName(n.name)).sort(),
  };
  phases.push({
    title: "Verify: every node sees the planned cluster",
    steps: each((n) => [{
      key: `verify:${n.name}`, title: "cluster_status agrees with the plan", host: n.name,
      argv: rabbitmqctl("cluster_status", "--formatter", "json"), verify: { kind: "cluster-status", expect },
    }]),
  });
  return { type: "setup", phases };
}
