#!/usr/bin/env bash
# Headless Chromium and ChromeDriver for the web tests (tests/web): Debian's packages,
# installed if missing. Prints the path of chromedriver.
set -euo pipefail
if ! [ -x /usr/bin/chromedriver ] || ! [ -x /usr/bin/chromium ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "the web tests need Debian's chromium and chromium-driver: sudo apt-get install chromium chromium-driver" >&2
    exit 1
  fi
  echo "installing Chromium and ChromeDriver (Debian packages)" >&2
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
fi
echo /usr/bin/chromedriver
