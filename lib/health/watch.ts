// One long-lived command per host, on the host's one SSH connection, that
// pushes what changes: a heartbeat twice a second (silence means the host or
// the path to it is gone), systemd unit states, the host's IPv4 addresses
// the moment the kernel changes them (the VIP moving), Keepalived's VRRP
// state, and on load balancers HAProxy's statistics. Built to cost almost
// nothing: bash builtins for the heartbeat, sleeping and noticing a crashed
// main process (/proc), one systemctl call every 2 s, and `ip monitor`
// waiting on a netlink socket instead of polling.
import { parseStatCsv, type StatRow } from "@/lib/haproxy/stats";

/** Arguments: "lb" or "-" (dump HAProxy's statistics), then the units to watch. */
export const WATCH_SCRIPT = `lb=$1
shift
units="$*"
# A fifo we hold both ends of: read -t on it sleeps without starting a process.
f=$(mktemp -u)
mkfifo -m 600 "$f"
exec 9<>"$f"
rm -f "$f"
addrs() { printf '@addrs %s\\n' "$(ip -o -4 addr show | awk '{printf "%s ", $4}')"; }
addrs
ip -o -4 monitor address 2>/dev/null | while read -r _; do addrs; done &
trap 'kill $! 2>/dev/null' EXIT
last_units=""
last_vrrp=""
pids=""
# Unit states and main processes from one systemctl call (blocks in unit order).
poll_units() {
  local k v u=""
  pids=""
  # shellcheck disable=SC2086
  while IFS='=' read -r k v; do
    case $k in
      ActiveState) u="$u$v " ;;
      MainPID) pids="$pids$v " ;;
    esac
  done < <(systemctl show -p ActiveState -p MainPID $units 2>/dev/null)
  if [ "$u" != "$last_units" ]; then printf '@units %s\\n' "$u"; last_units=$u; fi
}
i=0
while :; do
  printf '@tick %s\\n' "$EPOCHREALTIME"
  v=""
  if [ -r /run/keepalived/warren-state ]; then read -r v < /run/keepalived/warren-state; fi
  if [ "$v" != "$last_vrrp" ]; then printf '@vrrp %s\\n' "$v"; last_vrrp=$v; fi
  # A main process gone is a crash noticed on this tick; systemctl is asked
  # every 2 s otherwise (units that start, stop or restart in between).
  gone=""
  for p in $pids; do
    if [ "$p" != 0 ] && [ ! -e "/proc/$p" ]; then gone=1; fi
  done
  if [ -n "$gone" ] || [ $((i % 4)) = 0 ]; then poll_units; fi
  if [ "$lb" = lb ] && [ $((i % 2)) = 0 ]; then
    echo "@stat"
    echo "show stat" | socat -t 1 stdio unix-connect:/run/haproxy/admin.sock 2>/dev/null
    echo "@end"
  fi
  i=$((i + 1))
  read -r -t 0.5 -u 9 _ || true
done
`;

export interface WatchState {
  /** When the host last spoke (ms since epoch, Warren's clock). */
  lastTickAt: number | null;
  /** The host's own clock at its last heartbeat (seconds). */
  hostClock: number | null;
  units: Record<string, string>;
  addresses: string[];
  vrrp: { state: string; priority: number | null } | null;
  stats: StatRow[] | null;
  statsAt: number | null;
  /** A line the parser could not use (kept for the health view, never thrown). */
  lastError: string | null;
}

export const emptyWatch = (): WatchState => ({ lastTickAt: null, hostClock: null, units: {}, addresses: [], vrrp: null, stats: null, statsAt: null, lastError: null });

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
    if (this.block) {
      if (l === "@end") {
        try {
          this.state.stats = parseStatCsv(this.block.join("\n"));
          this.state.statsAt = this.now();
        } catch (e) {
          this.state.lastError = (e as Error).message;
        }
        this.block = null;
      } else if (this.block.length < 2000) this.block.push(l);
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
      case "@addrs":
        this.state.addresses = rest.split(/\s+/).filter(Boolean).map((a) => a.split("/")[0]);
        return;
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
