#!/usr/bin/env bash
# Install a Java runtime (Debian's default-jre-headless, OpenJDK 17 on bookworm) for the Spark tests.
# Needs root and apt-get; elsewhere it says what to install and the Spark tests are skipped (but not under CI).
set -euo pipefail
if command -v java >/dev/null && java -version >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  # the JRE's postinst needs the man directory that slim images leave out
  mkdir -p /usr/share/man/man1
  apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
else
  echo "note: install a Java runtime 17 or later (Debian: default-jre-headless) to run the Spark tests" >&2
fi
