# Sourced by the identity benches (oidc.sh, oidc-ab.sh), after demo.sh, with `bin` the release binary and an
# instance started (`base`, `data`).
verifier="bench-verifier-bench-verifier-bench-verifier-0123456789"
challenge=$(python3 -c "import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).rstrip(b'=').decode())" "$verifier")
redirect="https://bench.example/callback"

# oidc_client ALG: registers the application bench-<alg> (ID tokens signed with ALG) and has the demo citizen,
# signed in once before (`sign_in usager@demo.fr`: a second sign-in in the same jar would end the first session),
# consent to it; sets `client_id`, `client_secret` and `authorize` (the prompt=none URL that gives a code at
# each request).
oidc_client() {
  client_id="bench-$(tr 'A-Z' 'a-z' <<<"$1")"
  client_secret=$("$bin" oidc-client add --id "$client_id" --name "Banc $1" --redirect-uri "$redirect" --id-token-alg "$1" \
    | sed -n 's/^client_secret \([^ ]*\).*/\1/p')
  local query="response_type=code&client_id=$client_id&redirect_uri=$redirect&scope=openid%20email%20profile&code_challenge=$challenge&code_challenge_method=S256"
  local page
  page=$(curl -s -b "$jar" -c "$jar" "$base/oidc/authorize?$query")
  curl -s -b "$jar" -c "$jar" -o /dev/null --data-urlencode "_csrf=$(form_token <<<"$page")" -d decision=autoriser "$base/oidc/consentement"
  authorize="$base/oidc/authorize?$query&prompt=none"
}

# make_codes FILE SECONDS CONNECTIONS: asks for codes for SECONDS (codes.lua), all of them in FILE; prints wrk's line.
make_codes() {
  rm -f "$1".*
  GUICHET_COOKIE="$cookie" BENCH_KEEP="$1" bash -c 'cd bench && exec "$@"' _ wrk -t2 -c"$3" -d"$2s" -s codes.lua "$authorize" | grep RESULT
  cat "$1".* > "$1"
}

# exchange FILE GRANT SECONDS CONNECTIONS [KEEP]: spends the codes or refresh tokens of FILE at the token endpoint
# (token.lua), the refresh tokens received kept in KEEP when given; prints wrk's line.
exchange() {
  BENCH_TOKENS="$1" BENCH_GRANT="$2" BENCH_REDIRECT="$redirect" BENCH_VERIFIER="$verifier" BENCH_THREADS=2 \
    BENCH_BASIC=$(printf '%s:%s' "$client_id" "$client_secret" | base64 -w0) BENCH_KEEP="${5:-}" \
    bash -c 'cd bench && exec "$@"' _ wrk -t2 -c"$4" -d"$3s" -s token.lua "$base/oidc/token" | grep RESULT
  if [ -n "${5:-}" ]; then cat "$5".* > "$5"; fi
}
