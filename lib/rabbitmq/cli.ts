// The RabbitMQ command-line tools as argument vectors.
//
// Debian's /usr/sbin/rabbitmqctl (and rabbitmq-plugins, -diagnostics,
// -upgrade) re-assemble their arguments into a string for `su -c`, escaping
// only double quotes: backticks and $( ) in any argument run as the rabbitmq
// user. Warren calls the real tools with an argument vector instead, as the
// wrapper would: user rabbitmq, HOME and working directory /var/lib/rabbitmq.
export const RMQ_BIN = "/usr/lib/rabbitmq/bin";
const AS_RABBITMQ = ["runuser", "-u", "rabbitmq", "--", "env", "-C", "/var/lib/rabbitmq", "HOME=/var/lib/rabbitmq"];

const tool = (name: string) => (...args: string[]) => [...AS_RABBITMQ, `${RMQ_BIN}/${name}`, ...args];
export const rabbitmqctl = tool("rabbitmqctl");
// The wrapper also tells rabbitmq-plugins where the plugins are; from 4.0
// (Debian 13) the tool no longer finds them itself (":plugins_dir_does_not_exist").
// They sit beside the real script: <RABBITMQ_HOME>/sbin/rabbitmq-plugins.
const PLUGINS_DIR = `"$(dirname "$(dirname "$(readlink -f ${RMQ_BIN}/rabbitmq-plugins)")")/plugins"`;
const PLUGINS_BODY = `env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq RABBITMQ_PLUGINS_DIR=${PLUGINS_DIR} ${RMQ_BIN}/rabbitmq-plugins "$@"`;
/** rabbitmq-plugins as the wrapper runs it (a script of its own, so a copied plan names it). */
export const RABBITMQ_PLUGINS = `exec ${PLUGINS_BODY}`;
export const rabbitmqPlugins = (...args: string[]) => ["runuser", "-u", "rabbitmq", "--", "sh", "-c", RABBITMQ_PLUGINS, "sh", ...args];
export const rabbitmqDiagnostics = tool("rabbitmq-diagnostics");
export const rabbitmqUpgrade = tool("rabbitmq-upgrade");
export const rabbitmqQueues = tool("rabbitmq-queues");

/** The same for scripts: shell functions named like the tools shadow the wrappers on PATH (only those the script calls). */
export function cliPrelude(script: string): string {
  return ["rabbitmqctl", "rabbitmq-plugins", "rabbitmq-diagnostics", "rabbitmq-upgrade"]
    .map((t) => [t, t.replace(/-/g, "_")])
    .filter(([, fn]) => new RegExp(`(^|[^A-Za-z0-9_])${fn}([^A-Za-z0-9_]|$)`, "m").test(script))
    .map(([t, fn]) => t === "rabbitmq-plugins"
      ? `${fn}() { runuser -u rabbitmq -- sh -c 'exec ${PLUGINS_BODY.replace(/'/g, "'\\''")}' sh "$@"; }\n`
      : `${fn}() { runuser -u rabbitmq -- env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq ${RMQ_BIN}/${t} "$@"; }\n`)
    .join("");
}

/**
 * A shell script that may call the tools (as rabbitmqctl, rabbitmq_plugins,
 * rabbitmq_diagnostics, rabbitmq_upgrade); values arrive as arguments, never
 * inside the script text.
 */
export function rmqScript(script: string, ...args: string[]): string[] {
  return ["sh", "-c", cliPrelude(script) + script, "sh", ...args];
}

export const nodeName = (host: string) => `rabbit@${host}`;
export const COOKIE_PATH = "/var/lib/rabbitmq/.erlang.cookie";

// The Erlang packages rabbitmq-server pulls in on Debian 12; pinning the
// Erlang version means pinning all of them.
export const ERLANG_PACKAGES = [
  "erlang-base", "erlang-asn1", "erlang-crypto", "erlang-eldap", "erlang-ftp", "erlang-inets", "erlang-mnesia",
  "erlang-os-mon", "erlang-parsetools", "erlang-public-key", "erlang-runtime-tools", "erlang-snmp", "erlang-ssl",
  "erlang-syntax-tools", "erlang-tftp", "erlang-tools", "erlang-xmerl",
];
