#!/usr/bin/env bash
# Production start: apply migrations to the data directory, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1
[ -d .next ] || { echo "no build found: run 'npm run build' first" >&2; exit 1; }
npx --no-install prisma migrate deploy >/dev/null
exec npx --no-install next start -p "${PORT:-3000}" -H "${WARREN_HOST:-127.0.0.1}"
