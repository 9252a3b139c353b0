#!/usr/bin/env bash
# The relay's benchmark (issue 16): the Métropole's « Signaler un problème » filed through the JSON API, on the
# release build and the embedded SQLite file, in three cases alternated in one run (A B C, BENCH_ROUNDS times,
# BENCH_SECONDS each): A, a pothole in Albigny-sur-Saône (the Métropole's: routed, not relayed); B, a broken
# street lamp there (relayed by e-mail: the relay's row, its e-mail with the link, a history line more); C, a
# broken street lamp in Bron (shared into Bron's back-office). The outbox worker delivers to `.eml` files
# meanwhile, as in the demo. Prints each run's RESULT line, then the medians and B/A, C/A.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${BENCH_SECONDS:-10}" connections="${BENCH_CONNECTIONS:-32}" rounds="${BENCH_ROUNDS:-3}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
bin="$PWD/.build/release/guichet"
. bench/demo.sh
start_demo relay
api="$base/api/v1/collectivites/metropole/demarches/signalement-espace-public/demandes"
cd bench
run() {
  GUICHET_CATEGORY="$2" GUICHET_CITY="$3" wrk -t2 -c"$connections" -d"${duration}s" -s submit.lua "$api" | grep RESULT | sed "s/^RESULT/RESULT $1/"
}
for _ in $(seq "$rounds"); do
  run A_not_relayed voirie "Albigny-sur-Saône"
  run B_relayed_by_email eclairage "Albigny-sur-Saône"
  run C_shared_inbox eclairage "Bron"
done | tee "$data/results"
relays=$(sqlite3 "$data/guichet.sqlite" "SELECT channel || ' ' || COUNT(*) FROM relays GROUP BY channel" 2>/dev/null || true)
echo "relays written: ${relays//$'\n'/, }"
python3 - "$data/results" <<'PY'
import re, statistics, sys
runs = {}
for line in open(sys.argv[1]):
    case, rps = line.split()[1], float(re.search(r"rps=(\d+)", line).group(1))
    runs.setdefault(case, []).append(rps)
medians = {case: statistics.median(v) for case, v in runs.items()}
for case, m in medians.items():
    print(f"RESULT {case} median_rps={m:.0f} runs={','.join(str(int(x)) for x in runs[case])}")
a = medians["A_not_relayed"]
print(f"RESULT ratios B/A={medians['B_relayed_by_email'] / a:.2f} C/A={medians['C_shared_inbox'] / a:.2f}")
PY
