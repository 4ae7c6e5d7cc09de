// The commands a migration runs on the hosts, as argument vectors (the real
// RabbitMQ tools, lib/rabbitmq/cli.ts). Passwords arrive on stdin only.
import { importDefinitions } from "@/lib/backups/commands";
import { RABBITMQCTL_FUNCTION, rabbitmqctl, rabbitmqPlugins } from "@/lib/rabbitmq/cli";
import { sh, shScript } from "@/lib/shell";

/** The user the shovels read blue with: created for the migration, removed at its end. */
export const MIGRATION_USER = "warren-migrate";

/**
 * Creates or updates user $1 with the password read on stdin (rabbitmqctl
 * reads it there when the argument is omitted), no tags, and on each virtual
 * host $2… the right to read (consume and acknowledge) and nothing else: the
 * shovels declare nothing and publish nothing on blue.
 */
export const SHOVEL_SOURCE_USER = shScript("SHOVEL_SOURCE_USER", `${RABBITMQCTL_FUNCTION}set -e
p=$(cat)
u=$1
shift
if rabbitmqctl -q list_users --no-table-headers | cut -f1 | grep -qxF "$u"; then
  printf '%s\\n' "$p" | rabbitmqctl change_password "$u"
else
  printf '%s\\n' "$p" | rabbitmqctl add_user "$u"
fi
rabbitmqctl set_user_tags "$u"
for v in "$@"; do
  rabbitmqctl set_permissions -p "$v" "$u" '' '' '.*'
done
`);

export const shovelSourceUser = (vhosts: string[], user = MIGRATION_USER) => sh(SHOVEL_SOURCE_USER, "shovel-source-user", user, ...vhosts);
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
