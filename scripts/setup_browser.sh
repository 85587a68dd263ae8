#!/usr/bin/env bash
# Install headless Chromium, its driver, a CJK font and pdftotext (Debian packages) for the report's PDF output
# and its browser and PDF tests.
# Needs root and apt-get; elsewhere it says what to install and the browser test is skipped (but not under CI).
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null && fc-list 2>/dev/null | grep -qi "wenquanyi\|noto sans cjk" \
   && command -v pdftotext >/dev/null; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends chromium chromium-driver fonts-wqy-zenhei poppler-utils >/dev/null
else
  echo "note: install chromium, chromium-driver, fonts-wqy-zenhei and poppler-utils to print reports to PDF and run the report's browser tests" >&2
fi
