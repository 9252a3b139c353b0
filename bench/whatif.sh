#!/usr/bin/env bash
# The convention cadre's benchmark (issue 4):
#  1. ContributionsBench, in process: a full year and the five after it for 58 communes; the what-if of a rate
#     change compared for 2031.
#  2. Over HTTP on the embedded SQLite file with the demo's 43 conventions: the Métropole's contributions page
#     (2026, every commune explained, the forecast), then « Simuler » of a rate change and of a commune's change
#     of offer (the inputs read from the database, the change applied in memory, the year compared, the page
#     rendered; nothing written), one admin (1 connection) and several (4).
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${BENCH_SECONDS:-10}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
swift build -c release --product ContributionsBench >/dev/null
bin="$PWD/.build/release/guichet"

echo "== in process"
.build/release/ContributionsBench

. bench/demo.sh
start_demo whatif

sign_in admin@metropole.demo.fr
# The token is base64: URL-encoded in the bodies.
csrf=$(curl -s -H "Cookie: $cookie" http://127.0.0.1:8099/bo/metropole/convention/services | form_token \
  | python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.stdin.read().strip(), safe=""))')
rate="_csrf=$csrf&type=tarif&service=toodego%3Apartenaire&a_partir_de=2026&tarif=habitant&part_fixe=5000&taux=0%2C22&montant=0&regle=&mode=simuler"
offer="_csrf=$csrf&type=offre&insee=69034&service=toodego&offre=connecte&a_partir_du=2026-07-01&mode=simuler"
for form in "$rate" "$offer"; do
  page=$(curl -s -H "Cookie: $cookie" -H 'Content-Type: application/x-www-form-urlencoded' --data "$form" http://127.0.0.1:8099/bo/metropole/convention/changement)
  grep -q 'id="simulation"' <<<"$page" || { echo "the simulation is refused:"; head -c 3000 <<<"$page"; exit 1; }
done

cd bench
echo "== HTTP, SQLite: the Métropole's contributions page 2026, 1 connection, ${duration}s"
GUICHET_COOKIE="$cookie" wrk -t1 -c1 -d"${duration}s" -s inbox.lua "http://127.0.0.1:8099/bo/metropole/contributions?annee=2026" | grep RESULT
echo "== HTTP, SQLite: the same without its forecast (growth refused), 1 connection, ${duration}s"
GUICHET_COOKIE="$cookie" wrk -t1 -c1 -d"${duration}s" -s inbox.lua "http://127.0.0.1:8099/bo/metropole/contributions?annee=2026&indice=x" | grep RESULT
for connections in 1 4; do
  echo "== HTTP, SQLite: « Simuler » a rate change (2026, 43 communes), $connections connection(s), ${duration}s"
  GUICHET_COOKIE="$cookie" BENCH_FORM="$rate" wrk -t1 -c"$connections" -d"${duration}s" -s whatif.lua http://127.0.0.1:8099/bo/metropole/convention/changement | grep RESULT
  echo "== HTTP, SQLite: « Simuler » a commune's change of offer, $connections connection(s), ${duration}s"
  GUICHET_COOKIE="$cookie" BENCH_FORM="$offer" wrk -t1 -c"$connections" -d"${duration}s" -s whatif.lua http://127.0.0.1:8099/bo/metropole/convention/changement | grep RESULT
done
