#!/usr/bin/env bash
# Debian's Chromium, which Playwright drives in the end-to-end tests and browser benchmarks.
# Installs it when missing (CI runs on a clean machine); fails loudly when it cannot.
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
echo "Installing Debian's chromium (needed by the browser tests)..." >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q chromium >/dev/null 2>&1; then
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q chromium >/dev/null
fi
command -v chromium >/dev/null || { echo "chromium is still missing after apt-get install" >&2; exit 1; }
