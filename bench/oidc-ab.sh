#!/usr/bin/env bash
# A/B of the token endpoint on two release builds, in one run: both instances up at once (A on 8098, B on 8099,
# fresh demo data, SQLite), measures alternated A B B A… ROUNDS times (default 3). Each round, on one side at a
# time: codes asked for BENCH_CODE_SECONDS (default 12), exchanged for BENCH_SECONDS (default 5) with an RS256
# and an ES256 application, then the refresh tokens received renewed for BENCH_REFRESH_SECONDS (default 2, so as
# not to spend them all: failures are counted apart). Prints every run, the medians and B/A.
#   bench/oidc-ab.sh DIR_A DIR_B [ROUNDS]     (DIR_* hold a release `guichet` and its resource bundles)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: bench/oidc-ab.sh DIR_A DIR_B [ROUNDS]"; exit 2; }
dir_a="$(cd "$1" && pwd)" dir_b="$(cd "$2" && pwd)" rounds="${3:-3}"
duration="${BENCH_SECONDS:-5}" code_seconds="${BENCH_CODE_SECONDS:-12}" refresh_seconds="${BENCH_REFRESH_SECONDS:-2}" connections=8
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
. bench/demo.sh
results=$(mktemp)
declare -A setup
for side in A B; do
  if [ $side = A ]; then bin="$dir_a/guichet"; port=8098; else bin="$dir_b/guichet"; port=8099; fi
  start_demo "oidc-ab-$side" $port
  eval "server_$side=$server data_$side=$data bin_$side=$bin"
  . bench/oidc-lib.sh
  sign_in usager@demo.fr
  for alg in RS256 ES256; do
    oidc_client "$alg"
    setup[$side-$alg]="$client_id $client_secret $cookie $authorize"
  done
done
trap 'kill $server_A $server_B 2>/dev/null; wait $server_A $server_B 2>/dev/null || true; rm -rf "$data_A" "$data_B" "$results"' EXIT

record() { echo "$1 $2 $3"; echo "$2 $1 $(sed 's/.* rps=\([0-9]*\) p50_ms=\([0-9.]*\).*/\1 \2/' <<<"$3")" >>"$results"; }
for round in $(seq "$rounds"); do
  order="A B"; [ $((round % 2)) -eq 0 ] && order="B A"
  for side in $order; do
    eval "data=\$data_$side bin=\$bin_$side"; base="http://127.0.0.1:$([ $side = A ] && echo 8098 || echo 8099)"
    for alg in RS256 ES256; do
      read -r client_id client_secret cookie authorize <<<"${setup[$side-$alg]}"
      make_codes "$data/codes" "$code_seconds" $connections >/dev/null
      record $side "token_code_$alg" "$(exchange "$data/codes" authorization_code "$duration" $connections "$data/refresh")"
      record $side "token_refresh_$alg" "$(exchange "$data/refresh" refresh_token "$refresh_seconds" $connections)"
    done
  done
done

echo "== medians over $rounds rounds (requests/s, p50 ms) and B/A"
python3 bench/medians.py "$results"
