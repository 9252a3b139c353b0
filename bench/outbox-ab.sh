#!/usr/bin/env bash
# A/B of the outbox's delivery rate: on each build in turn (A B B A…, ROUNDS times), a fresh demo instance on
# SQLite files BENCH_SECONDS of API submissions while its SMTP relay is down (every receipt fails and waits for
# its retry), restarts with e-mails written as .eml files, then `guichet outbox --retry` makes them all due: the
# time until /metrics shows none pending is the drain. Prints each run, then each side's median rate and B/A.
#   bench/outbox-ab.sh DIR_A DIR_B [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/outbox-ab.sh DIR_A DIR_B [ROUNDS]"; exit 2; }
dir_a="$(cd "$1" && pwd)" dir_b="$(cd "$2" && pwd)" rounds="${3:-3}"
duration="${BENCH_SECONDS:-5}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
. bench/demo.sh
results=$(mktemp)
pending() { curl -s "$base/metrics" | awk '$1=="guichet_outbox_pending"{print $2}'; }

drain() {
  local side="$1" round="$2"
  if [ "$side" = A ]; then bin="$dir_a/guichet"; else bin="$dir_b/guichet"; fi
  SMTP_URL=smtp://127.0.0.1:9 start_demo "outbox-$side" 8099   # nothing listens on port 9: every send fails at once
  (cd bench && wrk -t2 -c16 -d"${duration}s" -s submit.lua "$base/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes" >/dev/null)
  kill "$server"; wait "$server" 2>/dev/null || true
  env -u SMTP_URL "$bin" serve --hostname 127.0.0.1 --port 8099 --log warning >>"$data/serve.log" 2>&1 &
  server=$!
  for _ in $(seq 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
  local backlog; backlog=$(pending)
  local start; start=$(date +%s.%N)
  env -u SMTP_URL "$bin" outbox --retry >/dev/null
  while [ "$(pending)" != 0 ]; do sleep 0.05; done
  local seconds; seconds=$(echo "$(date +%s.%N) - $start" | bc)
  local rate; rate=$(echo "$backlog / $seconds" | bc)
  echo "round $round $side: $backlog e-mails in ${seconds}s = $rate/s"
  echo "$side $rate" >>"$results"
  stop_demo
}

for round in $(seq "$rounds"); do
  if [ $((round % 2)) -eq 1 ]; then drain A "$round"; drain B "$round"; else drain B "$round"; drain A "$round"; fi
done
median() { grep "^$1 " "$results" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
a=$(median A) b=$(median B)
echo "RESULT outbox_drain A=$a/s B=$b/s B/A=$(echo "scale=2; $b / $a" | bc)"
rm -f "$results"
