// One long-lived command per host, on the host's one SSH connection, that
// pushes what changes: a heartbeat twice a second (silence means the host or
// the path to it is gone), systemd unit states, the host's IPv4 addresses
// the moment the kernel changes them (the VIP moving), Keepalived's VRRP
// state, and on load balancers HAProxy's statistics. Built to cost almost
// nothing: bash builtins for the heartbeat, sleeping and noticing a crashed
// main process (/proc) and a unit's cgroup emptying or filling (cgroupfs),
// systemctl only when one of those changed, while a unit is between states
// and every 10 s, and `ip monitor` waiting on a netlink socket instead of
// polling. (systemctl every 2 s cost each host more than all the rest.)
import { parseStatCsv, type StatRow } from "@/lib/haproxy/stats";
import { bashScript } from "@/lib/shell";

/** Arguments: "lb" or "-" (dump HAProxy's statistics), then the units to watch. */
export const WATCH_SCRIPT = bashScript("WATCH_SCRIPT", `lb=$1
shift
units="$*"
read -r -a names <<<"$units"
# A fifo we hold both ends of: read -t on it sleeps without starting a process.
f=$(mktemp -u)
mkfifo -m 600 "$f"
exec 9<>"$f"
rm -f "$f"
addrs() { printf '@addrs %s\\n' "$(ip -o -4 addr show | awk '{printf "%s ", $4}')"; }
# The address monitor only wakes the main loop (through the fifo), which then
# prints the addresses itself: one writer on stdout, so an address line can
# never land inside a statistics block. It is started before the first
# snapshot and the snapshot is taken again a second later (it may subscribe
# after the first), then every 10 s; a monitor that died is started again.
start_monitor() {
  ip -o -4 monitor address 2>/dev/null | while read -r _; do echo a >&9; done &
  mon=$!
}
start_monitor
addrs
# When Warren goes, the next write raises SIGPIPE (or fails): leave nothing
# behind (the address monitor would otherwise sleep on until an address
# changed). The whole process group only when it is this watch's own (made by
# \`timeout\`, or this shell leads it); else the monitor's pipeline alone.
read -r _ _ _ _ pg _ </proc/$$/stat
own_group=""
if [ "$pg" = "$PPID" ] || [ "$pg" = "$$" ]; then own_group=1; fi
trap 'exit 0' PIPE HUP TERM
trap 'trap - EXIT; if [ -n "$own_group" ]; then kill 0 2>/dev/null; else kill "$mon" 2>/dev/null; fi' EXIT
last_units=""
last_vrrp=""
pids=""
cgs=""
settled=""
last_cg=""
# Where the units' cgroups are: the unified hierarchy (v2, or hybrid's
# unified), else cgroup v1's systemd hierarchy.
cgroot=/sys/fs/cgroup
if [ -r /sys/fs/cgroup/unified/cgroup.controllers ]; then cgroot=/sys/fs/cgroup/unified; fi
# Whether each unit's cgroup holds processes, into $cg, with builtins only.
cg_state() {
  local c line
  cg=""
  for c in $cgs; do
    line=""
    if [ -r "$cgroot$c/cgroup.events" ]; then
      read -r line 2>/dev/null <"$cgroot$c/cgroup.events"
      if [ "$line" = "populated 1" ]; then cg="\${cg}1"; else cg="\${cg}0"; fi
    elif [ -r "/sys/fs/cgroup/systemd$c/cgroup.procs" ]; then
      read -r line 2>/dev/null <"/sys/fs/cgroup/systemd$c/cgroup.procs"
      if [ -n "$line" ]; then cg="\${cg}1"; else cg="\${cg}0"; fi
    else
      cg="\${cg}0"
    fi
  done
}
# Unit states, main processes and cgroups from one systemctl call (blocks in
# unit order; an inactive unit has no cgroup: its default place is watched).
# The cgroups are read before systemctl is asked, so a change while it
# answers is seen on the next tick. An incomplete answer (systemd busy or
# re-executing) changes nothing and is asked again in 2 s.
poll_units() {
  local k v u="" n=0 p="" c=""
  cg_state
  last_cg=$cg
  # shellcheck disable=SC2086
  while IFS='=' read -r k v; do
    case $k in
      ActiveState) u="$u$v " ;;
      MainPID) p="$p$v " ;;
      ControlGroup)
        if [ -z "$v" ]; then v="/system.slice/\${names[$n]%.service}.service"; fi
        c="$c$v "
        n=$((n + 1)) ;;
    esac
  done < <(systemctl show -p ActiveState -p MainPID -p ControlGroup $units 2>/dev/null)
  read -r -a got <<<"$u"
  if [ "\${#got[@]}" != "\${#names[@]}" ] || [ "$n" != "\${#names[@]}" ]; then
    settled=""
    return
  fi
  settled=1
  for v in $u; do
    case $v in active|inactive|failed) ;; *) settled="" ;; esac
  done
  pids=$p
  if [ "$c" != "$cgs" ]; then
    cgs=$c
    cg_state
    last_cg=$cg
  fi
  if [ "$u" != "$last_units" ]; then printf '@units %s\\n' "$u"; last_units=$u; fi
}
i=0
woke=""
while :; do
  printf '@tick %s\\n' "$EPOCHREALTIME" || exit 0
  if [ $((i % 20)) = 0 ] && ! kill -0 "$mon" 2>/dev/null; then start_monitor; woke=1; fi
  if [ -n "$woke" ] || [ "$i" = 2 ] || [ $((i % 20)) = 10 ]; then addrs; woke=""; fi
  v=""
  if [ -r /run/keepalived/warren-state ]; then read -r v < /run/keepalived/warren-state; fi
  if [ "$v" != "$last_vrrp" ]; then printf '@vrrp %s\\n' "$v"; last_vrrp=$v; fi
  # A main process gone or a cgroup emptied or filled is noticed on this
  # tick; systemctl is asked every 2 s while a unit is starting or stopping,
  # and every 10 s otherwise (a safety net for changes neither shows).
  gone=""
  for p in $pids; do
    if [ "$p" != 0 ] && [ ! -e "/proc/$p" ]; then gone=1; fi
  done
  cg_state
  due=""
  if [ -n "$gone" ] || [ "$cg" != "$last_cg" ] || [ $((i % 20)) = 0 ]; then
    due=1
  elif [ -z "$settled" ] && [ $((i % 4)) = 0 ]; then
    due=1
  fi
  if [ -n "$due" ]; then poll_units; fi
  # HAProxy's statistics every 2 s: socat is a process start (4 ms of CPU),
  # and HAProxy itself needs seconds of failed checks to change its mind.
  if [ "$lb" = lb ] && [ $((i % 4)) = 0 ]; then
    echo "@stat"
    echo "show stat" | socat -t 1 stdio unix-connect:/run/haproxy/admin.sock 2>/dev/null
    echo "@end"
  fi
  i=$((i + 1))
  w=""
  read -r -t 0.5 -u 9 w || true
  if [ "$w" = a ]; then
    woke=1
    # A burst of address changes is one snapshot.
    while read -r -t 0.05 -u 9 _; do :; done
  fi
done
`);

