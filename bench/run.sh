#!/usr/bin/env bash
# npm run bench -- <name>: runs bench/<name>.ts. Benchmarks that need hosts bring the lab up.
# Each prints its figures and, as its last line, one JSON object of them.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-}
if [ -z "$name" ] || [ ! -f "bench/$name.ts" ]; then
  echo "usage: npm run bench -- <name>; available: $(cd bench && ls *.ts | sed 's/\.ts$//' | tr '\n' ' ')" >&2
  exit 2
fi
export NEXT_TELEMETRY_DISABLED=1
SKIP_BUILD=1 bash scripts/setup-machine.sh >&2
bash lab/lab.sh up --hosts "${BENCH_HOSTS:-3}" >/dev/null
exec npx --no-install tsx --conditions=react-server "bench/$name.ts"
