#!/usr/bin/env bash
# The lab: real Debian 12 and Debian 13 hosts (systemd as PID 1, sshd, apt) in
# network namespaces on one bridge, booted with systemd-nspawn on per-host overlays.
# Root and Linux only. See lab/README.md.
set -euo pipefail

LAB_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
STATE=${WARREN_LAB_DIR:-$LAB_ROOT/state}
CACHE=${WARREN_LAB_CACHE:-/var/cache/warren-lab}
MIRROR=${WARREN_LAB_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${WARREN_LAB_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
# Everything the lab makes carries this prefix, so `down` and a stale-state
# sweep can find it without trusting any state file.
PREFIX=wrn
BRIDGE=${PREFIX}-br0
SUBNET_BASE=10.213.77
BRIDGE_ADDR=$SUBNET_BASE.1
# Addresses .11-.34; VIPs in tests and benchmarks use .100 and up.
MAX_HOSTS=24
# Each OS has its own base image and repository; Debian 12's keep the paths
# they always had, so an existing cache stays valid.
OSES=(debian12 debian13)
os_dir() { if [ "$1" = debian12 ]; then echo "$CACHE"; else echo "$CACHE/$1"; fi; }
os_suite() { case $1 in debian12) echo bookworm ;; debian13) echo trixie ;; *) die "unknown OS '$1' (expected one of: ${OSES[*]})" ;; esac; }
base_of() { echo "$(os_dir "$1")/base"; }
repo_of() { echo "$(os_dir "$1")/repo"; }
# Packages the hosts can install from the lab repository.
REPO_PACKAGES=(rabbitmq-server haproxy keepalived socat)
# Packages for which every version Debian offers goes into the repository,
# so that pinned installs and rolling upgrades can be tested.
MULTI_VERSION_RE='^(erlang-.*|haproxy)$'

log() { printf '[lab] %s\n' "$*" >&2; }
die() { printf '[lab] error: %s\n' "$*" >&2; exit 1; }

need_root() { [ "$(id -u)" = 0 ] || die "the lab needs root"; }

host_addr() { echo "$SUBNET_BASE.$((10 + $1))"; }
host_ns() { echo "${PREFIX}-node$1"; }
host_dir() { echo "$STATE/hosts/node$1"; }
host_index() {
  [[ "$1" =~ ^node([0-9]+)$ ]] || die "unknown host '$1' (expected node1..node$MAX_HOSTS)"
  local i=${BASH_REMATCH[1]}
  [ -d "$(host_dir "$i")" ] || die "host '$1' is not part of this lab"
  echo "$i"
}

# PID of the systemd-nspawn process for node i, or empty.
nspawn_pid() {
  local f; f="$(host_dir "$1")/nspawn.pid"
  [ -f "$f" ] || return 0
  local pid; pid=$(cat "$f")
  if [ -d "/proc/$pid" ] && tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "--machine=$(host_ns "$1") "; then
    echo "$pid"
  fi
}

# PID (in our namespace) of the container's PID 1 (systemd), or empty.
init_pid() {
  local np; np=$(nspawn_pid "$1"); [ -n "$np" ] || return 0
  local own; own=$(readlink /proc/$np/ns/pid)
  local c
  for c in $(pgrep -P "$np" || true) ; do
    if [ "$(readlink /proc/$c/ns/pid 2>/dev/null)" != "$own" ]; then echo "$c"; return 0; fi
    local g
    for g in $(pgrep -P "$c" || true); do
      if [ "$(readlink /proc/$g/ns/pid 2>/dev/null)" != "$own" ]; then echo "$g"; return 0; fi
    done
  done
}

# Every process inside node i's PID namespace.
container_pids() {
  local ip; ip=$(init_pid "$1"); [ -n "$ip" ] || return 0
  local ns; ns=$(readlink /proc/$ip/ns/pid)
  local p
  for p in /proc/[0-9]*; do
    [ "$(readlink "$p/ns/pid" 2>/dev/null)" = "$ns" ] && echo "${p#/proc/}"
  done
  return 0
}

