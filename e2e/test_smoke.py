"""Smoke test of the built binary: file through the API with a plain HTTP client, read it back, get the mail."""
import json
import urllib.error
import urllib.request

from conftest import wait_for_mail


def call(base, method, path, body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read() or b"null")


def test_operations_endpoints(guichet):
    assert urllib.request.urlopen(guichet["base"] + "/healthz").read() == b"ok"
    metrics = urllib.request.urlopen(guichet["base"] + "/metrics").read().decode()
    assert "guichet_outbox_pending" in metrics


def test_file_through_the_api_and_read_it_back(guichet):
    base = guichet["base"]
    status, headers, filed = call(base, "POST", "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes",
                                  {"data": {"categorie": "depot", "description": "Dépôt sauvage au coin de la rue",
                                            "adresse": {"street": "5 rue Jean Moulin", "postcode": "69300", "city": "Caluire-et-Cuire"},
                                            "nom": "Sam Essai", "email": "sam@exemple.fr", "consentement": True}})
    assert status == 201, filed
    assert filed["number"].startswith("CAL-")
    assert headers["Location"] == f"/api/v1/demandes/{filed['number']}"
    status, _, demande = call(base, "GET", f"/api/v1/demandes/{filed['number']}", headers={"X-Tracking-Code": filed["tracking_code"]})
    assert status == 200
    assert demande["status_label"] == "Reçue"
    assert demande["data"]["adresse"]["city"] == "Caluire-et-Cuire"
    subject, body = wait_for_mail(guichet["mail"], lambda s, b: filed["number"] in s)
    assert subject == f"Votre demande {filed['number']} a bien été reçue"
    assert filed["tracking_code"] in body


def test_bad_input_gets_rfc7807(guichet):
    status, headers, problem = call(guichet["base"], "POST",
                                    "/api/v1/collectivites/caluire-et-cuire/demarches/signalement-espace-public/demandes",
                                    {"data": {"email": "faux"}})
    assert status == 422
    assert headers["Content-Type"].startswith("application/problem+json")
    assert problem["errors"]["email"] == "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."
    assert problem["errors"]["description"] == "Ce champ est obligatoire."
