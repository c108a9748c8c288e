#!/usr/bin/env bash
# Prints every failing test from a `dotnet test --logger "console;verbosity=normal"` log: its name, its whole error
# message and the first lines of its stack trace (the rest is in the log and the .trx file beside it).
# Usage: scripts/test-failures.sh LOG [STACK_LINES]
set -euo pipefail
log="$1"; stack_lines="${2:-12}"
awk -v max="$stack_lines" '
  function stop() { if (block && cut) print "        ... (stack trimmed; see " FILENAME ")"; block = 0; section = ""; }
  /^  (Passed|Failed|Skipped) [^ ]/ || /^\[xUnit\.net / || /^(Test Run|Total tests|Results File|A total of)/ { stop() }
  /^  Failed [^ ]/ { block = 1; cut = 0; shown = 0; print ""; print "  FAILED " substr($0, 10); next }
  !block { next }
  /^  Error Message:/ { section = "message"; print "    Error message:"; next }
  /^  Stack Trace:/ { section = "stack"; print "    Stack trace:"; next }
  /^  (Standard Output|Standard Error) Messages:/ { section = "output"; next }
  section == "message" { print "      " $0; next }
  section == "stack" { if (++shown <= max) print "      " $0; else cut = 1; next }
  END { stop() }
' "$log"