in_host() { # i cmd... : run a command inside node i's namespaces (lab control path, not SSH)
  local i=$1; shift
  local ip; ip=$(init_pid "$i"); [ -n "$ip" ] || die "node$i is not running"
  nsenter -t "$ip" -m -u -i -n -p -- "$@"
}

host_state() {
  local i=$1
  [ -n "$(nspawn_pid "$i")" ] || { echo stopped; return; }
  local ip; ip=$(init_pid "$i")
  [ -n "$ip" ] || { echo starting; return; }
  if grep -q '^State:.*(stopped)' "/proc/$ip/status" 2>/dev/null; then echo frozen; return; fi
  if ! ip -n "$(host_ns "$i")" link show eth0 2>/dev/null | grep -q 'state UP' || \
     ! ip link show "${PREFIX}-v$i" 2>/dev/null | grep -q 'state UP'; then
    echo cut; return
  fi
  echo running
}

host_os() { cat "$(host_dir "$1")/os" 2>/dev/null || echo debian12; }

host_count() {
  local n=0
  while [ -d "$(host_dir $((n + 1)))" ]; do n=$((n + 1)); done
  echo "$n"
}

# ---------------------------------------------------------------- the cache

build_base() { # os
  local os=$1 BASE; BASE=$(base_of "$1")
  [ -f "$BASE/.warren-base-ok" ] && return 0
  log "building the $os base image (once; cached in $BASE)"
  rm -rf "$BASE.tmp"
  mkdir -p "$(os_dir "$os")"
  debootstrap --variant=minbase \
    --include=systemd,systemd-sysv,dbus,openssh-server,iproute2,procps,sudo,curl,ca-certificates,iputils-ping,less \
    "$(os_suite "$os")" "$BASE.tmp" "$MIRROR" >"$(os_dir "$os")/debootstrap.log" 2>&1 \
    || { tail -20 "$(os_dir "$os")/debootstrap.log" >&2; die "debootstrap failed (log: $(os_dir "$os")/debootstrap.log)"; }
  local b=$BASE.tmp
  # Per-host identity is written into each host's overlay at boot.
  rm -f "$b"/etc/ssh/ssh_host_*
  : >"$b/etc/machine-id"
  rm -f "$b/etc/hostname"
  # The only package source is the lab repository, bind-mounted at /srv/repo.
  rm -f "$b/etc/apt/sources.list" "$b"/etc/apt/sources.list.d/*
  echo 'deb [trusted=yes] file:/srv/repo ./' >"$b/etc/apt/sources.list.d/warren-lab.list"
  rm -rf "$b"/var/lib/apt/lists/* "$b"/var/cache/apt/archives/*.deb
  mkdir -p "$b/srv/repo"
  # Units that cannot work inside a container and would leave the host "degraded".
  local u
  for u in systemd-remount-fs.service getty@tty1.service console-getty.service \
           systemd-journald-audit.socket apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer; do
    ln -sf /dev/null "$b/etc/systemd/system/$u"
  done
  sed -i 's/^#\?PermitRootLogin.*/PermitRootLogin prohibit-password/' "$b/etc/ssh/sshd_config"
  mkdir -p "$b/etc/ssh/sshd_config.d"
  echo 'UseDNS no' >"$b/etc/ssh/sshd_config.d/warren-lab.conf"
  touch "$b/.warren-base-ok"
  mv "$b" "$BASE"
}

# An isolated apt per OS (own sources, lists, cache and an empty dpkg status)
# that downloads the full dependency closure; it never touches the machine's apt.
lab_apt() { # os apt-get-args...
  local a; a="$(os_dir "$1")/apt"; shift
  apt-get -q -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State="$a/state" -o Dir::State::status="$a/state/status" \
    -o Dir::Cache="$a/cache" -o Debug::NoLocking=1 -o APT::Sandbox::User=root "$@"
}
lab_apt_cache() { # os apt-cache-args...
  local a; a="$(os_dir "$1")/apt"; shift
  apt-cache -o Dir::Etc::SourceList="$a/sources.list" -o Dir::Etc::SourceParts=/dev/null \
    -o Dir::State="$a/state" -o Dir::State::status="$a/state/status" \
    -o Dir::Cache="$a/cache" "$@"
}

