#!/usr/bin/env bash
# Story page hot path: a published content-file story served from the in-memory page cache.
# Usage: bench/publishing.sh [base-url]   (start the site first, e.g. in Release on 127.0.0.1:5199)
set -euo pipefail
BASE="${1:-http://127.0.0.1:5199}"
curl -fsS -o /dev/null "$BASE/spotlights/northwind-ops-self-serve"   # warm: render once, cache
wrk -t2 -c32 -d15s --latency "$BASE/spotlights/northwind-ops-self-serve"
