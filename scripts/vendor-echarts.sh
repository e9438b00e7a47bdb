#!/usr/bin/env bash
# Vendor Apache ECharts from its npm release into the package's static files (run by hand to update; the
# result is committed, so nothing is downloaded at install or run time).
set -euo pipefail
version="${1:?usage: scripts/vendor-echarts.sh VERSION (e.g. 6.1.0)}"
target="$(dirname "$0")/../src/eduplan/web/static/vendor/echarts"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "echarts@$version" >/dev/null && tar xzf "echarts-$version.tgz")
cp "$work/package/dist/echarts.min.js" "$target/"
cp "$work/package/LICENSE" "$target/LICENSE.txt"
cp "$work/package/NOTICE" "$target/NOTICE.txt"
sed -i "s/ECharts [0-9.]* (vendored)/ECharts $version (vendored)/; s/echarts@[0-9.]*/echarts@$version/" "$target/README.md"
echo "ECharts $version vendored into $target"
