// Shell for host-level facts and changes that are not about RabbitMQ:
// name resolution, services. Values always arrive as arguments or on stdin.
// Packages are the platform's (lib/hosts/platform).
// Every script here is run through shellcheck by the unit suite.
import { shScript } from "@/lib/shell";

/** Replaces (or appends) the block between "# BEGIN warren" and "# END warren" with stdin. */
export const HOSTS_BLOCK_WRITE = shScript("HOSTS_BLOCK_WRITE", `set -e
new=$(cat)
t=$(mktemp)
awk '/^# BEGIN warren/{s=1} !s{print} /^# END warren/{s=0}' /etc/hosts > "$t"
printf '%s\\n' "$new" >> "$t"
cat "$t" > /etc/hosts
rm -f "$t"
`);

/** Exit 0 when the unit is enabled and active. */
export const SERVICE_RUNNING = shScript("SERVICE_RUNNING", `systemctl is-enabled --quiet "$1" && systemctl is-active --quiet "$1"`);
