#!/usr/bin/env bash
# Sets up and runs Community on one machine: SQLite under data/, mail as .eml files under data/mail/.
#   ./run.sh                 demo community on http://127.0.0.1:5000 (sign-in printed below)
#   ./run.sh --no-demo       a real, empty site (create the first admin with --Admin:Email=... --Admin:Password=...);
#                            refuses to start on a data/ folder that holds the demo: delete data/ first
#   ./run.sh --port 8080     another port (or PORT=8080 ./run.sh); --port wins over PORT
#   ./run.sh --Key=Value     any other setting, passed to the app as configuration (see README: Configuration)
#   ./run.sh --help          this text
#   (links in mails and feeds use http://127.0.0.1:PORT; pass --Site:PublicBaseUrl=https://... for another address)
set -euo pipefail
cd "$(dirname "$0")"
source scripts/prereqs.sh

port="${PORT:-5000}"
demo=true
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-demo) demo=false ;;
    --port) port="${2:-}"; shift $(( $# > 1 ? 1 : 0 )) ;;
    --port=*) port="${1#--port=}" ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) args+=("$1") ;;
  esac
  shift
done

case "$port" in ''|*[!0-9]*) echo "--port and PORT take a number, not '${port}'." >&2; exit 2 ;; esac

need_dotnet
build_all src/Community.Web/Community.Web.csproj || { echo "Build failed (errors above)." >&2; exit 1; }

cat <<MSG

  Community is starting on http://127.0.0.1:${port}
MSG
if [ "$demo" = true ]; then
  cat <<MSG
  Demo community: sign in as admin@demo.community with password demo-community-2026
  (other demo people: mo@, mia@, ana@, ben@, chloe@, dev@demo.community, same password).
  Start with --no-demo for a real site.
MSG
fi
cat <<MSG
  Database: data/community.db   Mail: data/mail/*.eml   Stop with Ctrl+C.

MSG
# Every live viewer holds a socket: take the hard open-file limit where we may (the server sizes its connection ceiling from it).
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
exec dotnet src/Community.Web/bin/Release/net10.0/Community.Web.dll \
  --contentRoot "$PWD/src/Community.Web" --urls "http://127.0.0.1:${port}" --Site:PublicBaseUrl="http://127.0.0.1:${port}" \
  --Demo:Seed="$demo" "${args[@]}"
