#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: Chromium (driven by Playwright in the browser
# tests), dig (bind9-dnsutils, the DNS tests), dnsmasq and dnsperf (the DNS benchmark).
# Installs what is missing (CI runs on a clean machine); fails loudly when it cannot.
set -euo pipefail
declare -A NEEDED=([chromium]=chromium [dig]=bind9-dnsutils [dnsmasq]=dnsmasq [dnsperf]=dnsperf)
missing=()
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=("${NEEDED[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo -n"
fi
echo "Installing Debian packages: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; then
  $SUDO apt-get update -q >/dev/null
  $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
for cmd in "${!NEEDED[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || {
    echo "$cmd is still missing after apt-get install ${NEEDED[$cmd]}" >&2
    exit 1
  }
done
