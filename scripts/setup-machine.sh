#!/usr/bin/env bash
# Everything the demo and the tests need on a fresh Debian 12 machine (as root).
# Idempotent and quick when all is in place.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 DEBIAN_FRONTEND=noninteractive

want=(debootstrap systemd-container dpkg-dev iproute2 openssh-client util-linux procps shellcheck curl)
# The browser and the alert tests' tools: a real Prometheus (tests/integration/07) and SMTP server (aiosmtpd: integration 06, e2e 16).
# PostgreSQL for #28's tests (each starts its own cluster in a temporary directory; the package's own is never started).
[ "${WITH_BROWSER:-0}" = 1 ] && want+=(chromium prometheus python3-aiosmtpd postgresql)
# A benchmark's own (bench/run.sh: its "// apt:" line), e.g. Alertmanager for the alerts baseline.
# shellcheck disable=SC2206 # a list of package names
[ -n "${EXTRA_PACKAGES:-}" ] && want+=(${EXTRA_PACKAGES})
missing=()
for p in "${want[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  echo "[setup] installing ${missing[*]}"
  apt-get update -q >/dev/null
  # Debian's prometheus and postgresql packages would start system services (:9090, :9093, :5432); the tests and benchmarks start their own.
  guard=""
  if [[ " ${missing[*]} " =~ \ (prometheus|postgresql) ]] && [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null || { [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
fi

# npm ci only when the lockfile changed since the last install.
stamp=node_modules/.warren-lock.sha256
sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "[setup] npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$sum" >"$stamp"
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  echo "[setup] next build"
  npx --no-install next build >/tmp/warren-build.log 2>&1 || { tail -40 /tmp/warren-build.log; exit 1; }
fi