export interface WatchState {
  /** When the host last spoke (ms since epoch, Warren's clock). */
  lastTickAt: number | null;
  /** The host's own clock at its last heartbeat (seconds). */
  hostClock: number | null;
  units: Record<string, string>;
  addresses: string[];
  /** When the address list last changed (Warren's clock): a claim to the VIP is as new as this. */
  addressesAt: number | null;
  vrrp: { state: string; priority: number | null } | null;
  stats: StatRow[] | null;
  statsAt: number | null;
  /** A line the parser could not use (kept for the health view, never thrown). */
  lastError: string | null;
}

export const emptyWatch = (): WatchState => ({ lastTickAt: null, hostClock: null, units: {}, addresses: [], addressesAt: null, vrrp: null, stats: null, statsAt: null, lastError: null });

/**
 * Feeds the watch command's output, chunk by chunk, into a state. Complete
 * lines only; a statistics block is taken when its end marker arrives, so a
 * cut-off block is never half-applied.
 */
export class WatchParser {
  private buf = "";
  private block: string[] | null = null;

  constructor(private readonly units: string[], readonly state: WatchState = emptyWatch(), private readonly now: () => number = Date.now) {}

  push(chunk: string): void {
    this.buf += chunk;
    const lines = this.buf.split("\n");
    this.buf = lines.pop() ?? "";
    if (this.buf.length > 1 << 20) this.buf = ""; // a runaway line is dropped, never buffered forever
    for (const l of lines) this.line(l);
  }

  private line(l: string): void {
    // HAProxy's CSV never starts a line with "@": a tag inside a block is a
    // tag (the watch has one writer, so this should not happen; but a lost
    // address line would mean a wrong VIP owner until the next change).
    if (this.block && !l.startsWith("@")) {
      if (this.block.length < 2000) this.block.push(l);
      return;
    }
    if (this.block && l === "@end") {
      try {
        this.state.stats = parseStatCsv(this.block.join("\n"));
        this.state.statsAt = this.now();
      } catch (e) {
        this.state.lastError = (e as Error).message;
      }
      this.block = null;
      return;
    }
    const sp = l.indexOf(" ");
    const tag = sp < 0 ? l : l.slice(0, sp);
    const rest = sp < 0 ? "" : l.slice(sp + 1).trim();
    switch (tag) {
      case "@tick": {
        this.state.lastTickAt = this.now();
        const c = Number(rest);
        this.state.hostClock = Number.isFinite(c) ? c : null;
        return;
      }
      case "@units": {
        const states = rest.split(/\s+/).filter(Boolean);
        this.state.units = Object.fromEntries(this.units.map((u, i) => [u, states[i] ?? "unknown"]));
        return;
      }
      case "@addrs": {
        const addresses = rest.split(/\s+/).filter(Boolean).map((a) => a.split("/")[0]);
        if (addresses.join() !== this.state.addresses.join() || this.state.addressesAt === null) this.state.addressesAt = this.now();
        this.state.addresses = addresses;
        return;
      }
      case "@vrrp": {
        const [state, prio] = rest.split(/\s+/);
        this.state.vrrp = state ? { state, priority: Number.isFinite(Number(prio)) ? Number(prio) : null } : null;
        return;
      }
      case "@stat":
        this.block = [];
        return;
      case "":
        return;
      default:
        this.state.lastError = `unexpected output: ${l.slice(0, 120)}`;
    }
  }
}
