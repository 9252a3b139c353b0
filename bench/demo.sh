# Sourced by the HTTP benches (run.sh, forms.sh, whatif.sh), after they set `bin` to the release binary.
# start_demo NAME: a fresh demo instance on 127.0.0.1:8099 (SQLite in its own folder, or DATABASE_URL when
# exported), stopped and removed on exit; sets `data`, the folder.
start_demo() {
  data=$(mktemp -d "/tmp/guichet-$1.XXXXXX")
  export GUICHET_DATA_DIR="$data" GUICHET_BASE_URL="http://127.0.0.1:8099" LOG_LEVEL=warning
  "$bin" seed >/dev/null
  "$bin" serve --hostname 127.0.0.1 --port 8099 --log warning >"$data/serve.log" 2>&1 &
  server=$!
  trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true; rm -rf "$data"' EXIT
  for _ in $(seq 100); do curl -sf http://127.0.0.1:8099/readyz >/dev/null && break; sleep 0.1; done
}

# The CSRF token of the page on standard input.
form_token() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

# sign_in EMAIL: signs a demo account in; sets `jar` (curl's cookie file) and `cookie` (the session, for wrk).
sign_in() {
  jar="$data/cookies"
  local csrf
  csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:8099/compte/connexion | form_token)
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" -d "email=$1" \
    --data-urlencode 'password=Guichet-Demo-2026!' http://127.0.0.1:8099/compte/connexion
  cookie="guichet_session=$(awk '$6=="guichet_session"{print $7}' "$jar")"
}
