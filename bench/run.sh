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

data=$(mktemp -d /tmp/guichet-bench.XXXXXX)
export GUICHET_DATA_DIR="$data" GUICHET_BASE_URL="http://127.0.0.1:8099" LOG_LEVEL=warning
[ "$mode" = postgres ] && export DATABASE_URL="$PG_DATABASE_URL"
"$bin" seed >/dev/null
"$bin" serve --hostname 127.0.0.1 --port 8099 --log warning >"$data/serve.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:8099/readyz >/dev/null && break; sleep 0.1; done

url=http://127.0.0.1:8099/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes
cd bench
echo "== $mode: API submissions, $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" -s submit.lua "$url" | grep RESULT

# Top up to 100,000 requests in Caluire-et-Cuire's inbox (not measured).
jar="$data/cookies"
csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:8099/compte/connexion | grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//')
curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" -d email=admin@caluire-et-cuire.demo.fr \
  --data-urlencode 'password=Guichet-Demo-2026!' http://127.0.0.1:8099/compte/connexion
cookie="guichet_session=$(awk '$6=="guichet_session"{print $7}' "$jar")"
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
