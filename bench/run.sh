#!/usr/bin/env bash
# Benchmarks the release binary on this machine with wrk over loopback (client and server share the cores).
#   bench/run.sh sqlite     submissions/s and latency on the embedded SQLite file
#   bench/run.sh postgres   the same on a local PostgreSQL (started by scripts/with-postgres.sh, fsync on)
# Then, on the same database: tops the request count up to 100,000 and measures the agent's inbox page.
# Results go to stdout as RESULT lines; docs/PERFORMANCE.md records them with the machine's details.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-sqlite}"
duration="${BENCH_SECONDS:-20}"
connections="${BENCH_CONNECTIONS:-32}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
bin="$PWD/.build/release/guichet"

if [ "$mode" = postgres ] && [ -z "${PG_DATABASE_URL:-}" ]; then
  exec env PG_FSYNC=on scripts/with-postgres.sh "$0" postgres
fi

. bench/demo.sh
[ "$mode" = postgres ] && export DATABASE_URL="$PG_DATABASE_URL"
start_demo bench

url=http://127.0.0.1:8099/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes
cd bench
echo "== $mode: API submissions, $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" -s submit.lua "$url" | grep RESULT

# Top up to 100,000 requests in Caluire-et-Cuire's inbox (not measured).
sign_in admin@caluire-et-cuire.demo.fr
total() { curl -s -H "Cookie: $cookie" http://127.0.0.1:8099/bo/caluire-et-cuire/demandes | grep -o 'id="total">[0-9]*' | grep -o '[0-9]*$'; }
while [ "$(total)" -lt 100000 ]; do wrk -t2 -c"$connections" -d10s -s submit.lua "$url" >/dev/null; done
# Let the outbox deliver the receipts first: the inbox is measured on a settled system, and the wait tells how
# fast the outbox worker delivers (here to .eml files).
pending() { curl -s http://127.0.0.1:8099/metrics | awk '$1=="guichet_outbox_pending"{print $2}'; }
start=$(date +%s); backlog=$(pending)
while [ "$(pending)" -gt 0 ]; do sleep 1; done
echo "RESULT outbox_backlog=$backlog drained_in_s=$(( $(date +%s) - start ))"
echo "== $mode: inbox page at $(total) requests, 1 connection (one agent), ${duration}s"
GUICHET_COOKIE="$cookie" wrk -t1 -c1 -d"${duration}s" -s inbox.lua http://127.0.0.1:8099/bo/caluire-et-cuire/demandes | grep RESULT
echo "== $mode: inbox page at $(total) requests, 8 connections, ${duration}s"
GUICHET_COOKIE="$cookie" wrk -t2 -c8 -d"${duration}s" -s inbox.lua http://127.0.0.1:8099/bo/caluire-et-cuire/demandes | grep RESULT
echo "== $mode: inbox page searched for a street (about 1 request in 40), 1 connection"
GUICHET_COOKIE="$cookie" wrk -t1 -c1 -d"${duration}s" -s inbox.lua "http://127.0.0.1:8099/bo/caluire-et-cuire/demandes?q=rue+pasteur" | grep RESULT
echo "== $mode: inbox page searched for a surname (about 1 in 60) and a status, 8 connections"
GUICHET_COOKIE="$cookie" wrk -t2 -c8 -d"${duration}s" -s inbox.lua "http://127.0.0.1:8099/bo/caluire-et-cuire/demandes?statut=recue&q=fontaine" | grep RESULT
echo "== $mode: inbox page searched for a request number, 1 connection"
GUICHET_COOKIE="$cookie" wrk -t1 -c1 -d"${duration}s" -s inbox.lua "http://127.0.0.1:8099/bo/caluire-et-cuire/demandes?q=cal-$(date +%Y)-004242" | grep RESULT
