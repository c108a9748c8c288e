# Shared by run.sh and test.sh: install what is missing, build, and say what is happening while it takes time.
# shellcheck shell=bash

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

# with_heartbeat CMD... — runs CMD; while it runs, prints a line every 20 s so a long step never looks hung.
with_heartbeat() {
  local started=$SECONDS ticks=0 pid rc
  "$@" &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    ticks=$((ticks + 1))
    if [ $((ticks % 20)) -eq 0 ] && kill -0 "$pid" 2>/dev/null; then echo "    ... still working ($((SECONDS - started)) s so far)" >&2; fi
  done
  wait "$pid"; rc=$?
  return $rc
}

# need_packages PKG... — installs the Debian packages that are not installed yet.
need_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installing Debian packages: ${missing[*]} (once; about a minute)"
  with_heartbeat $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  # -q keeps one line per package unpacked and set up: visible progress, not a wall of text.
  with_heartbeat $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    | grep --line-buffered -E "^(Unpacking|Setting up) " | sed -u 's/^/    /'
  return "${PIPESTATUS[0]}"
}

need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "The .NET 10 SDK is required (https://dot.net). Install it, then run this again." >&2
    exit 1
  fi
}

# build_all TARGET... — restores and builds in Release, one line per project as it completes.
build_all() {
  if compgen -G "src/*/obj/Release" >/dev/null; then
    echo "==> Building (Release)"
  else
    echo "==> Building (Release). The first build restores NuGet packages and compiles every project: about 1-2 minutes, longer on a busy machine."
  fi
  local target
  for target in "$@"; do
    with_heartbeat dotnet build "$target" -c Release -m:1 -nologo -v minimal -clp:NoSummary \
      | grep --line-buffered -vE "^(Build succeeded\.|    0 Warning\(s\)|    0 Error\(s\)|Time Elapsed.*|\s*)$"
    [ "${PIPESTATUS[0]}" -eq 0 ] || return 1
  done
}

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# need_test_postgres — the local PostgreSQL test.sh uses (packaged cluster, role community/community that may create
# databases), for bench/run.sh's scale-out area; exports COMMUNITY_BENCH_POSTGRES.
need_test_postgres() {
  need_packages postgresql
  if ! pg_isready -q -h 127.0.0.1; then
    echo "==> Starting PostgreSQL"
    local version
    version=$(ls /usr/lib/postgresql | sort -V | tail -1)
    if ! pg_lsclusters -h 2>/dev/null | grep -q .; then $SUDO pg_createcluster "$version" main >/dev/null; fi
    $SUDO pg_ctlcluster "$version" main start 2>/dev/null || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 && break; sleep 1; done
  fi
  (cd / && $SUDO runuser -u postgres -- psql -q -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='community')
    THEN CREATE ROLE community LOGIN SUPERUSER PASSWORD 'community'; END IF; END\$\$;" >/dev/null)
  export COMMUNITY_BENCH_POSTGRES="${COMMUNITY_BENCH_POSTGRES:-Host=127.0.0.1;Port=5432;Username=community;Password=community;Database=postgres}"
}
