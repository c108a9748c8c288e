#!/usr/bin/env bash
# The gate can fail: in a scratch copy of the repository, ./test.sh (narrowed to the smallest test project)
#   - exits 0 and counts the test when it passes,
#   - exits non-zero and prints the failing test's name and full message when a test fails,
#   - exits non-zero when the code does not compile,
# and CI (.ci/run) runs exactly the test command the README gives. ./test.sh runs this script on every full run.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
scratch=$(mktemp -d "${TMPDIR:-/tmp}/community-gate.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

fail() { echo "FAIL: $*"; [ -f "$scratch/out.log" ] && { echo "--- test.sh output:"; cat "$scratch/out.log"; }; exit 1; }

# CI runs the README's command, and nothing else.
grep -qF './test.sh    # sets up and runs every test' "$repo/README.md" || fail "README no longer names ./test.sh as the test command"
[ "$(grep -vE '^\s*(#|$|set |cd )' "$repo/.ci/run")" = "exec ./test.sh" ] || fail ".ci/run does not run exactly ./test.sh"

# The working tree as it is (tracked and new files, not ignored ones such as bin/ and obj/).
cd "$repo"
git ls-files -z --cached --others --exclude-standard | while IFS= read -r -d '' file; do
  [ -f "$file" ] && { mkdir -p "$scratch/$(dirname "$file")"; cp -p "$file" "$scratch/$file"; }
done
cd "$scratch"
project=tests/Community.Media.Tests
message="gate-probe: this deliberate failure must stop the gate"
cat > "$project/GateProbeTests.cs" <<CS
namespace Community.Media.Tests;

public sealed class GateProbeTests
{
    [Fact]
    public void Gate_probe_passes() => Assert.True(true);

    [Fact]
    public void Gate_probe_fails() => Assert.Fail("$message");
}
CS

run() { TEST_PROJECTS="$project" TEST_FILTER="$1" ./test.sh > out.log 2>&1; }

echo "1. a passing test: exit 0"
run "FullyQualifiedName~GateProbeTests.Gate_probe_passes" || fail "exit code $? with only a passing test"
[ "$(tail -n 1 out.log)" = "1 passed, 0 failed, 0 skipped" ] || fail "wrong summary for a passing test"

echo "2. a failing test: non-zero exit, its name and full message printed"
if run "FullyQualifiedName~GateProbeTests"; then fail "exit code 0 with a failing test"; fi
[ "$(tail -n 1 out.log)" = "1 passed, 1 failed, 0 skipped" ] || fail "wrong summary for a failing test"
grep -q "FAILED Community.Media.Tests.GateProbeTests.Gate_probe_fails" out.log || fail "the failing test's name is not printed"
grep -qF "$message" out.log || fail "the failing test's message is not printed"
grep -qE "^ +at Community.Media.Tests.GateProbeTests.Gate_probe_fails" out.log || fail "the failing test's stack is not printed"
sed 's/^/   | /' out.log

echo "3. a build error: non-zero exit"
echo "namespace Community.Media.Tests; public sealed class Broken { public int X => \"not a number\"; }" > "$project/GateProbeBroken.cs"
if run "FullyQualifiedName~GateProbeTests"; then fail "exit code 0 although the build fails"; fi
grep -q "error CS0029" out.log || fail "the compiler error is not printed"
[ "$(tail -n 1 out.log)" = "0 passed, 1 failed, 0 skipped" ] || fail "wrong summary for a build failure"
echo "ok"
