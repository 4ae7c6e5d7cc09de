// The commands a migration runs on the hosts, as argument vectors (the real
// RabbitMQ tools, lib/rabbitmq/cli.ts). Passwords arrive on stdin only.
import { importDefinitions } from "@/lib/backups/commands";
import { RABBITMQCTL_FUNCTION, RMQ_BIN, rabbitmqctl, rabbitmqPlugins } from "@/lib/rabbitmq/cli";
import { sh, shScript } from "@/lib/shell";

/** The user the shovels read blue with: created for the migration, removed at its end. */
export const MIGRATION_USER = "warren-migrate";

/**
 * Creates or updates user $1 with the password read on stdin (rabbitmqctl
 * reads it there when the argument is omitted), no tags, and on each virtual
 * host $4… the permissions configure '' (the shovels declare nothing), write
 * $2 and read $3: read only for a migration's shovels (they consume and
 * acknowledge), write only for a roll back's (they publish).
 */
export const SHOVEL_USER = shScript("SHOVEL_USER", `${RABBITMQCTL_FUNCTION}set -e
p=$(cat)
u=$1
w=$2
r=$3
shift 3
if rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -qxF "$u"; then
  printf '%s\\n' "$p" | rabbitmqctl change_password "$u"
else
  printf '%s\\n' "$p" | rabbitmqctl add_user "$u"
fi
rabbitmqctl set_user_tags "$u"
for v in "$@"; do
  rabbitmqctl set_permissions -p "$v" "$u" '' "$w" "$r"
done
`);

export const shovelUser = (vhosts: string[], access: "read" | "write" = "read", user = MIGRATION_USER) =>
  sh(SHOVEL_USER, "shovel-user", user, access === "write" ? ".*" : "", access === "read" ? ".*" : "", ...vhosts);
export const deleteUser = (user = MIGRATION_USER) => rabbitmqctl("delete_user", user);
/** Dynamic shovels need the plugin on every node of green (a shovel fails over between them); the management part shows them. */
export const enableShovels = () => rabbitmqPlugins("enable", "rabbitmq_shovel", "rabbitmq_shovel_management");
/**
 * Green's shovels, as a definitions document on stdin (lib/migration/shovels.ts).
 * Their state is read through the management API (GET /api/shovels): on 4.0
 * rabbitmqctl finds no plugin's commands (shovel_status is "not found")
 * without the plugins directory Debian's wrapper would give it.
 */
export const defineShovels = importDefinitions;

/** Exit 0 when the shovel plugins are enabled (the enable step's check). */
export const shovelsEnabled = () => rabbitmqPlugins("is_enabled", "rabbitmq_shovel", "rabbitmq_shovel_management");

/** Exit 0 when user $1 does not exist (the deletion's check). */
export const USER_ABSENT = shScript("USER_ABSENT", `${RABBITMQCTL_FUNCTION}! rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -qxF "$1"
`);
export const userAbsent = (user = MIGRATION_USER) => sh(USER_ABSENT, "user-absent", user);

/**
 * The drain gate, on a node of the cluster being left: $1 the migration's
 * user, $2 how many readings in a row, then the virtual hosts. Each reading
 * sums every queue's ready and unacknowledged messages (a shovel in
 * on-confirm mode keeps a message unacknowledged here until the other side
 * confirmed it) and counts client connections — every connection
 * rabbitmqctl lists (network ones: a node's own shovels' direct connections
 * are not listed) but the shovels' reaching it from the other side. Passes
 * when $2 readings two seconds apart all find 0 and 0; prints what is left,
 * the fullest queues first.
 */
export const DRAIN_CHECK = shScript("DRAIN_CHECK", `${RABBITMQCTL_FUNCTION}set -u
u=$1
n=$2
shift 2
i=0
while [ "$i" -lt "$n" ]; do
  [ "$i" -eq 0 ] || sleep 2
  left=0
  for v in "$@"; do
    out=$(rabbitmqctl -q list_queues -p "$v" --no-table-headers name messages_ready messages_unacknowledged) || { echo "cannot list the queues of $v"; exit 1; }
    sum=$(printf '%s\\n' "$out" | awk -F '\\t' 'NF >= 3 { s += $(NF - 1) + $NF } END { print s + 0 }')
    if [ "$sum" -gt 0 ]; then
      printf '%s\\n' "$out" | awk -F '\\t' -v v="$v" 'NF >= 3 && $(NF - 1) + $NF > 0 { print $(NF - 1) + $NF "\\t" $1 " on " v }' | sort -rn | head -5 | awk -F '\\t' '{ print $2 ": " $1 " left" }'
    fi
    left=$((left + sum))
  done
  conns=$(rabbitmqctl -q list_connections --no-table-headers user) || { echo "cannot list the connections"; exit 1; }
  clients=$(printf '%s\\n' "$conns" | awk -v u="$u" 'NF && $0 != u' | wc -l)
  echo "reading $((i + 1)): $left message(s) left, $clients client connection(s)"
  if [ "$left" -ne 0 ] || [ "$clients" -ne 0 ]; then exit 1; fi
  i=$((i + 1))
done
`);
export const drainCheck = (vhosts: string[], readings = 3, user = MIGRATION_USER) => sh(DRAIN_CHECK, "drain-check", user, String(readings), ...vhosts);

/** The node runs, in its cluster, with no resource alarm: what green must be before blue is let go. */
export const NODE_HEALTHY = shScript("NODE_HEALTHY", `set -e
d() { runuser -u rabbitmq -- env -C /var/lib/rabbitmq HOME=/var/lib/rabbitmq ${RMQ_BIN}/rabbitmq-diagnostics -q "$@"; }
d check_running
d check_local_alarms
`);
export const nodeHealthy = () => sh(NODE_HEALTHY, "node-healthy");

/**
 * Closes every client connection on the cluster (every connection
 * rabbitmqctl lists — network ones — but user $1's, the shovels'), with
 * reason $2. After the switch, new connections reach only the other side; the ones left here are those HAProxy's
 * previous worker still holds after a reload (the runtime API's "shutdown
 * sessions" reaches only the current one) and clients connected to a node
 * directly. Closed, a client reconnects — through the VIP, onto the other
 * side. Safe to repeat.
 */
export const CLOSE_CLIENTS = shScript("CLOSE_CLIENTS", `${RABBITMQCTL_FUNCTION}set -eu
u=$1
why=$2
conns=$(rabbitmqctl -q list_connections --no-table-headers pid user)
# Eight at a time: each rabbitmqctl starts an Erlang VM (a second or two), one after another a minute for 30 clients.
printf '%s\\n' "$conns" | {
  n=0
  while IFS="$(printf '\\t')" read -r pid user; do
    if [ -z "$pid" ] || [ "$user" = "$u" ]; then continue; fi
    # Not from the loop's input: rabbitmqctl would read the rest of the list.
    rabbitmqctl -q close_connection "$pid" "$why" </dev/null >/dev/null 2>&1 &
    echo "closing $pid ($user)"
    n=$((n + 1))
    if [ $((n % 8)) -eq 0 ]; then wait; fi
  done
  wait
}
`);
export const closeClients = (why: string, user = MIGRATION_USER) => sh(CLOSE_CLIENTS, "close-clients", user, why);