# The repository is rebuilt when the package list changes.
repo_stamp() { echo "${REPO_PACKAGES[*]} | $MULTI_VERSION_RE"; }
repo_ok() { [ -f "$(repo_of "$1")/.warren-repo-ok" ] && [ "$(cat "$(repo_of "$1")/.warren-repo-ok")" = "$(repo_stamp)" ]; }

build_repo() { # os
  local os=$1 REPO suite d log
  REPO=$(repo_of "$os"); suite=$(os_suite "$os"); d=$(os_dir "$os"); log=$d/repo.log
  repo_ok "$os" && return 0
  log "building the $os apt repository (once; cached in $REPO)"
  rm -rf "$REPO.tmp" "$d/apt"
  mkdir -p "$REPO.tmp" "$d/apt/state/lists/partial" "$d/apt/cache/archives/partial"
  : >"$d/apt/state/status"
  cat >"$d/apt/sources.list" <<EOF
deb $MIRROR $suite main
deb $MIRROR $suite-updates main
deb $SECURITY_MIRROR $suite-security main
EOF
  lab_apt "$os" update >"$log" 2>&1 || { tail "$log" >&2; die "apt update for the $os repository failed"; }
  lab_apt "$os" install --download-only -y --no-install-recommends "${REPO_PACKAGES[@]}" >>"$log" 2>&1 \
    || { tail "$log" >&2; die "downloading $os packages failed (log: $log)"; }
  mv "$d"/apt/cache/archives/*.deb "$REPO.tmp/"
  # Every other version of the multi-version packages (older Erlang, HAProxy).
  local pkgs p v
  pkgs=$(cd "$REPO.tmp" && ls ./*.deb | sed 's|^\./||; s|_.*||' | grep -E "$MULTI_VERSION_RE" | sort -u)
  (
    cd "$REPO.tmp"
    for p in $pkgs; do
      for v in $(lab_apt_cache "$os" madison "$p" | awk -F'|' '{gsub(/ /,"",$2); print $2}' | sort -u); do
        ls "${p}_"*.deb 2>/dev/null | grep -qF "_${v#*:}_" && continue
        lab_apt "$os" download "$p=$v" >>"$log" 2>&1 || die "could not download $p=$v"
      done
    done
  )
  (cd "$REPO.tmp" && dpkg-scanpackages --multiversion . /dev/null >Packages 2>>"$log")
  repo_stamp >"$REPO.tmp/.warren-repo-ok"
  rm -rf "$REPO" && mv "$REPO.tmp" "$REPO"
  log "$os repository: $(grep -c '^Package:' "$REPO/Packages") package versions"
}

# -------------------------------------------------------------- lifecycle

network_up() {
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    ip link add "$BRIDGE" type bridge
    ip addr add "$BRIDGE_ADDR/24" dev "$BRIDGE"
  fi
  ip link set "$BRIDGE" up
}

host_network_up() {
  local i=$1 ns; ns=$(host_ns "$1")
  [ -e "/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "${PREFIX}-v$i" >/dev/null 2>&1; then
    ip link add "${PREFIX}-v$i" type veth peer name "${PREFIX}-p$i"
    ip link set "${PREFIX}-p$i" netns "$ns"
    ip -n "$ns" link set "${PREFIX}-p$i" name eth0
    ip -n "$ns" addr add "$(host_addr "$i")/24" dev eth0
  fi
  ip link set "${PREFIX}-v$i" master "$BRIDGE" up
  ip -n "$ns" link set lo up
  ip -n "$ns" link set eth0 up
}

prepare_host_dir() { # i os
  local i=$1 d; d=$(host_dir "$1")
  [ -d "$d/upper" ] && return 0
  mkdir -p "$d/upper/etc/ssh"
  echo "$2" >"$d/os"
  echo "node$i" >"$d/upper/etc/hostname"
  # Only itself: resolving peers is Warren's job.
  printf '127.0.0.1\tlocalhost\n127.0.1.1\tnode%s\n::1\tlocalhost ip6-localhost ip6-loopback\n' "$i" >"$d/upper/etc/hosts"
  ssh-keygen -q -A -f "$d/upper" >/dev/null # host keys of its own, kept until `down`
}

boot_host() {
  local i=$1 d; d=$(host_dir "$1")
  [ -n "$(nspawn_pid "$i")" ] && return 0
  host_network_up "$i"
  local os BASE REPO; os=$(host_os "$i"); BASE=$(base_of "$os"); REPO=$(repo_of "$os")
  # systemd 256 and newer (Debian 13) refuse the legacy cgroup hierarchy this
  # machine has, so every host gets the unified one, which nspawn can hand
  # them. With --keep-unit a container's cgroup is nspawn's own, so each
  # nspawn first moves into a cgroup of its own: hosts sharing one would share
  # every unit's cgroup too, and a service SIGKILLed on one host would wait
  # ("deactivating") for the same service's processes on the others.
  (
    own_cgroup "$(host_ns "$i")"
    exec env SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid systemd-nspawn -q --register=no --keep-unit --boot --link-journal=no --console=read-only \
      --machine="$(host_ns "$i")" --hostname="node$i" --capability=CAP_NET_ADMIN \
      --directory="$BASE" --overlay="$BASE:$d/upper:/" \
      --network-namespace-path="/run/netns/$(host_ns "$i")" \
      --bind-ro="$STATE/ssh:/root/.ssh" --bind-ro="$REPO:/srv/repo"
  ) </dev/null >>"$d/console.log" 2>&1 &
  local pid=$! t=0
  echo "$pid" >"$d/nspawn.pid"
  # Until the subshell has become nspawn (or died): only then does nspawn_pid know it.
  while [ -d "/proc/$pid" ] && [ -z "$(nspawn_pid "$i")" ] && [ $t -lt 100 ]; do sleep 0.05; t=$((t + 1)); done
}

# The hierarchies by which nspawn places a container: the unified one, and on
# a legacy or hybrid machine cgroup v1's name=systemd.
lab_cgroup_roots() {
  local r
  for r in /sys/fs/cgroup/systemd /sys/fs/cgroup/unified /sys/fs/cgroup; do
    case $(stat -fc %T "$r" 2>/dev/null) in cgroupfs|cgroup2fs) echo "$r" ;; esac
  done
}

own_cgroup() { # name: move the calling shell into a cgroup of its own in each hierarchy
  local root
  for root in $(lab_cgroup_roots); do mkdir -p "$root/$1" && echo "$BASHPID" >"$root/$1/cgroup.procs"; done
}

# After the hosts are gone: their cgroups. Only empty cgroups can be removed,
# so nothing still running is touched.
remove_cgroups() {
  local root d
  for root in $(lab_cgroup_roots); do
    for d in "$root/${PREFIX}-"*; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done
  done
  return 0
}

wait_ready() { # i: until sshd answers and systemd has finished booting
  local i=$1 addr; addr=$(host_addr "$1")
  local deadline=$((SECONDS + 60))
  until timeout 1 bash -c "</dev/tcp/$addr/22" 2>/dev/null; do
    [ -n "$(nspawn_pid "$i")" ] || die "node$i exited while booting (see $(host_dir "$i")/console.log)"
    [ $SECONDS -lt $deadline ] || die "node$i: sshd not reachable after 60 s"
    sleep 0.2
  done
  timeout 60 nsenter -t "$(init_pid "$i")" -m -u -i -n -p -- systemctl is-system-running --wait >/dev/null 2>&1 || true
}

write_json() {
  local n=$1 with_state=${2:-} i sep=""
  printf '{"subnet": "%s.0/24", "bridgeAddress": "%s", "privateKeyPath": "%s", "hosts": [' \
    "$SUBNET_BASE" "$BRIDGE_ADDR" "$STATE/ssh/id_ed25519"
  for ((i = 1; i <= n; i++)); do
    printf '%s{"name": "node%s", "address": "%s", "os": "%s"' "$sep" "$i" "$(host_addr "$i")" "$(host_os "$i")"
    if [ -n "$with_state" ]; then
      local st; st=$(host_state "$i")
      printf ', "state": "%s", "services": {' "$st"
      local s ssep=""
      for s in ssh rabbitmq-server haproxy keepalived; do
        local a=unknown
        [ "$st" = running ] || [ "$st" = cut ] && a=$(in_host "$i" systemctl is-active "$s" 2>/dev/null || true)
        printf '%s"%s": "%s"' "$ssep" "$s" "${a:-unknown}"; ssep=", "
      done
      printf '}'
    fi
    printf '}'; sep=", "
  done
  printf ']}\n'
}

stale_pieces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep "^${PREFIX}-" || true
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^${PREFIX}-" || true
  pgrep -f -- "systemd-nspawn .*--machine=${PREFIX}-" || true
}

# The OS of each of n hosts, one per line, from --os specs: "debian13" for all,
# "8-12:debian13" (or "8:debian13") for a range; later specs win.
host_oses() { # n specs...
  local n=$1 i; shift
  local -a os=()
  for ((i = 1; i <= n; i++)); do os[i]=debian12; done
  local spec from to name
  for spec in "$@"; do
    if [[ "$spec" =~ ^([0-9]+)(-([0-9]+))?:([a-z0-9]+)$ ]]; then
      from=${BASH_REMATCH[1]}; to=${BASH_REMATCH[3]:-$from}; name=${BASH_REMATCH[4]}
    elif [[ "$spec" =~ ^[a-z0-9]+$ ]]; then
      from=1; to=$n; name=$spec
    else
      die "--os: '$spec' is neither OS nor FROM-TO:OS"
    fi
    os_suite "$name" >/dev/null
    [ "$from" -ge 1 ] && [ "$to" -le "$n" ] && [ "$from" -le "$to" ] || die "--os: hosts $from-$to are not within 1..$n"
    for ((i = from; i <= to; i++)); do os[i]=$name; done
  done
  for ((i = 1; i <= n; i++)); do echo "${os[i]}"; done
}

cmd_up() {
  need_root
  local n=5 specs=()
  while [ $# -gt 0 ]; do
    case $1 in
      --hosts) n=${2:?--hosts needs a number}; shift 2 ;;
      --hosts=*) n=${1#*=}; shift ;;
      --os) specs+=("${2:?--os needs an OS or FROM-TO:OS}"); shift 2 ;;
      --os=*) specs+=("${1#*=}"); shift ;;
      *) die "up: unknown option $1" ;;
    esac
  done
  [[ "$n" =~ ^[0-9]+$ ]] && [ "$n" -ge 1 ] && [ "$n" -le $MAX_HOSTS ] || die "--hosts must be 1..$MAX_HOSTS"
  local started=$SECONDS oses used os
  oses=$(host_oses "$n" "${specs[@]}") || exit 1
  mapfile -t oses_arr <<<"$oses"
  used=$(sort -u <<<"$oses")

  # A lab with its state file is resumed: hosts that are down (stopped, or
  # killed with a crashed run) boot again on their own disks. Only pieces
  # without a consistent state file are treated as stale and cleared.
  local cache_ok=1
  for os in $used; do
    [ -f "$(base_of "$os")/.warren-base-ok" ] && repo_ok "$os" || cache_ok=0
  done
  if [ -f "$STATE/lab.json" ] && [ "$cache_ok" = 1 ]; then
    local have i booted=0
    have=$(host_count)
    [ "$have" = "$n" ] || die "the lab exists with $have hosts; run 'down' first to change that"
    for ((i = 1; i <= have; i++)); do
      [ "$(host_os "$i")" = "${oses_arr[i - 1]}" ] || die "node$i runs $(host_os "$i"), not ${oses_arr[i - 1]}; run 'down' first to change that"
    done
    network_up
    for ((i = 1; i <= have; i++)); do
      if [ -z "$(nspawn_pid "$i")" ]; then boot_host "$i"; booted=1; fi
    done
    for ((i = 1; i <= have; i++)); do [ "$booted" = 1 ] && wait_ready "$i"; ip link set "${PREFIX}-v$i" up; done
    if [ "$booted" = 1 ]; then log "the lab is up again"; else log "the lab is already up"; fi
    cat "$STATE/lab.json"; return 0
  fi
  if [ -n "$(stale_pieces)" ] || [ -d "$STATE/hosts" ]; then
    log "clearing a stale lab first"
    cmd_down --quiet
  fi

  local pids=() p
  for os in $used; do
    build_base "$os" & pids+=($!)
    build_repo "$os" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || die "building the lab's cache failed"; done

  mkdir -p "$STATE/ssh" && chmod 700 "$STATE/ssh"
  [ -f "$STATE/ssh/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C warren-lab -f "$STATE/ssh/id_ed25519"
  cp "$STATE/ssh/id_ed25519.pub" "$STATE/ssh/authorized_keys" && chmod 600 "$STATE/ssh/authorized_keys"

  network_up
  local i
  for ((i = 1; i <= n; i++)); do prepare_host_dir "$i" "${oses_arr[i - 1]}"; boot_host "$i"; done
  for ((i = 1; i <= n; i++)); do wait_ready "$i"; done
  write_json "$n" >"$STATE/lab.json.tmp" && mv "$STATE/lab.json.tmp" "$STATE/lab.json"
  log "$n hosts up in $((SECONDS - started)) s:"
  for ((i = 1; i <= n; i++)); do log "  node$i  $(host_addr "$i")  $(host_os "$i")"; done
  log "ssh: ssh -i $STATE/ssh/id_ed25519 root@$(host_addr 1)   state: $STATE/lab.json"
  cat "$STATE/lab.json"
}

stop_nspawn() { # i [hard]: graceful poweroff, then force; hard: force at once (a power cut)
  local i=$1 hard=${2:-} np; np=$(nspawn_pid "$i"); [ -n "$np" ] || return 0
  if [ "$hard" = hard ]; then
    container_pids "$i" | xargs -r kill -KILL 2>/dev/null || true
    kill -KILL "$np" 2>/dev/null || true
    while [ -d "/proc/$np" ]; do sleep 0.1; done
    return 0
  fi
  container_pids "$i" | xargs -r kill -CONT 2>/dev/null || true
  local ip; ip=$(init_pid "$i")
  # SIGRTMIN+4 asks systemd (PID 1) for a clean poweroff.
  [ -n "$ip" ] && kill -s RTMIN+4 "$ip" 2>/dev/null || true
  local t=0
  while [ -d "/proc/$np" ] && [ $t -lt 150 ]; do sleep 0.1; t=$((t + 1)); done
  if [ -d "/proc/$np" ]; then
    container_pids "$i" | xargs -r kill -KILL 2>/dev/null || true
    kill -KILL "$np" 2>/dev/null || true
    while [ -d "/proc/$np" ]; do sleep 0.1; done
  fi
}

cmd_down() {
  need_root
  local quiet="" purge=""
  for a in "$@"; do case $a in --quiet) quiet=1 ;; --purge) purge=1 ;; *) die "down: unknown option $a" ;; esac; done
  local n i
  n=$(host_count)
  for ((i = 1; i <= n; i++)); do stop_nspawn "$i" & done
  wait
  # Anything with our prefix, whether or not a state file knows of it.
  local p
  for p in $(pgrep -f -- "systemd-nspawn .*--machine=${PREFIX}-" || true); do kill -KILL "$p" 2>/dev/null || true; done
  for p in $(ip netns list 2>/dev/null | awk '{print $1}' | grep "^${PREFIX}-" || true); do
    ip netns pids "$p" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$p" 2>/dev/null || true
  done
  for p in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep "^${PREFIX}-" || true); do
    ip link del "$p" 2>/dev/null || true
  done
  remove_cgroups
  rm -rf "$STATE/hosts" "$STATE/lab.json" "$STATE/ssh"
  rmdir "$STATE" 2>/dev/null || true
  [ -n "$purge" ] && rm -rf "$CACHE"
  [ -n "$quiet" ] || log "the lab is down"
}

cmd_status() {
  local json=""; [ "${1:-}" = --json ] && json=1
  local n; n=$(host_count)
  if [ "$n" = 0 ]; then
    if [ -n "$json" ]; then echo '{"hosts": [], "up": false}'; else echo "the lab is down"; fi
    return 0
  fi
  if [ -n "$json" ]; then write_json "$n" with_state; return 0; fi
  local i
  printf '%-8s %-15s %-9s %s\n' HOST ADDRESS STATE SERVICES
  for ((i = 1; i <= n; i++)); do
    local st svc=""
    st=$(host_state "$i")
    if [ "$st" = running ] || [ "$st" = cut ]; then
      for s in ssh rabbitmq-server haproxy keepalived; do
        [ "$(in_host "$i" systemctl is-active "$s" 2>/dev/null || true)" = active ] && svc="$svc $s"
      done
    fi
    printf '%-8s %-15s %-9s %s\n' "node$i" "$(host_addr "$i")" "$st" "${svc# }"
  done
}

cmd_ssh() {
  local i; i=$(host_index "${1:?usage: ssh <host> -- cmd...}"); shift
  [ "${1:-}" = -- ] && shift
  exec ssh -q -i "$STATE/ssh/id_ed25519" -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null \
    -o LogLevel=ERROR -o ConnectTimeout=5 -o BatchMode=yes "root@$(host_addr "$i")" "$@"
}

cmd_fault() {
  need_root
  local what=$1 i; i=$(host_index "${2:?usage: $1 <host>}")
  case $what in
    # A powered-off machine does not answer on the network either; the
    # namespace's kernel would, so its link goes down with it.
    stop)
      if [ "${3:-}" = --hard ]; then
        # A power cut: gone from the network at once, nothing shuts down cleanly
        # (Keepalived sends no priority-0 advert, HAProxy closes no connection).
        ip link set "${PREFIX}-v$i" down; stop_nspawn "$i" hard; log "node$i power cut"
      else
        stop_nspawn "$i"; ip link set "${PREFIX}-v$i" down; log "node$i powered off"
      fi ;;
    start) boot_host "$i"; wait_ready "$i"; log "node$i started" ;;
    freeze)
      [ -n "$(init_pid "$i")" ] || die "node$i is not running"
      # A process may end between the listing and the signal: that is not a failure.
      container_pids "$i" | xargs -r kill -STOP 2>/dev/null || true; log "node$i frozen" ;;
    thaw) container_pids "$i" | xargs -r kill -CONT 2>/dev/null || true; log "node$i thawed" ;;
    cut) ip link set "${PREFIX}-v$i" down; log "node$i cut off the network" ;;
    heal) ip link set "${PREFIX}-v$i" up; log "node$i back on the network" ;;
  esac
}

cmd_kill() {
  need_root
  local i; i=$(host_index "${1:?usage: kill <host> <service>}")
  local svc=${2:?usage: kill <host> <service>}
  [[ "$svc" =~ ^[A-Za-z0-9@._-]+$ ]] || die "bad service name"
  local pid; pid=$(in_host "$i" systemctl show -p MainPID --value "$svc")
  [ -n "$pid" ] && [ "$pid" != 0 ] || die "$svc has no running main process on node$i"
  in_host "$i" kill -KILL "$pid"
  log "killed $svc (pid $pid in node$i) with SIGKILL"
}

usage() {
  cat <<EOF
usage: npm run lab -- <command>
  up [--hosts N] [--os OS | --os FROM-TO:OS]...
                        build (cached) and boot N hosts (default 5, max $MAX_HOSTS),
                        Debian 12 unless --os says otherwise (${OSES[*]})
  down [--purge]        remove everything the lab made (--purge: the cache too)
  status [--json]       hosts, addresses, state and active services
  stop|start <host>     power a host off (cleanly; --hard: a power cut) / on
  freeze|thaw <host>    pause / resume every process on a host
  cut|heal <host>       take a host's link down / up
  kill <host> <service> SIGKILL a service's main process
  ssh <host> -- cmd...  run a command on a host over SSH
state: $STATE   cache: $CACHE
EOF
}

cmd=${1:-}; shift || true
case $cmd in
  up) cmd_up "$@" ;;
  down) cmd_down "$@" ;;
  status) cmd_status "$@" ;;
  stop|start|freeze|thaw|cut|heal) cmd_fault "$cmd" "$@" ;;
  kill) cmd_kill "$@" ;;
  ssh) cmd_ssh "$@" ;;
  json) cat "$STATE/lab.json" ;;
  ""|-h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
