-- wrk script: file a "signalement" through the JSON API, as the mobile app does.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"data": {"categorie": "tag", "description": "Tag sur la façade de l'école, côté rue",
  "adresse": {"street": "12 rue Pasteur", "postcode": "69300", "city": "Caluire-et-Cuire"},
  "nom": "Banc d'essai", "email": "bench@exemple.fr", "telephone": "04 78 00 00 00", "consentement": true}}]]

done = require("report").done
