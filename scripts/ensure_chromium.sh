#!/usr/bin/env bash
# Installs Debian's `chromium` when no Chromium is on PATH; the HTML report tests
# (tests/report/test_browser.py) open the report in it, headless. Needs root (or sudo) and apt.
set -euo pipefail
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then
    echo "chromium: $(command -v "$b") ($("$b" --version 2>/dev/null | head -1))"
    exit 0
  fi
done
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq chromium >/dev/null
echo "chromium: $(command -v chromium) ($(chromium --version 2>/dev/null | head -1))"
