#!/usr/bin/env bash
# The benchmark: builds Release, starts the real site on a temp database, drives it with wrk and the
# project's own HTTP / SignalR WebSocket clients, and prints a table (also written to artifacts/bench.md).
#   bench/run.sh [--seconds 10] [--stream-seconds 180] [--search-posts 1000000] [--postgres <conn>] [--pg-search-posts 100000]
#                [--only site,media,forums,referrals,publishing,members,requestlog,sync,embed,sso,search,memory,live,scaleout,forumspg,
#                        webhooks,billing,cache,drill,digests,ideas,kb,lifecycle,recognition,insights] [--baseline [<git-rev>]]
# Every row is printed with its ratio to a reference measured in the same run (bench/Reference, a minimal ASP.NET Core app).
# --baseline also builds <git-rev> (default: the merge base with main, or HEAD~1 on main itself) in a temporary git worktree
# under /tmp, runs the same scenarios on it first, and prints each row's ratio to that previous build ("vs previous").
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
need_dotnet
need_packages wrk
ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null || true  # thousands of WebSocket viewers
baseline="" args=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --baseline=*) baseline="${1#--baseline=}"; shift ;;
    --baseline) if [[ $# -gt 1 && "$2" != --* ]]; then baseline="$2"; shift 2; else baseline="default"; shift; fi ;;
    *) args+=("$1"); shift ;;
  esac
done
if [[ -n "$baseline" ]]; then
  if [[ "$baseline" == default ]]; then
    base=$(git merge-base HEAD main 2>/dev/null || true)
    if [[ -z "$base" || "$base" == "$(git rev-parse HEAD)" ]]; then base=$(git rev-parse HEAD~1); fi
    baseline="$base"
  fi
  rev=$(git rev-parse --verify "${baseline}^{commit}")
  tree="/tmp/community-baseline-${rev:0:12}"
  if [[ ! -d "$tree/src" ]]; then
    echo "Building the previous build ${rev:0:12} in a temporary worktree at $tree (remove: git worktree remove --force $tree)"
    git worktree add --detach "$tree" "$rev" >/dev/null
  fi
  dotnet build "$tree/src/Community.Web/Community.Web.csproj" -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
  args+=(--baseline-repo "$tree" --baseline-rev "$(git log -1 --format='%h %s' "$rev" | cut -c1-60)")
fi
# These areas run servers on the test PostgreSQL (the cluster and role test.sh uses).
if [[ " ${args[*]} " != *" --only "* ]] || [[ " ${args[*]} " =~ scaleout|forumspg|search|cache ]]; then need_test_postgres; fi
dotnet build src/Community.Web/Community.Web.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Community.Bench/Community.Bench.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Reference/Community.Bench.Reference.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
mkdir -p artifacts
exec dotnet bench/Community.Bench/bin/Release/net10.0/Community.Bench.dll --repo "$PWD" --out artifacts/bench.md "${args[@]}"
