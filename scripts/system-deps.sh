#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: PostgreSQL, Chromium, a CJK font, Java (for
# the linkage's Spark backend in local mode).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
fc-list 2>/dev/null | grep -qiE 'Noto (Sans|Serif) CJK|WenQuanYi' || need+=(fonts-noto-cjk fontconfig)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
