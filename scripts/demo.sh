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
mkdir -p "$WARREN_DATA_DIR" && chmod 700 "$WARREN_DATA_DIR"
npx --no-install prisma migrate deploy >/dev/null
creds="$WARREN_DATA_DIR/demo-admin.txt"
if [ -z "${WARREN_ADMIN_PASSWORD:-}" ]; then
  [ -f "$creds" ] || (umask 077; echo "$(head -c 18 /dev/urandom | base64 | tr -d '/+=')" >"$creds")
  export WARREN_ADMIN_USER=${WARREN_ADMIN_USER:-admin} WARREN_ADMIN_PASSWORD=$(cat "$creds")
fi
npx --no-install tsx --conditions=react-server scripts/seed-lab.ts "${WARREN_LAB_DIR:-lab/state}/lab.json"

cat <<MSG

  Warren is starting on http://127.0.0.1:${PORT:-3000}
  log in as:  ${WARREN_ADMIN_USER:-admin} / ${WARREN_ADMIN_PASSWORD}
  (only created if no user existed yet; the password is kept in $creds)
  lab hosts:  $(bash lab/lab.sh status | tail -n +2 | awk '{printf "%s=%s ", $1, $2}')
  stop with Ctrl-C; remove the lab with: npm run lab -- down

MSG
exec bash scripts/start.sh
