#!/usr/bin/env bash
# The benchmark: builds Release, starts the real site on a temp database, drives it with wrk and the
# project's own HTTP / SignalR WebSocket clients, and prints a table (also written to artifacts/bench.md).
#   bench/run.sh [--seconds 10] [--stream-seconds 60] [--search-posts 1000000]
#                [--only site,media,forums,referrals,publishing,members,search,memory,live]
# Every row is printed with its ratio to a reference measured in the same run (bench/Reference, a minimal ASP.NET Core app).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prereqs.sh
need_dotnet
need_packages wrk
ulimit -n 65536 2>/dev/null || ulimit -n 16384 2>/dev/null || true  # thousands of WebSocket viewers
dotnet build src/Community.Web/Community.Web.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Community.Bench/Community.Bench.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
dotnet build bench/Reference/Community.Bench.Reference.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly
mkdir -p artifacts
exec dotnet bench/Community.Bench/bin/Release/net10.0/Community.Bench.dll --repo "$PWD" --out artifacts/bench.md "$@"
