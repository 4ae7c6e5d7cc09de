// Shell for host-level facts and changes that are not about RabbitMQ:
// name resolution, packages. Values always arrive as arguments or on stdin.
// Every script here is run through shellcheck by the unit suite.

/** Replaces (or appends) the block between "# BEGIN warren" and "# END warren" with stdin. */
export const HOSTS_BLOCK_WRITE = `set -e
new=$(cat)
t=$(mktemp)
awk '/^# BEGIN warren/{s=1} !s{print} /^# END warren/{s=0}' /etc/hosts > "$t"
printf '%s\\n' "$new" >> "$t"
cat "$t" > /etc/hosts
rm -f "$t"
`;

/**
 * Installs packages ("name" or "name=version"). dpkg --configure -a first: an
 * install interrupted earlier (Warren killed, a run aborted) leaves dpkg
 * refusing every apt-get until repaired. Both wait up to 5 min for a dpkg lock
 * held by someone else (unattended-upgrades, an install a crash left running).
 */
export const APT_INSTALL = `set -e
export DEBIAN_FRONTEND=noninteractive
i=0
until dpkg --configure -a; do
  i=$((i + 1))
  [ "$i" -lt 60 ] || exit 1
  echo "dpkg is busy or broken; trying again in 5 s" >&2
  sleep 5
done
apt-get -o DPkg::Lock::Timeout=300 update -q
apt-get -o DPkg::Lock::Timeout=300 install -y -q -o Dpkg::Options::=--force-confold "$@"
`;

/**
 * Stops a unit, then installs like APT_INSTALL. For upgrades whose service
 * must not run during the install: a retry after the host rebooted mid-run
 * finds the service started again by boot, and must not upgrade under it.
 */
export const STOP_THEN_APT_INSTALL = `systemctl stop "$1" || exit 1
shift
${APT_INSTALL}`;

/** Upgrades only packages already installed ("name" or "name=version"); never installs new ones. */
export const APT_UPGRADE = `set -e
export DEBIAN_FRONTEND=noninteractive
dpkg --configure -a
apt-get -o DPkg::Lock::Timeout=300 update -q
apt-get -o DPkg::Lock::Timeout=300 install -y -q --only-upgrade -o Dpkg::Options::=--force-confold "$@"
`;

/**
 * What the package source offers for the packages named (constants of
 * Warren's, never user input), as "package version" lines, newest first
 * (apt-cache madison order). A host that never ran apt-get update, or whose
 * lists are older than six hours, is asked for fresh lists in a temporary
 * directory: the system's apt state stays as it was, and an upgrade is not
 * refused for a version the source offers but stale lists do not show.
 */
export const offeredVersionsShell = (packages: string[]) =>
  "if command -v apt-cache >/dev/null; then o=; d=; " +
  "if [ -z \"$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -360 2>/dev/null | head -1)\" ]; then d=$(mktemp -d); mkdir -p \"$d/lists/partial\" \"$d/cache/archives/partial\"; " +
  "o=\"-o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache\"; timeout 30 apt-get $o -qq update >/dev/null 2>&1; fi; " +
  `apt-cache $o madison ${packages.join(" ")} 2>/dev/null | awk -F'|' '{gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2}'; ` +
  "if [ -n \"$d\" ]; then rm -rf \"$d\"; fi; fi";

/** Exit 0 when every "name" is installed and every "name=version" is installed at that version. */
export const PACKAGES_INSTALLED = `for spec in "$@"; do
  name=\${spec%%=*}
  # shellcheck disable=SC2016
  s=$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null) || exit 1
  case "$s" in "install ok installed "*) ;; *) exit 1 ;; esac
  if [ "$name" != "$spec" ] && [ "\${s#install ok installed }" != "\${spec#*=}" ]; then exit 1; fi
done
exit 0
`;

/**
 * Like PACKAGES_INSTALLED, but "name=version" also holds at a newer version:
 * an install step re-run after a rolling upgrade must not try to downgrade
 * (apt refuses, and it would undo the upgrade).
 */
export const PACKAGES_AT_LEAST = `for spec in "$@"; do
  name=\${spec%%=*}
  # shellcheck disable=SC2016
  s=$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null) || exit 1
  case "$s" in "install ok installed "*) ;; *) exit 1 ;; esac
  if [ "$name" != "$spec" ] && ! dpkg --compare-versions "\${s#install ok installed }" ge "\${spec#*=}"; then exit 1; fi
done
exit 0
`;

/** Exit 0 when the unit is enabled and active. */
export const SERVICE_RUNNING = `systemctl is-enabled --quiet "$1" && systemctl is-active --quiet "$1"`;

export const HOST_SCRIPTS = { HOSTS_BLOCK_WRITE, APT_INSTALL, STOP_THEN_APT_INSTALL, APT_UPGRADE, PACKAGES_INSTALLED, PACKAGES_AT_LEAST, SERVICE_RUNNING };
