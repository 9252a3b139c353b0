#!/usr/bin/env bash
# GrandLyon Connect's benchmark (issue 15), on the release build and the embedded SQLite file:
#  1. the token endpoint exchanging authorization codes (each request a fresh code, asked for just before by a
#     signed-in, consented browser with prompt=none: bench/codes.lua, which measures the authorization endpoint
#     too), for an application whose ID tokens are RS256 (the default) and one with ES256;
#  2. the token endpoint renewing with refresh tokens (each used once: those the first run received);
#  3. the JWKS and the discovery document;
#  4. the sign-in page's POST (bcrypt at cost 12), one at a time: its latency;
#  5. an agent's sign-in: the password, then the second factor's code (its latency: the step a second factor adds).
# A run is BENCH_SECONDS long (default 5); codes live a minute, so a run's codes are made right before it, for as
# long (BENCH_CODE_SECONDS, default 15): when they run out, the exchanges that follow fail and are counted apart.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${BENCH_SECONDS:-5}" code_seconds="${BENCH_CODE_SECONDS:-15}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
bin="$PWD/.build/release/guichet"
. bench/demo.sh
start_demo oidc
verifier="bench-verifier-bench-verifier-bench-verifier-0123456789"
challenge=$(python3 -c "import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).rstrip(b'=').decode())" "$verifier")
redirect="https://bench.example/callback"
for alg in RS256 ES256; do
  id="bench-$(tr 'A-Z' 'a-z' <<<"$alg")"
  secret=$("$bin" oidc-client add --id "$id" --name "Banc $alg" --redirect-uri "$redirect" --id-token-alg "$alg" | sed -n 's/^client_secret \([^ ]*\).*/\1/p')
  eval "secret_$alg=$secret"
done
threads=2 connections=8

# The demo citizen, signed in, consents once to each application.
sign_in usager@demo.fr
for alg in RS256 ES256; do
  id="bench-$(tr 'A-Z' 'a-z' <<<"$alg")"
  page=$(curl -s -b "$jar" -c "$jar" "$base/oidc/authorize?response_type=code&client_id=$id&redirect_uri=$redirect&scope=openid%20email%20profile&code_challenge=$challenge&code_challenge_method=S256")
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$(form_token <<<"$page")" -d decision=autoriser "$base/oidc/consentement"
done
cookie="guichet_session=$(awk '$6=="guichet_session"{print $7}' "$jar")"

for alg in RS256 ES256; do
  id="bench-$(tr 'A-Z' 'a-z' <<<"$alg")"; secret_var="secret_$alg"
  echo "== authorization endpoint, prompt=none (a code each), $connections connections, ${code_seconds}s"
  rm -f "$data"/codes-$alg.*
  GUICHET_COOKIE="$cookie" BENCH_KEEP="$data/codes-$alg" bash -c 'cd bench && exec "$@"' _ wrk -t$threads -c$connections -d"${code_seconds}s" -s codes.lua \
    "$base/oidc/authorize?response_type=code&client_id=$id&redirect_uri=$redirect&scope=openid%20email%20profile&code_challenge=$challenge&code_challenge_method=S256&prompt=none" | grep RESULT
  cat "$data"/codes-$alg.* > "$data/codes-$alg"
  echo "== token endpoint, authorization_code + PKCE, ID token $alg, $(wc -l <"$data/codes-$alg") codes, $connections connections, ${duration}s"
  BENCH_TOKENS="$data/codes-$alg" BENCH_GRANT=authorization_code BENCH_REDIRECT="$redirect" BENCH_VERIFIER="$verifier" BENCH_THREADS=$threads \
    BENCH_BASIC=$(printf '%s:%s' "$id" "${!secret_var}" | base64 -w0) BENCH_KEEP="$data/refresh-$alg" \
    bash -c 'cd bench && exec "$@"' _ wrk -t$threads -c$connections -d"${duration}s" -s token.lua "$base/oidc/token" | grep RESULT
done

cat "$data"/refresh-RS256.* > "$data/refresh"
echo "== token endpoint, refresh_token (rotation), ID token RS256, $(wc -l <"$data/refresh") tokens, $connections connections, ${duration}s"
BENCH_TOKENS="$data/refresh" BENCH_GRANT=refresh_token BENCH_THREADS=$threads BENCH_BASIC=$(printf '%s:%s' bench-rs256 "$secret_RS256" | base64 -w0) \
  bash -c 'cd bench && exec "$@"' _ wrk -t$threads -c$connections -d"${duration}s" -s token.lua "$base/oidc/token" | grep RESULT

cd bench
echo "== JWKS, $connections connections, ${duration}s"
wrk -t$threads -c$connections -d"${duration}s" -s get.lua "$base/oidc/jwks" | grep RESULT
echo "== discovery, $connections connections, ${duration}s"
wrk -t$threads -c$connections -d"${duration}s" -s get.lua "$base/.well-known/openid-configuration" | grep RESULT
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
