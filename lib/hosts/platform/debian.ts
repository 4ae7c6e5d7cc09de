// The Debian family (12, 13): packages through apt and dpkg, services under
// systemd. The only module that runs apt or dpkg on hosts (tests/unit/
// platform.test.ts greps the planners and lib/rabbitmq for them). Every
// script here is run through shellcheck by the unit suite.
import { sh, shScript } from "@/lib/shell";
import type { OsRelease, PackageWant, Platform, PlatformFamily, ServiceName } from "./types";
import { compareDebianVersions } from "./debian-version";

/**
 * Installs packages ("name" or "name=version"). dpkg --configure -a first: an
 * install interrupted earlier (Warren killed, a run aborted) leaves dpkg
 * refusing every apt-get until repaired. Both wait up to 5 min for a dpkg lock
 * held by someone else (unattended-upgrades, an install a crash left running).
 * "--stop UNIT" first stops a unit (it stays stopped), for upgrades whose
 * service must not run during the install: a retry after the host rebooted
 * mid-run finds the service started again by boot, and must not upgrade under it.
 */
export const APT_INSTALL = shScript("APT_INSTALL", `set -e
if [ "$1" = --stop ]; then
  systemctl stop "$2"
  shift 2
fi
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
`);

/**
 * What the package source offers for the packages named in the arguments, as
 * "package version" lines, newest first (apt-cache madison order); nothing
 * without apt. A host that never ran apt-get update, or whose lists are older
 * than six hours, is asked for fresh lists in a temporary directory: the
 * system's apt state stays as it was, and an upgrade is not refused for a
 * version the source offers but stale lists do not show.
 */
export const OFFERED_VERSIONS = shScript("OFFERED_VERSIONS", `command -v apt-cache >/dev/null || exit 0
o=
d=
if [ -z "$(find /var/lib/apt/lists -maxdepth 1 -name '*_Packages' -mmin -360 2>/dev/null | head -1)" ]; then
  d=$(mktemp -d)
  mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
  o="-o Dir::State::Lists=$d/lists -o Dir::Cache=$d/cache"
  # shellcheck disable=SC2086 # $o: no options, or two -o options, split on purpose
  timeout 30 apt-get $o -qq update >/dev/null 2>&1
fi
# shellcheck disable=SC2086 # the same
apt-cache $o madison "$@" 2>/dev/null | awk -F'|' '{gsub(/ /, "", $1); gsub(/ /, "", $2); print $1, $2}'
if [ -n "$d" ]; then rm -rf "$d"; fi
`);

/**
 * "name version" for each of the packages named in the arguments that is
 * installed: dpkg also lists packages removed with their configuration kept
 * ("deinstall ok config-files"), which are not.
 */
export const INSTALLED_VERSIONS = shScript("INSTALLED_VERSIONS", `dpkg-query -W -f='\${Package} \${Version} \${Status}\\n' "$@" 2>/dev/null | awk '$3 == "install" && $4 == "ok" && $5 == "installed" { print $1, $2 }'
`);

/** Exit 0 when every "name" is installed and every "name=version" is installed at that version. */
export const PACKAGES_INSTALLED = shScript("PACKAGES_INSTALLED", `for spec in "$@"; do
  name=\${spec%%=*}
  # shellcheck disable=SC2016
  s=$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null) || exit 1
  case "$s" in "install ok installed "*) ;; *) exit 1 ;; esac
  if [ "$name" != "$spec" ] && [ "\${s#install ok installed }" != "\${spec#*=}" ]; then exit 1; fi
done
exit 0
`);

/**
 * Like PACKAGES_INSTALLED, but "name=version" also holds at a newer version:
 * an install step re-run after a rolling upgrade must not try to downgrade
 * (apt refuses, and it would undo the upgrade).
 */
export const PACKAGES_AT_LEAST = shScript("PACKAGES_AT_LEAST", `for spec in "$@"; do
  name=\${spec%%=*}
  # shellcheck disable=SC2016
  s=$(dpkg-query -W -f='\${Status} \${Version}' "$name" 2>/dev/null) || exit 1
  case "$s" in "install ok installed "*) ;; *) exit 1 ;; esac
  if [ "$name" != "$spec" ] && ! dpkg --compare-versions "\${s#install ok installed }" ge "\${spec#*=}"; then exit 1; fi
done
exit 0
`);

const UNITS: Record<ServiceName, string> = { rabbitmq: "rabbitmq-server", haproxy: "haproxy", keepalived: "keepalived" };
const PATHS: Platform["paths"] = { haproxyConfig: "/etc/haproxy/haproxy.cfg", keepalivedConfig: "/etc/keepalived/keepalived.conf" };

/** "name" or "name=version", as apt-get install and the checks above take them. */
const spec = (w: PackageWant) => (w.version ? `${w.name}=${w.version}` : w.name);

const IDS = ["debian-12", "debian-13"] as const;

function debianPlatform(id: (typeof IDS)[number]): Platform {
  return {
    id, family: "debian", label: `Debian ${id.slice("debian-".length)}`,
    install: (wants, o = {}) => sh(APT_INSTALL, "apt-install", ...(o.stopFirst ? ["--stop", UNITS[o.stopFirst]] : []), ...wants.map(spec)),
    installedAtLeast: (wants) => sh(PACKAGES_AT_LEAST, "at-least", ...wants.map(spec)),
    installedExactly: (wants) => sh(PACKAGES_INSTALLED, "installed", ...wants.map(spec)),
    offeredVersions: OFFERED_VERSIONS, installedVersions: INSTALLED_VERSIONS,
    compareVersions: compareDebianVersions,
    serviceUnit: (s) => UNITS[s],
    paths: PATHS,
  };
}

export const debian = {
  family: "debian",
  ids: IDS,
  // VERSION_ID is the major release alone ("12"); testing and sid have none.
  detect: (os: OsRelease) => (os.id === "debian" ? `debian-${os.versionId ?? "unstable"}` : null),
  platform: (id: string) => {
    const known = IDS.find((x) => x === id);
    if (!known) throw new Error(`Debian has no platform ${id}`);
    return debianPlatform(known);
  },
} satisfies PlatformFamily;
