#!/usr/bin/env bash
# All of Warren's tests: unit, integration against the lab's real hosts,
# Playwright in Debian's Chromium, and the lab's own teardown check.
# Ends with one line "N passed, N failed"; exits non-zero on any failure.
set -uo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "the tests need root (the lab boots hosts in network namespaces)" >&2; exit 1; }
export NEXT_TELEMETRY_DISABLED=1 NO_COLOR=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 VITE_CONFIG_NATIVE_IGNORE_WARNING=true
WITH_BROWSER=1 bash scripts/setup-machine.sh || { echo "0 passed, 1 failed"; exit 1; }

R=test-results/reports
rm -rf test-results && mkdir -p "$R"
started=$SECONDS
phase() { printf '\n===== %s (%ss) =====\n' "$*" $((SECONDS - started)); }

phase "schema and migrations agree"
mig=$(WARREN_DATA_DIR=$(mktemp -d) bash -c 'npx --no-install prisma migrate deploy >/dev/null && npx --no-install prisma migrate diff --from-migrations prisma/migrations --to-schema-datamodel prisma/schema.prisma --exit-code' 2>&1)
mig_rc=$?
echo "$mig" | tail -2
node -e "const ok=$mig_rc===0;require('fs').writeFileSync('$R/migrations.json',JSON.stringify({testResults:[{name:'migrations',status:ok?'passed':'failed',assertionResults:[{fullName:'migrate deploy + diff: the schema matches the migrations',status:ok?'passed':'failed'}]}]}))"

phase "architecture: the import rules (npm run lint)"
# One result per rule of .dependency-cruiser.cjs; every rule fails when the tool itself could not run.
npm run --silent lint >"$R/lint.txt" 2>&1
LINT_RC=$? node -e '
const fs = require("fs");
const out = fs.readFileSync(process.argv[1], "utf8");
const rules = require("./.dependency-cruiser.cjs").forbidden.map((r) => r.name);
const broken = new Set([...out.matchAll(/^\s*error ([\w-]+):/gm)].map((m) => m[1]));
const ran = process.env.LINT_RC === "0" || broken.size > 0;
const a = rules.map((r) => ({ fullName: `npm run lint: ${r}`, status: ran && !broken.has(r) ? "passed" : "failed" }));
fs.writeFileSync(process.argv[2], JSON.stringify({ testResults: [{ name: "lint", status: a.every((x) => x.status === "passed") ? "passed" : "failed", assertionResults: a }] }));
' "$R/lint.txt" "$R/lint.json"
tail -15 "$R/lint.txt"

phase "unit tests"
npx --no-install vitest run tests/unit --reporter=default --reporter=json --outputFile="$R/unit.json"

# The integration tests that need no lab (a real Warren and receivers on loopback, each on
# ports of its own) run meanwhile: they mostly wait (a receiver down 30 s, a restart settling).
LOOPBACK=(tests/integration/06-alerts-outbox.test.ts tests/integration/07-prometheus.test.ts tests/integration/08-legacy-migration.test.ts tests/integration/09-postgres.test.ts)
npx --no-install vitest run "${LOOPBACK[@]}" --reporter=default --reporter=json --outputFile="$R/loopback.json" >"$R/loopback.log" 2>&1 &
loopback=$!

phase "the newcomer's path: README's first command in a fresh clone"
# Its own clone, port (3320), data directory and 2-host lab, removed afterwards; before the suites' lab.
npx --no-install vitest run tests/newcomer --reporter=default --reporter=json --outputFile="$R/newcomer.json"

phase "integration tests on loopback, run during the newcomer's path (real Warren, Prometheus, SMTP)"
wait "$loopback"
cat "$R/loopback.log"

phase "lab up"
# Whatever a killed earlier run left behind is cleared first; the snapshot is what `down` must restore.
bash lab/lab.sh down --quiet
npx --no-install tsx lab/snapshot.ts >"$R/lab-before.json"
trap 'bash lab/lab.sh down --quiet' EXIT
if bash lab/lab.sh up --hosts 20 --os 13-15:debian13 >"$R/lab-up.log" 2>&1; then
  tail -8 "$R/lab-up.log"
  phase "integration tests (real SSH, real hosts)"
  npx --no-install vitest run tests/integration "${LOOPBACK[@]/#/--exclude=}" --reporter=default --reporter=json --outputFile="$R/integration.json"
else
  cat "$R/lab-up.log"
  node -e "require('fs').writeFileSync('$R/integration.json',JSON.stringify({testResults:[{name:'lab',status:'failed',message:'lab up failed',assertionResults:[]}]}))"
fi

phase "fresh lab hosts for the browser tests"
# The integration suite left RabbitMQ clusters behind; the wizard test starts from clean hosts.
bash lab/lab.sh down --quiet && bash lab/lab.sh up --hosts 15 --os 8-12:debian13 >>"$R/lab-up.log" 2>&1 || tail -20 "$R/lab-up.log"

phase "browser tests (Playwright, Chromium)"
PW_JSON="$R/playwright.json" npx --no-install playwright test

phase "lab teardown"
WARREN_LAB_BEFORE="$R/lab-before.json" npx --no-install vitest run tests/teardown --reporter=default --reporter=json --outputFile="$R/teardown.json"
trap - EXIT
bash lab/lab.sh down --quiet

phase "summary"
npx --no-install tsx scripts/summarize.ts "$R/migrations.json" "$R/lint.json" "$R/unit.json" "$R/newcomer.json" "$R/loopback.json" "$R/integration.json" "$R/playwright.json" "$R/teardown.json"
