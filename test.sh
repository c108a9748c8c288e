#!/usr/bin/env bash
# Sets up and runs every test: unit, HTTP integration (SQLite and a real PostgreSQL), browser tests (Playwright driving
# Debian's Chromium) and the script tests in tests/scripts/. Exits non-zero on any failing test and on a build failure;
# each failing test is printed with its message and the top of its stack. Screenshots: artifacts/screenshots/.
#   ./test.sh                                              everything (what CI runs)
#   TEST_PROJECTS="tests/Community.Media.Tests" ./test.sh   only these test projects (space-separated), no script tests
#   TEST_FILTER="FullyQualifiedName~Referral" ./test.sh     only matching tests (dotnet test --filter syntax)
set -uo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

read -r -a projects <<< "${TEST_PROJECTS:-tests/Community.Media.Tests tests/Community.Tests tests/Community.BrowserTests}"
filter="${TEST_FILTER:-}"

need_dotnet
need_packages chromium postgresql nginx redis-server fonts-dejavu-core fonts-noto-color-emoji python3-aiosmtpd

# The real OpenID Provider the SSO tests sign in at (tests/oidc-provider; versions pinned by its package-lock.json).
command -v npm >/dev/null 2>&1 || need_packages nodejs npm
oidc=tests/oidc-provider
if [ ! -f $oidc/node_modules/.package-lock.json ] || [ $oidc/package-lock.json -nt $oidc/node_modules/.package-lock.json ]; then
  echo "==> Installing the test OpenID Provider (npm ci in $oidc)"
  (cd $oidc && npm ci --no-audit --no-fund --loglevel=error) || { echo "npm ci failed in $oidc"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
fi

# A local PostgreSQL for the provider tests: start the packaged cluster and a role that may create databases.
if ! pg_isready -q -h 127.0.0.1; then
  echo "==> Starting PostgreSQL"
  pg_version=$(ls /usr/lib/postgresql | sort -V | tail -1)
  if ! pg_lsclusters -h 2>/dev/null | grep -q .; then $SUDO pg_createcluster "$pg_version" main >/dev/null; fi
  $SUDO pg_ctlcluster "$pg_version" main start 2>/dev/null || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
fi
role="DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='community')
  THEN CREATE ROLE community LOGIN SUPERUSER PASSWORD 'community'; END IF; END\$\$;"
(cd / && $SUDO runuser -u postgres -- psql -q -c "$role" >/dev/null) # from /: postgres may not read the current folder
export COMMUNITY_TEST_POSTGRES="Host=127.0.0.1;Port=5432;Username=community;Password=community;Database=postgres"

# Only the projects under test are built when TEST_PROJECTS narrows the run (the script tests rely on that to stay cheap).
targets=(Community.sln)
if [ -n "${TEST_PROJECTS:-}" ]; then targets=("${projects[@]}"); fi
build_all "${targets[@]}" || { echo; echo "Build failed (errors above)."; echo "0 passed, 1 failed, 0 skipped"; exit 1; }

passed=0; failed=0; skipped=0; status=0
results=artifacts/test-results
mkdir -p "$results"
for project in "${projects[@]}"; do
  name=$(basename "$project")
  log="$results/$name.log"
  echo "==> Testing ${name} (failures are listed as they happen; full log: ${log})"
  args=(test "$project" -c Release --no-build -nologo --logger "console;verbosity=normal"
    --logger "trx;LogFileName=$name.trx" --results-directory "$results")
  if [ -n "$filter" ]; then args+=(--filter "$filter"); fi
  started=$SECONDS
  dotnet "${args[@]}" > "$log" 2>&1 &
  runner=$!
  # Follow the log while the run lasts: the names of failing tests show at once, not only at the end.
  tail -n +1 -f --pid="$runner" "$log" 2>/dev/null | grep --line-buffered -E "^  Failed [^ ]" &
  follower=$!
  ticks=0
  while kill -0 "$runner" 2>/dev/null; do
    sleep 1; ticks=$((ticks + 1))
    if [ $((ticks % 30)) -eq 0 ]; then
      echo "    ... $(grep -cE "^  (Passed|Failed|Skipped) [^ ]" "$log") tests done after $((SECONDS - started)) s"
    fi
  done
  wait "$runner"; rc=$?
  wait "$follower" 2>/dev/null
  # VSTest's closing block: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" as they apply.
  count() { grep -E "^\s+$1: +[0-9]+" "$log" | tail -1 | grep -oE "[0-9]+" || echo 0; }
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
  echo "    ${p} passed, ${f} failed, ${s} skipped in $((SECONDS - started)) s"
  if [ "$rc" -ne 0 ] || [ "$f" -ne 0 ]; then
    status=1
    if ! grep -q "^Total tests" "$log"; then
      # The run did not finish (a crashed or hung test host, or no tests found): count it and show why.
      failed=$((failed + 1))
      echo "    ${name}: the test run did not complete (exit code ${rc}). Last lines of ${log}:"
      tail -n 30 "$log" | sed 's/^/      /'
    fi
    scripts/test-failures.sh "$log"
  fi
done

# Script tests (the gate proving it can fail, ...): each is one test, run only on full runs so they cannot recurse.
if [ -z "${TEST_PROJECTS:-}" ] && [ -z "$filter" ]; then
  for script in tests/scripts/*.sh; do
    log="$results/$(basename "$script" .sh).log"
    echo "==> Testing ${script}"
    if bash "$script" > "$log" 2>&1; then
      passed=$((passed + 1)); echo "    passed"
    else
      failed=$((failed + 1)); status=1
      echo "  Failed ${script}"
      tail -n 40 "$log" | sed 's/^/      /'
    fi
  done
fi

echo
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
exit $status
