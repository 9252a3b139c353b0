"""The attestation a granted subsidy produces is a PDF another program reads: pypdf finds its text, accents and
euro sign included. The request is filed through the API and processed by the agent in the back-office, over
plain HTTP."""
import http.cookiejar
import io
import json
import re
import urllib.parse
import urllib.request

from pypdf import PdfReader


def client():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))


def csrf(html):
    return re.search(r'name="_csrf" value="([^"]+)"', html).group(1)


def file_subsidy(base, email="paul@exemple.fr", amount=1500):
    """Files the demo subsidy request through the API; returns its number and tracking code."""
    data = {
        "association": "Les Amis du Parc", "rna": "W691234567", "a_siret": False,
        "adresse_siege": {"street": "3 place de la Mairie", "postcode": "69300", "city": "Caluire-et-Cuire"},
        "objet": "fonctionnement", "description": "Activités de l'année", "budget": 10000, "montant": amount,
        "iban": "FR7630006000011234567890189",
        "statuts": [{"filename": "statuts.pdf", "content_base64": "JVBERi0xLjQgcw=="}],
        "nom": "Paul Durand", "fonction": "president", "email": email, "engagement": True,
    }
    request = urllib.request.Request(base + "/api/v1/collectivites/caluire-et-cuire/demarches/subvention-association/demandes",
                                     data=json.dumps({"data": data}).encode(), headers={"Content-Type": "application/json"})
    filed = json.load(urllib.request.urlopen(request))
    return filed["number"], filed["tracking_code"]


def test_the_attestation_is_a_readable_pdf(guichet):
    base = guichet["base"]
    number, _ = file_subsidy(base)

    agent = client()
    page = agent.open(base + "/compte/connexion").read().decode()
    page = agent.open(base + "/compte/connexion", urllib.parse.urlencode(
        {"_csrf": csrf(page), "email": "agent@caluire-et-cuire.demo.fr", "password": "Guichet-Demo-2026!"}).encode()).read().decode()
    from second_factor import fresh_code
    agent.open(base + "/compte/connexion/code", urllib.parse.urlencode(
        {"_csrf": csrf(page), "code": fresh_code("agent@caluire-et-cuire.demo.fr")}).encode())
    url = f"{base}/bo/caluire-et-cuire/demandes/{number}"
    for transition in ("instruire", "accorder"):
        page = agent.open(url).read().decode()
        # « Accorder » closes the request: a decision, confirmed on its own page (no reason needed for an accord).
        agent.open(url + "/transition", urllib.parse.urlencode({"_csrf": csrf(page), "transition": transition, "confirmer": "oui"}).encode())
    page = agent.open(url).read().decode()
    link = re.search(r'<ul class="documents"><li><a href="([^"]+)"', page).group(1)
    response = agent.open(base + link)
    assert response.headers["Content-Type"].startswith("application/pdf")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(response.read())).pages)
    assert "Attestation" in text
    assert "Les Amis du Parc" in text
    assert "1 500" in text or "1500" in text, text
    assert "€" in text, text
    assert number in text
