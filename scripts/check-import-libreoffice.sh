#!/usr/bin/env bash
# Saves Tests/Fixtures/business-plan.fods as CSV with LibreOffice Calc, as a partnership would (UTF-8
# with commas, and Windows-1252 with semicolons), imports each into a new log, and checks both give
# the same answer, with every character kept. Run by scripts/component-checks.sh when soffice is there.
set -euo pipefail
cd "$(dirname "$0")/.."
ct=${CASETRAIL_BIN:-.build/debug/casetrail}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
export CASETRAIL_WITNESS=off CASETRAIL_ACTOR=bu CASETRAIL_TODAY=2015-04-01 HOME="$dir"
soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):44,34,76' --outdir "$dir/utf8" Tests/Fixtures/business-plan.fods >/dev/null 2>&1
soffice --headless --convert-to 'csv:Text - txt - csv (StarCalc):59,34,1' --outdir "$dir/1252" Tests/Fixtures/business-plan.fods >/dev/null 2>&1
for kind in utf8 1252; do
  log="$dir/$kind.jsonl"
  "$ct" init --partnership "Medway" --code MSCB --log "$log" >/dev/null
  "$ct" agency add KP --name "Kent Police" --log "$log" >/dev/null
  "$ct" agency add KM-ICB --name "NHS Kent and Medway" --alias "NHS Medway" --log "$log" >/dev/null
  "$ct" review open MSCB-PLAN-2014 --kind external --title "Business Plan 2014-17" --on 2014-04-01 --log "$log" >/dev/null
  "$ct" import "$dir/$kind/business-plan.csv" --into MSCB-PLAN-2014 --log "$log" > "$dir/$kind.out"
  "$ct" outstanding --format json --log "$log" > "$dir/$kind.json"
  "$ct" show MSCB-PLAN-2014/R1/A1 --format json --log "$log" > "$dir/$kind.show"
done
grep -q "Recorded 18 events as one command" "$dir/utf8.out" || { cat "$dir/utf8.out"; echo "import of LibreOffice's UTF-8 CSV: not as expected" >&2; exit 1; }
grep -q "Windows-1252, semicolon-separated" "$dir/1252.out" || { cat "$dir/1252.out"; echo "LibreOffice's Windows-1252 CSV not read as such" >&2; exit 1; }
cmp -s "$dir/utf8.json" "$dir/1252.json" || { diff "$dir/utf8.json" "$dir/1252.json" | head; echo "the two saved forms imported differently" >&2; exit 1; }
grep -q '£2,000 budget agreed; children’s café consulted' "$dir/1252.show" && grep -q 'NHS Medway – Designated Nurse' "$dir/1252.show" \
  || { cat "$dir/1252.show"; echo "characters were lost in the Windows-1252 import" >&2; exit 1; }
echo "import: LibreOffice's UTF-8 and Windows-1252 CSVs of the business plan give the same log"
