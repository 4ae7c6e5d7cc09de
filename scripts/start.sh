#!/usr/bin/env bash
# Production start: apply migrations to the data directory, then serve.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 NODE_ENV=production
# The data directory is made 700 (prisma.config.ts) and the database 600 at every start
# (instrumentation.ts): no umask here, which the power command's children would inherit.
[ -d .next ] || { echo "no build found: run 'npm run build' first" >&2; exit 1; }
if [ -n "${WARREN_DATABASE_URL:-}" ]; then
  node scripts/postgres-migrate.mjs >/dev/null # PostgreSQL (prisma/postgresql/migrations; see that script for why not Prisma's)
else
  npx --no-install prisma migrate deploy >/dev/null
fi
# server.mjs wraps Next's request handler: it records each request's TCP peer (the
# only client address Warren trusts) and reads bodies whole and bounded.
exec node server.mjs
