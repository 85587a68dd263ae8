#!/usr/bin/env bash
# Install headless Chromium, its driver and a CJK font (Debian packages) for the report's browser test.
# Needs root and apt-get; elsewhere it says what to install and the browser test is skipped (but not under CI).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk"; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-zenhei >/dev/null
else
  echo "note: install chromium, chromium-driver and fonts-wqy-zenhei to run the report's browser test" >&2
fi
