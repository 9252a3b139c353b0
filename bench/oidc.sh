#!/usr/bin/env bash
# GrandLyon Connect's benchmark (issue 15), on the release build and the embedded SQLite file:
#  1. at 8 then 32 connections (BENCH_TOKEN_CONNECTIONS), the token endpoint exchanging authorization codes (each request a fresh code, asked for just before by a
#     signed-in, consented browser with prompt=none: bench/codes.lua, which measures the authorization endpoint
#     too), for an application whose ID tokens are RS256 (the default) and one with ES256;
#  2. the token endpoint renewing with refresh tokens (each used once: those the first run received);
#  3. the JWKS and the discovery document;
#  4. the sign-in page's POST (bcrypt at cost 12), one at a time: its latency;
#  5. an agent's sign-in: the password, then the second factor's code (its latency: the step a second factor adds).
# A run is BENCH_SECONDS long (default 5); codes live a minute, so a run's codes are made right before it, for as
# long (BENCH_CODE_SECONDS, default 15); the refresh run, on the refresh tokens the exchange received, lasts
# BENCH_REFRESH_SECONDS (default 2) so as not to spend them all. A run out of secrets counts its failures apart.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${BENCH_SECONDS:-5}" code_seconds="${BENCH_CODE_SECONDS:-15}" refresh_seconds="${BENCH_REFRESH_SECONDS:-2}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
bin="$PWD/.build/release/guichet"
. bench/demo.sh
start_demo oidc
. bench/oidc-lib.sh
declare -A clients
sign_in usager@demo.fr
for alg in RS256 ES256; do
  oidc_client "$alg"
  clients[$alg]="$client_id $client_secret $authorize"
done
# The token endpoint's writes are committed in batches: more connections, bigger batches, fewer commits.
for connections in ${BENCH_TOKEN_CONNECTIONS:-8 32}; do
  for alg in RS256 ES256; do
    read -r client_id client_secret authorize <<<"${clients[$alg]}"
    echo "== authorization endpoint, prompt=none (a code each), $connections connections, ${code_seconds}s"
    make_codes "$data/codes-$alg" "$code_seconds" "$connections"
    echo "== token endpoint, authorization_code + PKCE, ID token $alg, $(wc -l <"$data/codes-$alg") codes, $connections connections, ${duration}s"
    exchange "$data/codes-$alg" authorization_code "$duration" "$connections" "$data/refresh-$alg"
  done
  read -r client_id client_secret authorize <<<"${clients[RS256]}"
  echo "== token endpoint, refresh_token (rotation), ID token RS256, $(wc -l <"$data/refresh-RS256") tokens, $connections connections, ${refresh_seconds}s"
  exchange "$data/refresh-RS256" refresh_token "$refresh_seconds" "$connections"
done
connections=8

cd bench
echo "== JWKS, $connections connections, ${duration}s"
wrk -t2 -c$connections -d"${duration}s" -s get.lua "$base/oidc/jwks" | grep RESULT
echo "== discovery, $connections connections, ${duration}s"
wrk -t2 -c$connections -d"${duration}s" -s get.lua "$base/.well-known/openid-configuration" | grep RESULT
cd ..

echo "== sign-in (bcrypt cost 12), one at a time, 20 sign-ins"
for _ in $(seq 20); do
  jar="$data/signin-jar"; rm -f "$jar"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/compte/connexion" | form_token)
  curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{time_total}\n' --data-urlencode "_csrf=$csrf" -d "email=usager@demo.fr" \
    --data-urlencode 'password=Guichet-Demo-2026!' "$base/compte/connexion"
done | sort -n | awk '{t[NR]=$1} END {printf "RESULT sign_in p50_ms=%.0f p90_ms=%.0f max_ms=%.0f\n", t[int(NR/2)]*1000, t[int(NR*0.9)]*1000, t[NR]*1000}'

echo "== an agent's sign-in, password then the second factor's code, one at a time, the 4 demo agents"
for agent in agent@caluire-et-cuire.demo.fr admin@caluire-et-cuire.demo.fr agent@bron.demo.fr admin@metropole.demo.fr; do
  jar="$data/agent-jar"; rm -f "$jar"
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/compte/connexion" | form_token)
  password=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{time_total}' --data-urlencode "_csrf=$csrf" --data-urlencode "email=$agent" \
    --data-urlencode 'password=Guichet-Demo-2026!' "$base/compte/connexion")
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/compte/connexion/code" | form_token)
  code=$("$bin" second-factor code --email "$agent")
  step=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{time_total}' --data-urlencode "_csrf=$csrf" -d "code=$code" "$base/compte/connexion/code")
  echo "$password $step"
done | awk '{p[NR]=$1; c[NR]=$2} END {for (i=1;i<=NR;i++) {sp+=p[i]; sc+=c[i]} printf "RESULT agent_sign_in password_ms=%.0f code_ms=%.0f (means of %d)\n", sp/NR*1000, sc/NR*1000, NR}'
