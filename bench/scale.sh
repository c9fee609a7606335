#!/usr/bin/env bash
# Scale by simulation: generate EVENTS (default 10,000,000) events, then time `outstanding` cold
# (no snapshot), warm, and `verify`, with peak memory; writes the figures into bench/RESULTS.md,
# replacing any earlier section for the same number of events.
set -euo pipefail
export CASETRAIL_WITNESS=off   # every generated log begins with the same first line, whatever its size
cd "$(dirname "$0")/.."
events="${EVENTS:-10000000}"
log="scratch/bench-${events}.jsonl"
mkdir -p scratch
rm -f "$log" "$log.snapshot" "$log.lines"
gen=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail-bench generate --events "$events" --out "$log" --seed 42 >/dev/null; } 2>&1 )
cold=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail outstanding --log "$log" --today 2030-01-01 --format json >/dev/null; } 2>&1 )
warm=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail outstanding --log "$log" --today 2030-01-01 --format json >/dev/null; } 2>&1 )
warm2=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail outstanding --log "$log" --today 2030-01-01 --format json >/dev/null; } 2>&1 )
checkpoint=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail checkpoint --log "$log" >/dev/null; } 2>&1 )
verify=$( { /usr/bin/time -f "%e s, peak %M KiB" .build/release/casetrail verify --log "$log" >/dev/null; } 2>&1 )
# Drop an earlier section for this size (from its heading to the next heading).
awk -v h="## Scale: $events events" 'index($0, h) == 1 { skip = 1; next } /^## / { skip = 0 } !skip && (NF || last) { print; last = NF }' bench/RESULTS.md > bench/RESULTS.md.new
mv bench/RESULTS.md.new bench/RESULTS.md
{
  echo
  echo "## Scale: $events events ($(du -m "$log" | cut -f1) MiB), $(date -u +%Y-%m-%d)"
  echo
  echo "- generate: $gen"
  echo "- outstanding, cold (full replay, then writes the snapshot): $cold"
  echo "- outstanding, warm (snapshot): $warm; again: $warm2"
  echo "- checkpoint, warm (snapshot and line index): $checkpoint"
  echo "- verify: $verify"
} >> bench/RESULTS.md
rm -f "$log" "$log.snapshot" "$log.lines"
tail -7 bench/RESULTS.md
