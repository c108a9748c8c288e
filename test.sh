#!/usr/bin/env bash
# Sets up and runs every test: unit, HTTP integration (SQLite and a real PostgreSQL), and browser tests
# (Playwright driving Debian's Chromium). Exits non-zero on any failure. Screenshots: artifacts/screenshots/.
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

need_dotnet
need_packages libvips42 chromium postgresql fonts-dejavu-core fonts-noto-color-emoji

# A local PostgreSQL for the provider tests: start the packaged cluster and a role that may create databases.
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h 2>/dev/null | grep -q .; then $SUDO pg_createcluster "$pg_version" main >/dev/null; fi
$SUDO pg_ctlcluster "$pg_version" main start 2>/dev/null || true
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
$SUDO runuser -u postgres -- psql -q -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='community') THEN CREATE ROLE community LOGIN SUPERUSER PASSWORD 'community'; END IF; END\$\$;" >/dev/null
export COMMUNITY_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=community;Password=community;Database=postgres"

echo "==> Building"
if ! dotnet build Community.sln -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly; then
  echo "0 passed, 1 failed"
  exit 1
fi

passed=0; failed=0; skipped=0; status=0
mkdir -p artifacts/test-results
for project in tests/Community.Media.Tests tests/Community.Tests tests/Community.BrowserTests; do
  echo "==> Testing ${project}"
  log="artifacts/test-results/$(basename "$project").log"
  dotnet test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal" \
    --logger "trx;LogFileName=$(basename "$project").trx" --results-directory artifacts/test-results 2>&1 | tee "$log" \
    | grep -E "^\s+(Failed|Skipped) [A-Za-z_]+\.[A-Za-z_.]+|Error Message|^Total tests|^\s+(Passed|Failed|Skipped): " || true
  rc=${PIPESTATUS[0]}
  # VSTest's closing block: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" as they apply.
  count() { grep -E "^\s+$1: +[0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || echo 0; }
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  if [ "$rc" -ne 0 ]; then status=1; grep -q "^Total tests" "$log" || failed=$((failed + 1)); fi
done

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
