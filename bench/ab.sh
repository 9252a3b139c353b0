#!/usr/bin/env bash
# A/B: the same HTTP measures on two release builds, side by side in one run. These machines' speed drifts within
# minutes, so both instances run at once (A on port 8098, B on 8099, fresh demo data each, SQLite) and every
# measure alternates between them, A B B A A B…, ROUNDS times (default 5), BENCH_SECONDS each (default 5):
# /healthz, the catalogue JSON, API submissions (without and with a photo, and with an Idempotency-Key), the citizen's
# form page (a first visit each time), the agent's inbox and a request's page, the designer's page and the Métropole's contributions page. Prints every run, then
# the median of each side and the ratio B/A. Only the instance being measured gets traffic.
#   bench/ab.sh DIR_A DIR_B [ROUNDS]        (BENCH_ONLY=REGEX runs only the measures whose name matches)
# DIR_A and DIR_B are release build folders holding `guichet` and its resource bundles (copy a build's folder
# away before building the other side).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/ab.sh DIR_A DIR_B [ROUNDS]"; exit 2; }
dir_a="$(cd "$1" && pwd)" dir_b="$(cd "$2" && pwd)" rounds="${3:-5}"
duration="${BENCH_SECONDS:-5}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
. bench/demo.sh
results=$(mktemp)

# Both instances, each signed in as Caluire-et-Cuire's admin and the Métropole's.
declare -A url agent finance
for side in A B; do
  if [ $side = A ]; then bin="$dir_a/guichet"; port=8098; else bin="$dir_b/guichet"; port=8099; fi
  start_demo "ab-$side" $port
  eval "server_$side=$server data_$side=$data"
  url[$side]=$base
  sign_in admin@caluire-et-cuire.demo.fr; agent[$side]=$cookie
  sign_in admin@metropole.demo.fr; finance[$side]=$cookie
done
trap 'kill $server_A $server_B 2>/dev/null; wait $server_A $server_B 2>/dev/null || true; rm -rf "$data_A" "$data_B" "$results"' EXIT

# measure NAME CONNECTIONS SCRIPT PATH [COOKIE_ROLE [PHOTO [KEYED]]]: the measure on both sides, alternated, every round.
measure() {
  local name="$1" connections="$2" script="$3" path="$4" role="${5:-}" photo="${6:-0}" keyed="${7:-0}"
  if [ -n "${BENCH_ONLY:-}" ] && ! [[ "$name" =~ $BENCH_ONLY ]]; then return; fi
  for round in $(seq "$rounds"); do
    local order="A B"; [ $((round % 2)) -eq 0 ] && order="B A"
    for side in $order; do
      local cookie=""
      [ "$role" = agent ] && cookie=${agent[$side]}
      [ "$role" = finance ] && cookie=${finance[$side]}
      local line
      line=$(cd bench && GUICHET_COOKIE="$cookie" GUICHET_PHOTO="$photo" GUICHET_KEYED="$keyed" wrk -t2 -c"$connections" -d"${duration}s" -s "$script" "${url[$side]}$path" | grep RESULT)
      echo "$side $name $line"
      echo "$name $side $(echo "$line" | sed 's/.* rps=\([0-9]*\) p50_ms=\([0-9.]*\).*/\1 \2/')" >>"$results"
    done
  done
}

measure healthz 16 get.lua /healthz
measure catalogue_json 16 get.lua /api/v1/collectivites/caluire-et-cuire/demarches
measure api_submissions 16 submit.lua /api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes
measure api_submissions_photo 16 submit.lua /api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes "" 1
measure api_submissions_keyed 16 submit.lua /api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes "" 0 1
measure form_page 16 get.lua /c/caluire-et-cuire/demarches/signalement-espace-public
measure inbox_page 8 get.lua /bo/caluire-et-cuire/demandes agent
measure request_page 8 get.lua /bo/caluire-et-cuire/demandes/CAL-2026-000001 agent
measure designer_page 8 get.lua /bo/caluire-et-cuire/demarches/signalement-espace-public/conception agent
measure contributions_page 4 get.lua /bo/metropole/contributions finance

echo "== medians over $rounds rounds (requests/s, p50 ms) and B/A"
python3 bench/medians.py "$results"
