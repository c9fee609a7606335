#!/usr/bin/env bash
# The database store at the benchmark's scale: a PostgreSQL cluster kept in scratch/pg-bench (made
# once, started for the run, stopped after), the benchmark log copied into it once with copy-log,
# then measured against the file by casetrail-bench run-database. Prints nothing but a skip line
# when PostgreSQL is not installed.
set -euo pipefail
cd "$(dirname "$0")/.."
log=$1
bin=""
for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && bin=$d; done
command -v initdb >/dev/null && bin=$(dirname "$(command -v initdb)")
if [ -z "$bin" ] || ! command -v psql >/dev/null; then
  echo "skipped: the database store (PostgreSQL is not installed; apt-get install -y postgresql)"
  exit 0
fi
dir=$PWD/scratch/pg-bench
as=()
if [ "$(id -u)" = 0 ]; then
  as=(runuser -u postgres --)
  chmod o+x scratch   # the server's account must reach its folder; the logs in scratch stay private files
fi
if [ ! -d "$dir/data" ]; then
  mkdir -p "$dir" && chmod 755 "$dir"
  [ ${#as[@]} = 0 ] || chown postgres "$dir"
  "${as[@]}" "$bin/initdb" -D "$dir/data" -A trust -U postgres -E UTF8 --locale=C >/dev/null
fi
"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "-k $dir -c listen_addresses=''" start >/dev/null
trap '"${as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null' EXIT
psql() { command psql -X -q -At -h "$dir" -U postgres "$@"; }
events=$(wc -l < "$log")
uri="postgresql:///bench?host=$dir&user=bench-admin"
if [ "$(psql -d bench -c 'SELECT count(*) >= '"$events"' FROM casetrail.events' 2>/dev/null)" != t ]; then
  psql -d postgres -c 'DROP DATABASE IF EXISTS bench' -c 'DROP ROLE IF EXISTS "bench-admin"' -c 'CREATE ROLE "bench-admin" LOGIN' \
       -c "CREATE DATABASE bench OWNER \"bench-admin\" ENCODING 'UTF8' TEMPLATE template0"
  start=$(date +%s)
  CASETRAIL_WITNESS=off .build/release/casetrail copy-log --log "$log" --to "$uri" >/dev/null
  echo "copy-log of $events lines into the database: $(( $(date +%s) - start )) s"
fi
CASETRAIL_WITNESS=off .build/release/casetrail-bench run-database --uri "$uri" --file "$log" --runs "${RUNS:-5}" --cache "$PWD/scratch/pg-cache"
