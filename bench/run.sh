#!/usr/bin/env bash
# npm run bench -- <name>: runs bench/<name>.ts on a fresh lab.
# Each prints its figures and, as its last line, one JSON object of them.
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:-}
if [ -z "$name" ] || [ ! -f "bench/$name.ts" ]; then
  echo "usage: npm run bench -- <name>; available: $(cd bench && ls *.ts | sed 's/\.ts$//' | tr '\n' ' ')" >&2
  exit 2
fi
export NEXT_TELEMETRY_DISABLED=1
# A benchmark declares the hosts it needs in a line "// lab-hosts: N".
hosts=$(sed -n 's|^// lab-hosts: \([0-9]*\)$|\1|p' "bench/$name.ts"); hosts=${hosts:-3}
# ...and the Debian packages it needs beyond the tests' in a line "// apt: p1 p2".
packages=$(sed -n 's|^// apt: \(.*\)$|\1|p' "bench/$name.ts")
EXTRA_PACKAGES="$packages" SKIP_BUILD=1 bash scripts/setup-machine.sh >&2
# Build when the sources changed since the last build (a stale build would measure old code).
if [ ! -f .next/BUILD_ID ] || [ -n "$(find app components lib prisma proxy.ts instrumentation.ts next.config.js -newer .next/BUILD_ID -type f | head -1)" ]; then
  npx --no-install next build >&2
fi
bash lab/lab.sh down --quiet
# ...and which of them run another OS in a line "// lab-os: 6-8:debian13" (lab.sh's --os).
os=$(sed -n 's|^// lab-os: \(.*\)$|\1|p' "bench/$name.ts")
bash lab/lab.sh up --hosts "$hosts" ${os:+--os "$os"} >/dev/null
exec npx --no-install tsx --conditions=react-server "bench/$name.ts"
