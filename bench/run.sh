#!/usr/bin/env bash
# Generates a realistic log (once) and measures the release binary on it, writing bench/RESULTS.md.
set -euo pipefail
export CASETRAIL_WITNESS=off   # generated logs are rewritten with the same first line
cd "$(dirname "$0")/.."
events="${EVENTS:-1000000}"
log="scratch/bench-${events}.jsonl"
mkdir -p scratch
[ -f "$log" ] || .build/release/casetrail-bench generate --events "$events" --out "$log" --seed 42
# The scripted alternative: Python with orjson (PyPI), installed for this user when missing.
orjson=()
if command -v python3 >/dev/null; then
  python3 -c 'import orjson' 2>/dev/null || python3 -m pip install --quiet --user orjson >/dev/null 2>&1 || python3 -m pip install --quiet orjson >/dev/null 2>&1 || true
  python3 -c 'import orjson' 2>/dev/null && orjson=(--orjson bench/orjson-replay.py)
fi
out=$(.build/release/casetrail-bench run --log "$log" --runs "${RUNS:-5}" "${orjson[@]}")
# The database store, on the same log, when PostgreSQL is installed.
database=$(bench/database.sh "$log" 2>&1) || database="the database store could not be measured: $database"
# Keep every section below the run itself (scale runs, comparisons) from the previous results.
scale=$( [ -f bench/RESULTS.md ] && sed -n '/^## /,$p' bench/RESULTS.md || true )
{
  echo "# casetrail benchmark"
  echo
  echo "- date: $(date -u +%Y-%m-%dT%H:%MZ)"
  echo "- machine: $(uname -srm), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(free -g | awk '/Mem:/ {print $2}') GiB"
  echo "- log: $events events, $(du -m "$log" | cut -f1) MiB, generated with seed 42"
  echo
  echo "$out"
  echo
  echo "The database store (PostgreSQL $(command psql --version 2>/dev/null | awk '{print $3}'), a local cluster on a Unix socket):"
  echo
  echo '```'
  echo "$database"
  echo '```'
  [ -z "$scale" ] || { echo; echo "$scale"; }
} > bench/RESULTS.md
cat bench/RESULTS.md
