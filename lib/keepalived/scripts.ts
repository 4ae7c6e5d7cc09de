// Shell that manages Keepalived on a load balancer; shellcheck-clean (unit suite).
import { shScript } from "@/lib/shell";
import { STATE_FILE } from "./config";

/** Starts Keepalived (Debian skips it until a config exists) or reloads it: a reload keeps the VIP where it is. */
export const KEEPALIVED_APPLY = shScript("KEEPALIVED_APPLY", `set -e
systemctl enable --quiet keepalived
systemctl reload-or-restart keepalived
`);

/** Keepalived runs and has reported a VRRP state; with $1 = --start, started first (if it is not running). */
export const KEEPALIVED_VERIFY = shScript("KEEPALIVED_VERIFY", `if [ "$1" = --start ]; then systemctl start keepalived || exit 1; fi
i=0
while [ "$i" -lt 20 ]; do
  if systemctl is-active --quiet keepalived && [ -s ${STATE_FILE} ]; then
    echo "keepalived: $(cut -d' ' -f1 ${STATE_FILE})"
    exit 0
  fi
  i=$((i + 1))
  sleep 0.5
done
echo "keepalived did not report a VRRP state. Its log:" >&2
journalctl -u keepalived -n 15 --no-pager -o cat >&2
exit 1
`);

/** Exit 0 when this host carries the address $1 (the VIP); prints the host's name then. */
export const HOLDS_ADDRESS = shScript("HOLDS_ADDRESS", `if ip -o -4 addr show | grep -qF " inet $1/"; then hostname; exit 0; fi
exit 1
`);

/** Exit 0 when this host does not carry the address $1 (the VIP). */
export const LACKS_ADDRESS = shScript("LACKS_ADDRESS", `! ip -o -4 addr show | grep -qF " inet $1/"
`);

/**
 * Exit 0 when this host could take the VIP over at once: Keepalived reports
 * BACKUP (not FAULT, which it is for a few seconds after HAProxy restarted)
 * and HAProxy runs. Handing the VIP to a host that is not would leave it
 * on no host at all.
 *
 * A state reported before HAProxy last started is no answer: right after
 * this host's own HAProxy upgrade the file still says BACKUP until
 * Keepalived's next check sees the new master and goes FAULT (CI 7de3f4b:
 * the gate passed in that second, the holder stepped down, and the VIP
 * waited 1.26 s on no host). A restart always brings a new state (FAULT,
 * then BACKUP once the checks rise again), reported in a later second; a
 * reload leaves the unit's ActiveEnterTimestamp as it was.
 */
export const READY_TO_TAKE_OVER = shScript("READY_TO_TAKE_OVER", `systemctl is-active --quiet keepalived || { echo "keepalived is not running"; exit 1; }
read -r state _ at < ${STATE_FILE} 2>/dev/null || { echo "keepalived has reported no state yet"; exit 1; }
# The state file outlives Keepalived: it counts only if written since Keepalived last started.
since=$(systemctl show keepalived --timestamp=unix -p ActiveEnterTimestamp --value | tr -d @)
if [ -z "$at" ] || [ -z "$since" ] || [ "$at" -lt "$since" ]; then echo "keepalived has reported no state since it started"; exit 1; fi
hsince=$(systemctl show haproxy --timestamp=unix -p ActiveEnterTimestamp --value | tr -d @)
if [ -z "$hsince" ] || [ "$at" -le "$hsince" ]; then echo "keepalived has reported no state since HAProxy last started (it is still to notice the restart)"; exit 1; fi
[ "$state" = BACKUP ] || [ "$state" = MASTER ] || { echo "keepalived is $state"; exit 1; }
systemctl is-active --quiet haproxy || { echo "haproxy is not running"; exit 1; }
`);

/**
 * Exit 0 once Keepalived runs with priority $1 (the one keepalived.conf now
 * gives this host). A reload is asynchronous — systemctl returns when the
 * HUP is sent — and while Keepalived's VRRP process reloads it reads no
 * adverts: a priority-0 advert from a stopping holder in that window is
 * lost, and the VIP waits on no host for the master-down timer. Keepalived
 * writes its state to /tmp/keepalived.data on SIGUSR1, from the same loop
 * that reopens its sockets after a reload, so the new priority there means
 * the reload is over.
 */
export const RUNS_AT_PRIORITY = shScript("RUNS_AT_PRIORITY", `pid=$(cat /run/keepalived.pid 2>/dev/null)
if [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; then echo "keepalived is not running"; exit 1; fi
rm -f /tmp/keepalived.data
kill -USR1 "$pid" || exit 1
i=0
while [ "$i" -lt 20 ]; do
  if grep -q "Effective priority = $1\$" /tmp/keepalived.data 2>/dev/null; then echo "keepalived runs at priority $1"; exit 0; fi
  i=$((i + 1))
  sleep 0.05
done
echo "keepalived does not run at priority $1 yet"
exit 1
`);

/**
 * Hands the VIP ($1) away: stops Keepalived here, then waits until another
 * load balancer answers on $1:$2 (HAProxy's frontend). If none does within
 * 10 s, Keepalived starts here again, so the VIP is never left on no host.
 */
export const VIP_AWAY = shScript("VIP_AWAY", `systemctl stop keepalived || exit 1
i=0
while [ "$i" -lt 50 ]; do
  # shellcheck disable=SC2016
  if timeout 1 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null; then exit 0; fi
  i=$((i + 1))
  sleep 0.2
done
systemctl start keepalived
echo "no other load balancer took $1 over within 10 s: Keepalived started again here, so the VIP stays" >&2
exit 1
`);
