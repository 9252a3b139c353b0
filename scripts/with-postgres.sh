#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server on 127.0.0.1, exporting PG_ADMIN_URL (a superuser-less role
# allowed to create databases). The cluster lives in a temporary folder and is removed afterwards.
# PostgreSQL refuses to run as root, so the server runs as the system user `guichetpg`.
set -euo pipefail
port="${PG_PORT:-55432}"
initdb=$(command -v initdb || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
pg_ctl="$(dirname "$initdb")/pg_ctl"
[ -x "$initdb" ] || { echo "initdb not found: install postgresql" >&2; exit 1; }
id guichetpg >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin guichetpg
dir=$(mktemp -d /tmp/guichet-pg.XXXXXX)
chown guichetpg "$dir"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u guichetpg -- "$@"; else "$@"; fi; }
as_pg "$initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
# When the command fails, the server's own account of its errors goes to stderr: a client only sees
# "PSQLError – Generic description", which hides the cause.
stop() {
  local rc=$?
  as_pg "$pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  if [ "$rc" != 0 ] && [ -f "$dir/server.log" ]; then
    echo "--- PostgreSQL server errors (last 60) ---" >&2
    grep -E -A1 "ERROR|FATAL|PANIC" "$dir/server.log" | cut -c1-400 | tail -n 60 >&2 || true
  fi
  rm -rf "$dir"
}
trap stop EXIT
as_pg "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=${PG_FSYNC:-off}" start >/dev/null
psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE ROLE guichet LOGIN CREATEDB PASSWORD 'guichet'"
# The tests drop their databases WITH (FORCE), which ends the sessions still on them; one may be an autovacuum
# worker, which only pg_signal_backend's members may end (without it the drop failed now and then).
psql -h 127.0.0.1 -p "$port" -U postgres -q -c "GRANT pg_signal_backend TO guichet"
psql -h 127.0.0.1 -p "$port" -U postgres -q -c "CREATE DATABASE guichet OWNER guichet"
export PG_ADMIN_URL="postgres://guichet:guichet@127.0.0.1:$port/postgres"
export PG_DATABASE_URL="postgres://guichet:guichet@127.0.0.1:$port/guichet"
"$@"
