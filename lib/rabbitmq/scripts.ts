// Shell that talks to RabbitMQ, run with rmqScript() (cli.ts). A script that
// calls rabbitmqctl starts with RABBITMQCTL_FUNCTION, which bypasses Debian's
// re-quoting wrapper. Values arrive as arguments or on stdin, never inside
// the text. Every script here is run through shellcheck by the unit suite.
// Packages are the host's platform's (lib/hosts/platform).
import type { Platform } from "@/lib/hosts/platform";
import { bashScript, sh, shScript } from "@/lib/shell";
import { RABBITMQCTL_FUNCTION } from "./cli";

/**
 * Writes the cookie read on stdin to $1 (mode 400, owner rabbitmq). A cookie
 * may only change with the node fully stopped: a running service is stopped
 * for the swap and started again.
 */
export const COOKIE_WRITE = shScript("COOKIE_WRITE", `set -e
c=$(cat)
f=$1
want=$(printf '%s' "$c" | sha256sum | cut -d' ' -f1)
mkdir -p "$(dirname "$f")"
if [ -f "$f" ] && [ "$(sha256sum < "$f" | cut -d' ' -f1)" = "$want" ]; then
  if id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$f"; fi
  chmod 400 "$f"
  exit 0
fi
was=0
if systemctl is-active --quiet rabbitmq-server; then was=1; systemctl stop rabbitmq-server; fi
(umask 077; printf '%s' "$c" > "$f.new")
chmod 400 "$f.new"
if id rabbitmq >/dev/null 2>&1; then chown rabbitmq:rabbitmq "$f.new"; fi
mv -f "$f.new" "$f"
if [ "$was" = 1 ]; then systemctl start rabbitmq-server; fi
`);

/** Exit 0 when $1 holds the cookie read on stdin (compared by hash); with $2 = strict, also mode 400 and owner rabbitmq. */
export const COOKIE_MATCHES = shScript("COOKIE_MATCHES", `want=$(sha256sum | cut -d' ' -f1)
[ "$(sha256sum < "$1" 2>/dev/null | cut -d' ' -f1)" = "$want" ] || exit 1
[ "$2" != strict ] || [ "$(stat -c '%a %U' "$1")" = "400 rabbitmq" ]
`);

/** Prints the JSON list under key $1 of the cluster_status JSON in $s (node names never hold ']'). */
const JSON_LIST = `list() { printf '%s' "$s" | tr -d '\\n' | grep -o "\\"$1\\":\\[[^]]*\\]"; }
`;

/**
 * Joined: this node ($3) runs in the cluster of the seed ($1), listed as a
 * $2 node (disk | ram). cluster_status needs a running app, so a stopped node
 * is "not joined" and its unit runs again from stop_app.
 */
export const JOINED = shScript("JOINED", `${RABBITMQCTL_FUNCTION}s=$(rabbitmqctl -q cluster_status --formatter json 2>/dev/null) || exit 1
${JSON_LIST}list running_nodes | grep -qF "\\"$1\\"" || exit 1
list running_nodes | grep -qF "\\"$3\\"" || exit 1
list "$2_nodes" | grep -qF "\\"$3\\""
`);

/** What resetting this node would delete, as key=value words parsed by describeImpact(). */
export const DATA_IMPACT = shScript("DATA_IMPACT", `${RABBITMQCTL_FUNCTION}if out=$(rabbitmqctl -q list_queues --no-table-headers name messages 2>/dev/null); then
  printf '%s\\n' "$out" | awk -F'\\t' 'NF >= 2 { q++; m += $NF } END { printf "state=running queues=%d messages=%d\\n", q, m }'
elif [ -n "$(ls -A /var/lib/rabbitmq/mnesia 2>/dev/null)" ]; then
  printf 'state=stopped bytes=%s\\n' "$(du -sb /var/lib/rabbitmq/mnesia | cut -f1)"
else
  echo "state=empty"
fi
`);

/** Exit 0 when the cluster is named $1. */
export const CLUSTER_NAMED = shScript("CLUSTER_NAMED", `${RABBITMQCTL_FUNCTION}s=$(rabbitmqctl -q cluster_status --formatter json 2>/dev/null) || exit 1
printf '%s' "$s" | tr -d '\\n' | grep -qF "\\"cluster_name\\":\\"$1\\""
`);

/** Exit 0 when policy $1 exists on vhost / with pattern $2, apply-to $3 and definition $4. */
export const POLICY_SET = shScript("POLICY_SET", `${RABBITMQCTL_FUNCTION}out=$(rabbitmqctl -q list_policies --no-table-headers -p / 2>/dev/null) || exit 1
printf '%s\\n' "$out" | N="$1" P="$2" A="$3" D="$4" awk -F'\\t' '
  $2 == ENVIRON["N"] && $3 == ENVIRON["P"] && $4 == ENVIRON["A"] && $5 == ENVIRON["D"] { found = 1 }
  END { exit !found }'
`);

