#!/usr/bin/env bash
# Starts a throw-away PostgreSQL on loopback for the tests: scripts/postgres.sh start|stop [PORT].
set -euo pipefail
action=${1:-start}; port=${2:-54329}
data=/tmp/eduplan-pg-$port
bindir=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -n 1)")
run() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd --system --home /var/lib/postgresql postgres; fi
case $action in
  start)
    if run "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then exit 0; fi
    if [ ! -s "$data/PG_VERSION" ]; then
      rm -rf "$data"; mkdir -p "$data"; [ "$(id -u)" = 0 ] && chown postgres "$data"
      run "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    run "$bindir/pg_ctl" -D "$data" -l "$data/log" -w -o "-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    echo "PostgreSQL on 127.0.0.1:$port" ;;
  stop) run "$bindir/pg_ctl" -D "$data" -m fast stop ;;
esac
