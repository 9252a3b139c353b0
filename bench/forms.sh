#!/usr/bin/env bash
# The démarche engine's benchmark (issue 3):
#  1. FormBench, in process: parse+check a 50-question definition, validate a submission of it (20 conditions,
#     3 computed fields, a page check), evaluate 10,000 conditions.
#  2. Over HTTP on the embedded SQLite file, same server, same duration: the spine's 13-field "signalement"
#     submissions, then submissions of the 50-question form (validated and stored), then of the demo subsidy
#     démarche (its workflow acts on filing: assignment, a computed field, an e-mail to the role's agents, the
#     legal deadline's timer; a list read from a data source; a repeatable block), to compare throughputs.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${BENCH_SECONDS:-15}"
connections="${BENCH_CONNECTIONS:-32}"
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
swift build -c release --product guichet >/dev/null
swift build -c release --product FormBench >/dev/null
bin="$PWD/.build/release/guichet"
formbench="$PWD/.build/release/FormBench"

echo "== in process"
"$formbench"

. bench/demo.sh
start_demo forms

# Publish the 50-question démarche as Caluire-et-Cuire's admin, through the back-office editor.
sign_in admin@caluire-et-cuire.demo.fr
csrf=$(curl -s -c "$jar" -b "$jar" http://127.0.0.1:8099/bo/caluire-et-cuire/demarches/editer | form_token)
"$formbench" definition >"$data/definition.json"
status=$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{http_code}' --data-urlencode "_csrf=$csrf" -d action=enregistrer -d en_ligne=oui \
  --data-urlencode "definition@$data/definition.json" http://127.0.0.1:8099/bo/caluire-et-cuire/demarches/editer)
[ "$status" = 303 ] || { echo "publishing the bench démarche failed ($status)"; exit 1; }
"$formbench" body >"$data/body.json"
api=http://127.0.0.1:8099/api/v1/collectivites/caluire-et-cuire/demarches
curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary "@$data/body.json" "$api/formulaire-50-champs/demandes" \
  || { echo "the bench submission is refused:"; curl -s -H 'Content-Type: application/json' --data-binary "@$data/body.json" "$api/formulaire-50-champs/demandes"; exit 1; }

cd bench
echo "== HTTP, SQLite: the spine's signalement (13 fields), $connections connections, ${duration}s"
wrk -t2 -c"$connections" -d"${duration}s" -s submit.lua "$api/signalement-espace-public/demandes" | grep RESULT
echo "== HTTP, SQLite: the 50-question form (20 conditions), $connections connections, ${duration}s"
BENCH_BODY="$data/body.json" wrk -t2 -c"$connections" -d"${duration}s" -s submit50.lua "$api/formulaire-50-champs/demandes" | grep RESULT
cat >"$data/subsidy.json" <<'JSON'
{"data": {"association": "Les Amis du Parc", "domaine": "culture", "rna": "W691234567", "a_siret": false,
 "adresse_siege": {"street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"},
 "bureau": [{"nom": "Paul Durand", "fonction": "president"}, {"nom": "Léa Martin", "fonction": "tresorier"}],
 "objet": "fonctionnement", "description": "Activités de l'année", "budget": 10000, "montant": 500,
 "iban": "FR7630006000011234567890189", "statuts": [{"filename": "statuts.pdf", "content_base64": "JVBERi0xLjQgcw=="}],
 "nom": "Paul Durand", "fonction": "president", "email": "paul@exemple.fr", "telephone": "0612345678", "engagement": true}}
JSON
curl -sf -o /dev/null -H 'Content-Type: application/json' --data-binary "@$data/subsidy.json" "$api/subvention-association/demandes" \
  || { echo "the subsidy submission is refused"; exit 1; }
echo "== HTTP, SQLite: the subsidy démarche (workflow on filing, data source, block), $connections connections, ${duration}s"
BENCH_BODY="$data/subsidy.json" wrk -t2 -c"$connections" -d"${duration}s" -s submit50.lua "$api/subvention-association/demandes" | grep RESULT