/** Exit 0 when plugin $1 is in the enabled plugins file (no Erlang VM needed). */
export const PLUGIN_ENABLED = shScript("PLUGIN_ENABLED", `f=/etc/rabbitmq/enabled_plugins
[ -f "$f" ] && tr -d ' \\n' < "$f" | grep -qE "[[,]$1[],]"
`);

/** Exit 0 when user $1 is absent (and RabbitMQ answered). */
export const USER_ABSENT = shScript("USER_ABSENT", `${RABBITMQCTL_FUNCTION}u=$(rabbitmqctl -q list_users --no-table-headers 2>/dev/null) || exit 1
! printf '%s\\n' "$u" | cut -f1 | grep -qxF "$1"
`);

/**
 * Creates or updates administrator $1 with the password read on stdin. The
 * password reaches rabbitmqctl on its stdin (which it reads when the argument
 * is omitted), never as an argument.
 */
export const ADMIN_USER = shScript("ADMIN_USER", `${RABBITMQCTL_FUNCTION}set -e
p=$(cat)
if rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -qxF "$1"; then
  printf '%s\\n' "$p" | rabbitmqctl change_password "$1"
else
  printf '%s\\n' "$p" | rabbitmqctl add_user "$1"
fi
rabbitmqctl set_user_tags "$1" administrator
rabbitmqctl set_permissions -p / "$1" '.*' '.*' '.*'
`);

/**
 * Exit 0 when administrator $1 logs in to the management API with the
 * password on stdin. curl reads its credentials as a config on stdin (-K -),
 * so the password never appears in an argument list; authenticate_user is
 * not used because RabbitMQ 4.0's CLI wrapper only lets add_user and
 * change_password read stdin.
 */
export const ADMIN_USER_OK = shScript("ADMIN_USER_OK", `p=$(cat)
printf 'user = "%s:%s"\\n' "$1" "$p" | curl -sf --max-time 10 -K - http://127.0.0.1:15672/api/whoami | grep -q administrator
`);

/**
 * Read-only: every node reaches every peer (the arguments) by name on the
 * ports clustering needs. Found here, a firewall is one clear line; found by
 * join_cluster it is a page of Erlang diagnostics.
 */
export const CLUSTER_PORTS = shScript("CLUSTER_PORTS", `bad=0
for peer in "$@"; do
  for port in 4369 25672 5672; do
    # shellcheck disable=SC2016
    if ! timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$peer" "$port" 2>/dev/null; then
      case $port in 4369) what=epmd ;; 25672) what="Erlang distribution" ;; *) what=AMQP ;; esac
      echo "$(hostname) cannot reach $peer on port $port ($what): open it between all nodes, or check that $peer resolves to the right address" >&2
      bad=1
    else
      echo "$peer:$port open"
    fi
  done
done
exit "$bad"
`);

/** Exit 0 when rabbitmq-server is not running. */
export const RABBITMQ_STOPPED = shScript("RABBITMQ_STOPPED", `! systemctl is-active --quiet rabbitmq-server
`);

/** Starts the service and waits until the broker has booted. Idempotent. */
export const START_AND_WAIT = shScript("START_AND_WAIT", `${RABBITMQCTL_FUNCTION}set -e
systemctl enable --now rabbitmq-server
rabbitmqctl await_startup --timeout 120
`);


/**
 * Maintenance mode before a node stops (closes client connections, moves
 * quorum queue leaders away). rabbitmq-upgrade drain can exit 69 although it
 * succeeded (a known bug): then the node's own maintenance status decides.
 * Needs the feature flag maintenance_mode_status; without it, nothing to do.
 */
export const DRAIN = shScript("DRAIN", `${RABBITMQCTL_FUNCTION}out=$(rabbitmq-upgrade drain 2>&1); rc=$?
printf '%s\n' "$out"
if [ "$rc" = 0 ]; then exit 0; fi
case "$out" in *maintenance_mode_status*|*"not supported"*) echo "maintenance mode is not available here: the node stops without draining" >&2; exit 0 ;; esac
if [ "$rc" = 69 ] && rabbitmq-diagnostics -q status 2>/dev/null | grep -qi "maintenance.*draining\\|under maintenance"; then exit 0; fi
if [ "$rc" = 69 ] && rabbitmqctl -q cluster_status --formatter json 2>/dev/null | tr -d '\n' | grep -q "under maintenance"; then exit 0; fi
exit "$rc"
`);

/**
 * Exit 0 when the cluster as this node sees it has no partitions and no
 * resource alarms; otherwise says which.
 */
