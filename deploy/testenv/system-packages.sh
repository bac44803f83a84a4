#!/usr/bin/env bash
# Install the Debian packages the test suite runs for real: PostgreSQL (subscription
# storage), Chromium (the subscribe page) and Prometheus/promtool (metrics checks).
# Only what is missing is installed; on a machine that has them all this is a no-op.
set -euo pipefail

need=()
[ -x /usr/lib/postgresql/15/bin/postgres ] || ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null || need+=(chromium)
command -v promtool >/dev/null && command -v prometheus >/dev/null || need+=(prometheus)

if [ ${#need[@]} -eq 0 ]; then
    exit 0
fi

echo "installing Debian packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || { echo "need root or sudo to install ${need[*]}" >&2; exit 1; }
    SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq || true
# The postgresql package would start a system cluster; the tests run their own on a free port.
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
