#!/usr/bin/env bash
# Several processes on one PostgreSQL (issue 13, section 3), on one release build:
# - API submissions per second with one process taking 16 connections, and with two processes on the same
#   database taking 8 each at once (their sum), alternated ROUNDS times (default 3), BENCH_SECONDS each (5);
#   each measure on a new database, seeded;
# - how long a démarche taken offline on A takes to leave B's portal (A's announcement, B's cache voided),
#   20 times: median and worst, in milliseconds.
#   scripts/with-postgres.sh bench/processes.sh BUILD_DIR [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { echo "usage: scripts/with-postgres.sh bench/processes.sh BUILD_DIR [ROUNDS]"; exit 2; }
[ -n "${PG_ADMIN_URL:-}" ] || { echo "run it under scripts/with-postgres.sh"; exit 2; }
bin="$(cd "$1" && pwd)/guichet" rounds="${2:-3}" duration="${BENCH_SECONDS:-5}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
. bench/demo.sh
submit=/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes
results=$(mktemp) folder=$(mktemp -d /tmp/guichet-processes.XXXXXX)
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$folder" "$results"; }
trap cleanup EXIT

# new_database: a seeded database of its own; sets DATABASE_URL.
new_database() {
  local name="bench_$(date +%s%N | tail -c 9)"
  psql "$PG_ADMIN_URL" -q -c "CREATE DATABASE $name"
  export DATABASE_URL="${PG_ADMIN_URL%/*}/$name" GUICHET_DATA_DIR="$folder" LOG_LEVEL=warning
  "$bin" seed >/dev/null
}

# serve PORT: a process on the current database, ready.
serve() {
  GUICHET_BASE_URL="http://127.0.0.1:$1" "$bin" serve --hostname 127.0.0.1 --port "$1" --log warning >>"$folder/serve.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null && return; sleep 0.1; done
}

stop_all() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; pids=(); }

rps() { (cd bench && wrk -t1 -c"$2" -d"${duration}s" -s submit.lua "http://127.0.0.1:$1$submit" | grep RESULT | sed 's/.* rps=\([0-9]*\).*/\1/'); }

one() {
  new_database; serve 8101
  local r; r=$(rps 8101 16)
  echo "round $1 one process: $r/s"; echo "one $r" >>"$results"
  stop_all
}

two() {
  new_database; serve 8101; serve 8102
  local a b
  rps 8101 8 >"$folder/a" & local wa=$!
  rps 8102 8 >"$folder/b" & local wb=$!
  wait $wa $wb
  a=$(cat "$folder/a") b=$(cat "$folder/b")
  echo "round $1 two processes: $a/s + $b/s = $((a + b))/s"; echo "two $((a + b))" >>"$results"
  stop_all
}

for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then one "$round"; two "$round"; else two "$round"; one "$round"; fi
done
median() { grep "^$1 " "$results" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
o=$(median one) t=$(median two)
echo "RESULT submissions one=$o/s two=$t/s two/one=$(echo "scale=2; $t / $o" | bc)"

# Propagation: take the démarche offline on A, time until B answers 404; back online, until B answers 200.
new_database; serve 8101; serve 8102
base=http://127.0.0.1:8101 data=$folder
sign_in admin@caluire-et-cuire.demo.fr
page=/bo/caluire-et-cuire/demarches/signalement-espace-public
portal=http://127.0.0.1:8102/c/caluire-et-cuire/demarches/signalement-espace-public
python3 - "$base" "$cookie" "$page" "$portal" <<'PY'
import re, statistics, sys, time, urllib.error, urllib.parse, urllib.request
base, cookie, page, portal = sys.argv[1:]
opener = urllib.request.build_opener()
opener.addheaders = [("Cookie", cookie)]
def status(url):
    try: return urllib.request.urlopen(url, timeout=5).status
    except urllib.error.HTTPError as e: return e.code
def publish(value):
    csrf = re.search(r'name="_csrf" value="([^"]+)"', opener.open(base + page).read().decode()).group(1)
    opener.open(base + page + "/publication", urllib.parse.urlencode({"_csrf": csrf, "publier": value}).encode()).read()
delays = []
for i in range(20):
    value, wanted = ("non", 404) if i % 2 == 0 else ("oui", 200)
    assert status(portal) != wanted  # B has the list cached
    publish(value)
    start = time.perf_counter()
    while status(portal) != wanted:
        if time.perf_counter() - start > 5: sys.exit("B never saw the change")
        time.sleep(0.002)
    delays.append((time.perf_counter() - start) * 1000)
print(f"RESULT propagation A->B median={statistics.median(delays):.1f}ms worst={max(delays):.1f}ms (20 changes, after A answered)")
PY
