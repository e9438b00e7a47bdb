#!/usr/bin/env bash
# Installs the Debian packages the tests need when they are missing: PostgreSQL, Chromium, a CJK font,
# LibreOffice (Word → PDF for the reports), cairo (their charts), poppler (pdftoppm, pdffonts: the PDF checks)
# and Java (the linkage's Spark backend in local mode).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
# Read the font list once: `fc-list | grep -q` fails under pipefail when grep stops reading early (SIGPIPE).
fonts=$(fc-list 2>/dev/null || true)
command -v fc-list >/dev/null 2>&1 || need+=(fontconfig)
# The pages use Noto Sans CJK; the reports' 仿宋/小标宋 fall back to Noto Serif CJK (both in fonts-noto-cjk).
grep -qi 'Noto Serif CJK' <<<"$fonts" && grep -qi 'Noto Sans CJK' <<<"$fonts" || need+=(fonts-noto-cjk)
command -v soffice >/dev/null 2>&1 || need+=(libreoffice-writer-nogui)
libs=$(ldconfig -p 2>/dev/null || true)
grep -q 'libcairo.so.2' <<<"$libs" || need+=(libcairo2)  # cairosvg draws the reports' charts
command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
command -v java >/dev/null 2>&1 || need+=(default-jre-headless)
if ((${#need[@]})); then
  echo "installing Debian packages: ${need[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
