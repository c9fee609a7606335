#!/usr/bin/env bash
# Renders the annual report's HTML in headless Chromium (Debian's package) and checks a picture came out.
# Usage: scripts/check-report-html.sh [LOG] [YEAR]   (default: the demo log, 2022-23)
set -euo pipefail
cd "$(dirname "$0")/.."
log="${1:-events/demo.jsonl}"
year="${2:-2022-23}"
command -v chromium >/dev/null || { echo "chromium is not installed: apt-get install -y chromium" >&2; exit 2; }
swift build -c release --static-swift-stdlib --product casetrail >/dev/null
mkdir -p scratch/report
.build/release/casetrail report annual --year "$year" --format html --log "$log" --today 2023-06-01 > scratch/report/annual.html
rm -f scratch/report/annual.png
timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1100,2000 \
  --screenshot=scratch/report/annual.png scratch/report/annual.html 2>scratch/report/chromium.log
size=$(stat -c %s scratch/report/annual.png)
[ "$size" -gt 20000 ] || { echo "the rendered page is suspiciously small ($size bytes)" >&2; exit 1; }
echo "rendered scratch/report/annual.html to scratch/report/annual.png ($size bytes)"
