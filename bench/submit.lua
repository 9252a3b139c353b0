-- wrk script: file a "signalement" through the JSON API, as the mobile app does. Each request differs (street,
-- number, name, e-mail), drawn from lists, so that the inbox's free-text search later meets realistic data: a
-- street matches about 1 request in 40, a surname about 1 in 60. With GUICHET_PHOTO=1 each carries a photo (a small
-- PNG): the stored file's cost, its flush to disk included. With GUICHET_KEYED=1 each carries its own Idempotency-Key,
-- as a client that may retry sends it: the cost of looking the key up and keeping it. GUICHET_CATEGORY fixes the
-- report's category and GUICHET_CITY its town (the relay bench: the same report, relayed to a commune or not).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local streets = {"rue Pasteur", "avenue Barthélemy-Thimonier", "montée des Soldats", "rue Jean-Moulin", "chemin de Vassieux",
  "rue Coste", "grande rue de Saint-Clair", "quai Clémenceau", "rue François-Peissel", "avenue de Margnolles",
  "rue de la Caille", "chemin de Crépieux", "rue Jules-Ferry", "rue Victor-Hugo", "place Jules-Ferry", "rue des Chartreux",
  "rue Curie", "avenue Général-de-Gaulle", "rue Paul-Painlevé", "rue Pierre-Brunier", "impasse Ronsard", "rue du Bourg",
  "chemin des Grandes-Terres", "rue Dumenge", "rue Sainte-Clotilde", "rue de l'Oratoire", "allée des Écureuils",
  "rue Voltaire", "rue André-Lassagne", "chemin de Wette-Fays", "rue Marie-Curie", "rue Claude-Baudrand",
  "rue Neuve", "rue Lucien-Sportisse", "avenue Elie-Vignal", "rue Guérin", "rue Calmette", "rue Chanoine-Boursier",
  "rue Bellevue", "rue Jacquard"}
local surnames = {"Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent",
  "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel", "Fournier", "Girard", "Bonnet",
  "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent", "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc",
  "Guérin", "Boyer", "Garnier", "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin",
  "Clément", "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand", "Duval", "Denis",
  "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier"}
local categories = {"voirie", "eclairage", "depot", "tag", "mobilier", "autre"}
if os.getenv("GUICHET_CATEGORY") then categories = {os.getenv("GUICHET_CATEGORY")} end
local city = os.getenv("GUICHET_CITY") or "Caluire-et-Cuire"
local n = 0
local keyed = os.getenv("GUICHET_KEYED") == "1"
-- wrk's threads each run this script in a state of their own, with the same unseeded random numbers: a key names
-- its thread (`setup`), its run (the clock) and its request, or two threads would send the same keys.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_id", threads)
end
local run = tostring(os.time())
local photo = os.getenv("GUICHET_PHOTO") == "1"
  and [=[, "photo": [{"filename": "photo.png", "content_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="}]]=]
  or ""

request = function()
  n = n + 1
  local street = streets[math.random(#streets)]
  local surname = surnames[math.random(#surnames)]
  local body = string.format([[{"data": {"categorie": "%s", "description": "Signalé devant le %d %s, merci d'intervenir",
  "adresse": {"street": "%d %s", "postcode": "69300", "city": "%s"},
  "nom": "Camille %s", "email": "camille.%d@exemple.fr", "telephone": "04 78 00 00 00", "consentement": true%s}}]],
    categories[math.random(#categories)], n % 150 + 1, street, n % 150 + 1, street, city, surname, n, photo)
  local headers = keyed and {["Content-Type"] = "application/json", ["Idempotency-Key"] = "bench-" .. run .. "-" .. tostring(thread_id) .. "-" .. n} or nil
  return wrk.format(nil, nil, headers, body)
end

done = require("report").done
