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

/** Upgrades only packages already installed ("name" or "name=version"); never installs new ones. */
export const APT_UPGRADE = `set -e
export DEBIAN_FRONTEND=noninteractive
dpkg --configure -a
apt-get -o DPkg::Lock::Timeout=300 update -q
apt-get -o DPkg::Lock::Timeout=300 install -y -q --only-upgrade -o Dpkg::Options::=--force-confold "$@"
`;

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

/** Exit 0 when the unit is enabled and active. */
export const SERVICE_RUNNING = `systemctl is-enabled --quiet "$1" && systemctl is-active --quiet "$1"`;

export const HOST_SCRIPTS = { HOSTS_BLOCK_WRITE, APT_INSTALL, APT_UPGRADE, PACKAGES_INSTALLED, SERVICE_RUNNING };
