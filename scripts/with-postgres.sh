#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL cluster for the database tests, whenever the server's
# programs are installed (on PATH, or /usr/lib/postgresql/*/bin): initdb into a temporary folder,
# listening only on a Unix socket inside it, stopped and removed afterwards. The command sees
# CASETRAIL_TEST_PGHOST (the socket's folder) and CASETRAIL_TEST_PGUSER (the cluster's superuser).
# Without the programs it says so in one line and runs the command anyway (the database tests then
# skip themselves), unless CASETRAIL_REQUIRE_COMPONENTS=1, when that is a failure.
set -euo pipefail

# CASETRAIL_POSTGRES_BIN names the folder of the server's programs instead (a missing one: as if not installed).
bin=""
if [ -n "${CASETRAIL_POSTGRES_BIN+set}" ]; then
  [ -x "$CASETRAIL_POSTGRES_BIN/initdb" ] && bin=$CASETRAIL_POSTGRES_BIN
elif command -v initdb >/dev/null && command -v pg_ctl >/dev/null; then
  bin=$(dirname "$(command -v initdb)")
else
  for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
fi
if [ -z "$bin" ] || ! command -v psql >/dev/null; then
  unset CASETRAIL_TEST_PGHOST CASETRAIL_TEST_PGUSER
  if [ "${CASETRAIL_REQUIRE_COMPONENTS:-0}" = 1 ]; then
    echo "PostgreSQL is required here but not installed (apt-get install -y postgresql)" >&2
    exit 1
  fi
  echo "skipped: the database tests (PostgreSQL is not installed; apt-get install -y postgresql, or brew install postgresql)"
  exec "$@"
fi

dir=$(mktemp -d /tmp/casetrail-pg.XXXXXX)
chmod 755 "$dir"
# initdb refuses to run as root: the cluster then runs as an unprivileged account.
as=()
if [ "$(id -u)" = 0 ]; then
  owner=postgres
  id "$owner" >/dev/null 2>&1 || owner=nobody
  chown "$owner" "$dir"
  as=(runuser -u "$owner" --)
fi
stop() {
  "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U casetrail_test -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 \
  || { cat "$dir/initdb.log" >&2; exit 1; }
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c max_connections=300 -c fsync=on" start >/dev/null \
  || { cat "$dir/server.log" >&2; exit 1; }
export CASETRAIL_TEST_PGHOST=$dir CASETRAIL_TEST_PGUSER=casetrail_test
"$@"
