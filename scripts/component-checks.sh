#!/usr/bin/env bash
# The checks that need a real component installed, run by `make test` whenever it is there; each
# says in one line when it is skipped. With CASETRAIL_REQUIRE_COMPONENTS=1 (as .ci/run sets) a
# missing component fails instead.
set -euo pipefail
cd "$(dirname "$0")/.."
export CASETRAIL_BIN=${CASETRAIL_BIN:-.build/debug/casetrail}
status=0
if command -v soffice >/dev/null; then
  scripts/check-csv-formulas.sh || status=1
  scripts/check-import-libreoffice.sh || status=1
elif [ "${CASETRAIL_REQUIRE_COMPONENTS:-0}" = 1 ]; then
  echo "LibreOffice is required here but not installed (apt-get install -y libreoffice-calc)" >&2; status=1
else
  echo "skipped: the CSV export check in LibreOffice Calc (not installed; apt-get install -y libreoffice-calc)"
fi
# The HTML papers are checked in headless Chromium by the Swift tests (BrowserTests) when it is here.
if ! command -v chromium >/dev/null && ! command -v chromium-browser >/dev/null && ! command -v google-chrome >/dev/null && [ -z "${CASETRAIL_CHROMIUM:-}" ]; then
  if [ "${CASETRAIL_REQUIRE_COMPONENTS:-0}" = 1 ]; then
    echo "Chromium is required here but not installed (apt-get install -y chromium)" >&2; status=1
  else
    echo "skipped: the HTML report and meeting paper checks in headless Chromium (not installed; apt-get install -y chromium)"
  fi
fi
# Signed checkpoints are checked through OpenSSH's ssh-keygen by the Swift tests (SignedCheckpointTests).
if ! command -v ssh-keygen >/dev/null; then
  if [ "${CASETRAIL_REQUIRE_COMPONENTS:-0}" = 1 ]; then
    echo "ssh-keygen is required here but not installed (apt-get install -y openssh-client)" >&2; status=1
  else
    echo "skipped: the signed checkpoint checks (ssh-keygen not installed; apt-get install -y openssh-client)"
  fi
fi
exit $status
