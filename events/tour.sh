#!/usr/bin/env bash
# A guided tour of the demo partnership's log, run by `make demo` on a scratch copy of events/demo.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
CT=${CASETRAIL:-.build/release/casetrail}
export CASETRAIL_LOG=${1:-scratch/demo/demo.jsonl}
export CASETRAIL_ACTOR=scrutineer   # the Independent Scrutineer: an auditor, who may read but not write
today=2023-06-01                    # the Executive meeting of 1 June 2023

# Commands in bold on a terminal, plain when the output goes to a file.
if [ -t 1 ]; then bold=$'\033[1m'; plain=$'\033[0m'; else bold=''; plain=''; fi
step() { printf '\n%s$ casetrail %s%s\n' "$bold" "$*" "$plain"; "$CT" "$@"; }

echo "casetrail demo: Medway's case reviews 2009-2023, replayed from $(wc -l < "$CASETRAIL_LOG") events in $CASETRAIL_LOG"
step reviews
step outstanding --today $today --group-by agency
step overdue --today $today
papers=$(dirname "$CASETRAIL_LOG")
echo; echo "The Executive's papers for its meeting (the first lines; the whole paper is in $papers/executive-$today.md, and as HTML for A4):"
printf '%s$ casetrail report meeting --for executive --since 2023-03-01 --today %s%s\n' "$bold" "$today" "$plain"
"$CT" report meeting --for executive --since 2023-03-01 --today $today > "$papers/executive-$today.md"
"$CT" report meeting --for executive --since 2023-03-01 --today $today --format html > "$papers/executive-$today.html"
sed -n '1,32p' "$papers/executive-$today.md"
echo "…"
echo; echo "Reminders to the agency leads of what they owe before the next meeting (nothing is recorded):"
step remind --within 30 --today $today --out "$papers/reminders"
step show MSCP-RR-2021-02 --today $today
step timeliness --year 2021-22
step history MSCB-OFSTED-2015/R4/A2.10
checkpoint=$(cat events/demo-2016-checkpoint.txt)
seq=${checkpoint#*seq=}; seq=${seq%% *}
echo; echo "What the Board could have seen at its April 2016 meeting (the log up to line $seq):"
step outstanding --as-of "seq:$seq" --today 2016-04-15
step verify --checkpoint "$checkpoint"
step checkpoint
echo; echo "What an inspector is given for one action: its lines, each proven to be in that checkpoint's log, and nothing else:"
now=$("$CT" checkpoint)
rm -f "$papers/action.proof"
step prove MSCP-AUD-2022-02/R1/A1 --checkpoint "$now" --out "$papers/action.proof"
step verify-proof "$papers/action.proof" --checkpoint "$now"
echo; echo "An auditor cannot write (exit status 1, nothing appended):"
printf '%s$ casetrail action withdraw MSCP-EXT-2023-01/R1/A1 --reason test%s\n' "$bold" "$plain"
"$CT" action withdraw MSCP-EXT-2023-01/R1/A1 --reason test || echo "(exit status $?)"
echo; echo "Try: $CT help   (with CASETRAIL_LOG=$CASETRAIL_LOG${CASETRAIL_WITNESS:+ CASETRAIL_WITNESS=$CASETRAIL_WITNESS})"
