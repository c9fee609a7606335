#!/usr/bin/env bash
# Opens casetrail's CSV exports in headless LibreOffice Calc (Debian's libreoffice-calc) and checks
# that no cell became a formula, however the stored text begins. A control file with a plain
# formula is opened first, to show that LibreOffice does evaluate formulas on this machine.
# Usage: scripts/check-csv-formulas.sh   (CASETRAIL_BIN: the binary to check; default: a release build)
set -euo pipefail
cd "$(dirname "$0")/.."
command -v soffice >/dev/null || { echo "LibreOffice is not installed: apt-get install -y libreoffice-calc" >&2; exit 2; }
ct=${CASETRAIL_BIN:-}
if [ -z "$ct" ]; then swift build -c release --static-swift-stdlib --product casetrail >/dev/null; ct=.build/release/casetrail; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export CASETRAIL_LOG="$work/log.jsonl" CASETRAIL_TODAY=2023-06-01 CASETRAIL_WITNESS=off
formulas() { timeout 180 soffice --headless --convert-to fods --outdir "$work" "$1" >/dev/null 2>&1; grep -c 'table:formula=' "${1%.csv}.fods" || true; }

printf 'a,b\r\n=1+1,"=HYPERLINK(""http://example.org"",""x"")"\r\n' > "$work/control.csv"
[ "$(formulas "$work/control.csv")" -ge 2 ] || { echo "LibreOffice did not evaluate the control file's formulas: this check would prove nothing" >&2; exit 1; }

$ct init --partnership "Check" --code CHK >/dev/null
$ct agency add EVIL --name '=cmd|'"'"'/C calc'"'"'!A0' >/dev/null
$ct review open CHK-LLR-2023-01 --kind llr --title '@SUM(1+1)' --on 2023-03-01 >/dev/null
$ct rec add CHK-LLR-2023-01 R1 --text '+1+1' --on 2023-03-01 >/dev/null
n=0
for text in '=HYPERLINK("http://example.org","click")' '+1+1' '-1+1' '@SUM(A1:A2)' $'\t=1+1' '=1+1' 'Plain text'; do   # a bare CR is refused as input
  n=$((n + 1))
  $ct action add CHK-LLR-2023-01/R1 "A$n" --text "$text" --owner EVIL --lead "=1+$n" --due 2023-09-30 --on 2023-03-01 --again >/dev/null   # two texts differ only by a tab
  $ct action update "CHK-LLR-2023-01/R1/A$n" --note "-$n+1" --rag amber >/dev/null
done
$ct export --format csv > "$work/export.csv"
$ct outstanding --format csv > "$work/outstanding.csv"
$ct reviews --format csv > "$work/reviews.csv"
$ct agencies --format csv > "$work/agencies.csv"
for f in export outstanding reviews agencies; do
  found=$(formulas "$work/$f.csv")
  [ "$found" = 0 ] || { echo "$f.csv: LibreOffice read $found cells as formulas" >&2; exit 1; }
  echo "$f.csv: no formulas in LibreOffice Calc"
done