export const CLUSTER_HEALTHY = shScript("CLUSTER_HEALTHY", `${RABBITMQCTL_FUNCTION}s=$(rabbitmqctl -q cluster_status --formatter json 2>/dev/null) || { echo "not answering yet"; exit 1; }
flat=$(printf '%s' "$s" | tr -d '\n ')
if printf '%s' "$flat" | grep -q '"alarms":\\[[^]]'; then echo "resource alarms: $(printf '%s' "$flat" | grep -o '"alarms":\\[[^]]*\\]')"; exit 1; fi
if printf '%s' "$flat" | grep -o '"partitions":{[^}]*}' | grep -q '\\['; then echo "network partitions: $(printf '%s' "$flat" | grep -o '"partitions":{[^}]*}')"; exit 1; fi
exit 0
`);

/** Exit 0 when every classic mirrored queue has all its mirrors synchronised; otherwise names some. */
export const MIRRORS_SYNCED = shScript("MIRRORS_SYNCED", `${RABBITMQCTL_FUNCTION}out=$(rabbitmqctl -q list_queues --no-table-headers name slave_pids synchronised_slave_pids 2>/dev/null) || { echo "not answering yet"; exit 1; }
bad=$(printf '%s\n' "$out" | awk -F'\t' 'NF >= 3 { a = gsub(/</, "", $2); b = gsub(/</, "", $3); if (a != b) { n++; if (n <= 3) printf "%s ", $1 } } END { if (n) printf "(%d queues)", n }')
if [ -n "$bad" ]; then echo "mirrors still synchronising: $bad"; exit 1; fi
exit 0
`);

/** Exit 0 when this node's cluster_status lists node $1 as running. */
export const RUNNING_IN_CLUSTER = shScript("RUNNING_IN_CLUSTER", `${RABBITMQCTL_FUNCTION}s=$(rabbitmqctl -q cluster_status --formatter json 2>/dev/null) || { echo "not answering yet"; exit 1; }
${JSON_LIST}if list running_nodes | grep -qF "\\"$1\\""; then exit 0; fi
echo "running nodes: $(list running_nodes)"
exit 1
`);




/**
 * Read-only: an AMQP connection to $1:$2 gets RabbitMQ's greeting (the
 * connection.start frame: type 1 on channel 0) — through a load balancer,
 * proof that a client can connect now.
 */
export const AMQP_GREETING = bashScript("AMQP_GREETING", `exec 3<>"/dev/tcp/$1/$2" || exit 1
printf 'AMQP\\000\\000\\011\\001' >&3
frame=$(timeout 2 head -c 3 <&3 | od -An -tx1 | tr -d ' \\n')
[ "$frame" = 010000 ] || { echo "no AMQP greeting from $1:$2 (got '$frame')"; exit 1; }
echo "AMQP greeting from $1:$2"
`);

/** Exit 0 when every feature flag that is not experimental is enabled (the JSON has one flag per line). */
export const FLAGS_ALL_ENABLED = shScript("FLAGS_ALL_ENABLED", `${RABBITMQCTL_FUNCTION}out=$(rabbitmqctl -q list_feature_flags name state stability --formatter json 2>/dev/null) || exit 1
printf '%s\\n' "$out" | grep -F '"name"' | grep -vF '"stability":"experimental"' | grep -qvF '"state":"enabled"' && exit 1
exit 0
`);

/** Exit 0 when feature flag $1 is enabled. */
export const FLAG_ENABLED = shScript("FLAG_ENABLED", `${RABBITMQCTL_FUNCTION}out=$(rabbitmqctl -q list_feature_flags name state --formatter json 2>/dev/null) || exit 1
printf '%s\\n' "$out" | grep -F "\\"name\\":\\"$1\\"" | grep -qF '"state":"enabled"'
`);

/** Exit 0 when virtual host $1 has the default queue type $2. */
export const VHOST_QUEUE_TYPE = shScript("VHOST_QUEUE_TYPE", `${RABBITMQCTL_FUNCTION}out=$(rabbitmqctl -q list_vhosts --no-table-headers name default_queue_type 2>/dev/null) || exit 1
printf '%s\\n' "$out" | V="$1" T="$2" awk -F'\\t' '$1 == ENVIRON["V"] && $2 == ENVIRON["T"] { found = 1 } END { exit !found }'
`);

/**
 * Read-only: the rabbitmq-server version this host runs ("installed V") or
 * would install ("rabbitmq-server V" lines, newest first), asked of the
 * host's platform: its installedVersions and offeredVersions scripts are the
 * arguments, and it runs them.
 */
export const RABBITMQ_TARGET = shScript("RABBITMQ_TARGET", `v=$(sh -c "$1" installed rabbitmq-server)
if [ -n "$v" ]; then echo "installed \${v#* }"; exit 0; fi
sh -c "$2" offered rabbitmq-server
`);

/** RABBITMQ_TARGET for a host of platform `pf`. */
export const rabbitmqTargetArgv = (pf: Platform): string[] => sh(RABBITMQ_TARGET, "target", pf.installedVersions, pf.offeredVersions);
