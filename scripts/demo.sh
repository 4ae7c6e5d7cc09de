#!/usr/bin/env bash
# One command: Warren on http://127.0.0.1:3000 with a running lab already in its inventory.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "the demo needs root (it boots lab hosts in network namespaces)" >&2; exit 1; }
export NEXT_TELEMETRY_DISABLED=1
bash scripts/setup-machine.sh
bash lab/lab.sh up --hosts "${WARREN_DEMO_HOSTS:-5}" >/dev/null

export WARREN_DATA_DIR=${WARREN_DATA_DIR:-./data}
# The failover drill can power lab hosts off and on.
export WARREN_POWER_COMMAND=${WARREN_POWER_COMMAND:-"bash $PWD/lab/lab.sh"}
port=${PORT:-3000}
mkdir -p "$WARREN_DATA_DIR" && chmod 700 "$WARREN_DATA_DIR"
creds="$WARREN_DATA_DIR/demo-admin.txt"
if [ -z "${WARREN_ADMIN_PASSWORD:-}" ]; then
  [ -f "$creds" ] || (umask 077; head -c 18 /dev/urandom | base64 | tr -d '/+=' >"$creds")
  WARREN_ADMIN_PASSWORD=$(cat "$creds")
  export WARREN_ADMIN_USER=${WARREN_ADMIN_USER:-admin} WARREN_ADMIN_PASSWORD
fi
url="http://127.0.0.1:$port"
if curl -s -o /dev/null "$url/login" 2>/dev/null; then echo "something already answers on $url: stop it, or run the demo with PORT=<another port>" >&2; exit 1; fi

# Warren itself (it creates the admin from the environment), then the lab's
# hosts through its own API: the seed is a client like any other.
PORT=$port bash scripts/start.sh &
server=$!
stop() { kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null; exit 0; }
trap stop INT TERM
echo "[demo] starting Warren on $url"
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "$url/login" && break
  kill -0 "$server" 2>/dev/null || { echo "[demo] Warren exited while starting" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null "$url/login" || { echo "[demo] Warren did not answer on $url within 60 s" >&2; kill "$server"; exit 1; }
seeded=yes
npx --no-install tsx scripts/seed-lab.ts "${WARREN_LAB_DIR:-lab/state}/lab.json" "$url" || seeded=no

cat <<MSG

  Warren is serving on $url
  log in as:  ${WARREN_ADMIN_USER:-admin} / ${WARREN_ADMIN_PASSWORD}
  (created only if no user existed yet; the password is kept in $creds)
  lab hosts:  $(bash lab/lab.sh status | tail -n +2 | awk '{printf "%s=%s ", $1, $2}')$([ $seeded = yes ] || printf '\n  (not added to the inventory: see the message above)')
  stop with Ctrl-C; remove the lab with: npm run lab -- down

MSG
wait "$server"
