# Sourced by the HTTP benches (run.sh, forms.sh, whatif.sh, ab.sh), after they set `bin` to the release binary.
# start_demo NAME [PORT]: a fresh demo instance on 127.0.0.1:PORT, 8099 by default (SQLite in its own folder, or
# DATABASE_URL when exported), stopped and removed on exit or by stop_demo; sets `data` (the folder), `server`
# (its process) and `base` (its URL).
start_demo() {
  local port="${2:-8099}"
  data=$(mktemp -d "/tmp/guichet-$1.XXXXXX")
  base="http://127.0.0.1:$port"
  export GUICHET_DATA_DIR="$data" GUICHET_BASE_URL="$base" LOG_LEVEL=warning
  "$bin" seed >/dev/null
  "$bin" serve --hostname 127.0.0.1 --port "$port" --log warning >"$data/serve.log" 2>&1 &
  server=$!
  trap stop_demo EXIT
  for _ in $(seq 100); do curl -sf "$base/readyz" >/dev/null && break; sleep 0.1; done
}

# stop_demo: stops the instance and removes its folder (a script that measures several instances in turn).
stop_demo() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
  trap - EXIT
}

# The CSRF token of the page on standard input.
form_token() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

# sign_in EMAIL: signs a demo account in on the instance at `base`; sets `jar` (curl's cookie file) and `cookie`
# (the session, for wrk). An agent's sign-in then types the second factor's code (`guichet second-factor code`).
sign_in() {
  jar="$data/cookies-$1"
  local csrf next
  csrf=$(curl -s -c "$jar" -b "$jar" "$base/compte/connexion" | form_token)
  next=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' --data-urlencode "_csrf=$csrf" -d "email=$1" \
    --data-urlencode 'password=Guichet-Demo-2026!' "$base/compte/connexion")
  if [[ "$next" == */compte/connexion/code* ]]; then
    csrf=$(curl -s -c "$jar" -b "$jar" "$base/compte/connexion/code" | form_token)
    curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" -d "code=$("$bin" second-factor code --email "$1")" \
      "$base/compte/connexion/code"
  fi
  cookie="guichet_session=$(awk '$6=="guichet_session"{print $7}' "$jar")"
}
