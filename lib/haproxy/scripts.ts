// Shell that manages HAProxy on a load balancer. Values arrive as arguments,
// never inside the text; shellcheck-clean (unit suite).
import { shScript } from "@/lib/shell";
import { ADMIN_SOCKET, STATE_FILE } from "./config";

/**
 * Validates a candidate haproxy.cfg: HAProxy's own syntax check, then every
 * port it will listen on must be free or already HAProxy's (`haproxy -c`
 * never binds, so a port taken by another program would only fail at the
 * reload — silently, the old workers serving on). $1 the file, then the ports.
 */
export const HAPROXY_VALIDATE = shScript("HAPROXY_VALIDATE", `f=$1
shift
haproxy -c -f "$f" || exit 1
bad=0
for p in "$@"; do
  holders=$(ss -Hltnp "sport = :$p" | grep -o 'users:((.*' | grep -v '"haproxy"')
  if [ -n "$holders" ]; then
    echo "[ALERT] HAProxy cannot bind port $p: Address already in use, by $holders" >&2
    bad=1
  fi
done
exit "$bad"
`);

/** The servers' runtime states (maint, drain, weights) saved where the next start loads them from. */
const SAVE_STATE = `if [ -S ${ADMIN_SOCKET} ]; then
    if echo "show servers state" | socat -t 2 stdio unix-connect:${ADMIN_SOCKET} > ${STATE_FILE}.tmp; then
      mv -f ${STATE_FILE}.tmp ${STATE_FILE}
    else
      rm -f ${STATE_FILE}.tmp
    fi
  fi`;

/**
 * Saves the servers' runtime states before HAProxy restarts (a new binary
 * needs a restart; apt's own restarts it too): without it, the start would
 * load whatever states the last reload left in the file.
 */
export const HAPROXY_SAVE_STATE = shScript("HAPROXY_SAVE_STATE", `if systemctl is-active --quiet haproxy; then
  ${SAVE_STATE}
fi
`);

/** Restarts HAProxy (on a new binary) once its configuration ($1) passes the check, its servers' runtime states saved first. */
export const HAPROXY_RESTART = shScript("HAPROXY_RESTART", `haproxy -c -q -f "$1" || exit 1
if systemctl is-active --quiet haproxy; then
  ${SAVE_STATE}
fi
systemctl restart haproxy
`);

/** Kills HAProxy's master like a crash would (SIGKILL): the failover drill's fault. */
export const HAPROXY_KILL = shScript("HAPROXY_KILL", `kill -KILL "$(cat /run/haproxy.pid)"
`);

/** Applies the installed file: keeps runtime server states across the reload, reloads (or starts) HAProxy. */
export const HAPROXY_APPLY = shScript("HAPROXY_APPLY", `set -e
systemctl enable --quiet haproxy
if systemctl is-active --quiet haproxy; then
  ${SAVE_STATE}
  systemctl reload haproxy
else
  systemctl restart haproxy
fi
`);

/**
 * HAProxy serves the new configuration: it holds every listening port and
 * its admin socket lists every server of the backend. A reload whose new
 * workers fail to start leaves the old ones serving, so this is what tells.
 * $1 backend, then ports, "--", then servers.
 */
export const HAPROXY_VERIFY = shScript("HAPROXY_VERIFY", `backend=$1
shift
ports=""
while [ "$#" -gt 0 ] && [ "$1" != "--" ]; do ports="$ports $1"; shift; done
[ "$#" -gt 0 ] && shift
i=0
while [ "$i" -lt 20 ]; do
  ok=1
  for p in $ports; do
    ss -Hltnp "sport = :$p" | grep -q '"haproxy"' || ok=0
  done
  stat=$(echo "show stat" | socat -t 2 stdio unix-connect:${ADMIN_SOCKET} 2>/dev/null) || ok=0
  for s in "$@"; do
    printf '%s\\n' "$stat" | grep -q "^$backend,$s," || ok=0
  done
  if [ "$ok" = 1 ]; then echo "HAProxy serves the new configuration"; exit 0; fi
  i=$((i + 1))
  sleep 0.5
done
echo "HAProxy is not serving the new configuration (ports:$ports; servers: $*). Its log:" >&2
journalctl -u haproxy -n 15 --no-pager -o cat >&2
exit 1
`);

/** One runtime API command on the admin socket (HAProxy 3.0 runs only the first line of a piped batch). */
export const HAPROXY_RUNTIME = shScript("HAPROXY_RUNTIME", `printf '%s\\n' "$1" | socat -t 5 stdio unix-connect:${ADMIN_SOCKET}
`);

/**
 * A server in or out of rotation: $1 backend, $2 server, $3 maint | drain |
 * ready. "maint" also closes the sessions it had (clients reconnect through
 * the other servers at once rather than when the node stops). Any answer
 * from HAProxy to "set server" is an error message.
 */
export const HAPROXY_SERVER_STATE = shScript("HAPROXY_SERVER_STATE", `out=$(printf 'set server %s/%s state %s\n' "$1" "$2" "$3" | socat -t 5 stdio unix-connect:${ADMIN_SOCKET}) || exit 1
if [ -n "$(printf '%s' "$out" | tr -d '[:space:]')" ]; then echo "HAProxy: $out" >&2; exit 1; fi
if [ "$3" = maint ]; then
  printf 'shutdown sessions server %s/%s\n' "$1" "$2" | socat -t 5 stdio unix-connect:${ADMIN_SOCKET} >/dev/null
fi
`);

/** Exit 0 when server $2 of backend $1 is already in state $3 (maint, drain, or ready: neither). */
export const HAPROXY_SERVER_IN_STATE = shScript("HAPROXY_SERVER_IN_STATE", `st=$(echo "show stat" | socat -t 5 stdio unix-connect:${ADMIN_SOCKET} | awk -F, -v b="$1" -v s="$2" '$1 == b && $2 == s { print $18 }')
[ -n "$st" ] || exit 1
case "$3" in
  maint) case "$st" in MAINT*) exit 0 ;; esac ;;
  drain) case "$st" in DRAIN*) exit 0 ;; esac ;;
  ready) case "$st" in MAINT*|DRAIN*) ;; *) exit 0 ;; esac ;;
esac
exit 1
`);
