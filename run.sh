#!/usr/bin/env bash
# Sets up and runs Community on one machine: SQLite under data/, mail as .eml files under data/mail/.
#   ./run.sh                 demo community on http://127.0.0.1:5000
#   ./run.sh --no-demo       empty site (create the first admin with --Admin:Email=... --Admin:Password=...)
#   ./run.sh --port 8080     another port; any other --Key=Value is passed to the app as configuration
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
    --port) port="$2"; shift ;;
    --port=*) port="${1#--port=}" ;;
    *) args+=("$1") ;;
  esac
  shift
done

need_dotnet
need_packages libvips42
echo "==> Building (Release)"
dotnet build src/Community.Web/Community.Web.csproj -c Release -m:1 -nologo -v quiet -clp:ErrorsOnly

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
exec dotnet src/Community.Web/bin/Release/net10.0/Community.Web.dll \
  --contentRoot "$PWD/src/Community.Web" --urls "http://127.0.0.1:${port}" --Site:PublicBaseUrl="http://127.0.0.1:${port}" \
  --Demo:Seed="$demo" "${args[@]}"
