"""The offre connecté (issue 16), end to end: the Métropole's admin sets up Rochetaillée-sur-Saône's connector in a
real browser; a citizen's report there is posted to the commune's software (a plain Python HTTP server here, which
checks the HMAC signature itself and fails the first call); the software answers through the inbound API with
plain HTTP calls, each sent twice with one Idempotency-Key, and the citizen gets the commune's message over real
SMTP. axe-core on the connectors' pages."""
import email
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import wait_for_mail
from test_accessibility import violations
from test_browser_journey import browser, click_and_wait, sign_in  # noqa: F401 (the fixture)
from test_relay_journey import report_street_lamp


class Software(ThreadingHTTPServer):
    """The commune's GRC software: every call kept; each idempotency key handled once; the first call refused."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.key = b""
        self.calls, self.handled = [], []
        self.refuse_first = True
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://127.0.0.1:{self.server_address[1]}/guichet"


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers["Content-Length"]))
        stamp, _, mac = self.headers["X-Guichet-Signature"].partition(",v1=")
        timestamp = stamp.removeprefix("t=")
        expected = hmac.new(self.server.key, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        call = {"key": self.headers["Idempotency-Key"], "event": self.headers["X-Guichet-Event"], "body": json.loads(body),
                "signed": hmac.compare_digest(mac, expected) and abs(time.time() - int(timestamp)) < 300}
        self.server.calls.append(call)
        if self.server.refuse_first:
            self.server.refuse_first = False
            self.send_response(503)
        elif not call["signed"]:
            self.send_response(401)
        else:
            if call["key"] not in [c["key"] for c in self.server.handled]:
                self.server.handled.append(call)
            self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def messages_containing(folder, text):
    """How many e-mails the SMTP server accepted whose text contains `text`."""
    count = 0
    for name in os.listdir(folder):
        if name.endswith(".eml"):
            with open(os.path.join(folder, name), "rb") as f:
                message = email.message_from_bytes(f.read())
            part = next((p for p in message.walk() if p.get_content_type() == "text/plain"), message)
            count += text in part.get_payload(decode=True).decode()
    return count


def call(base, token, number, payload, key):
    request = urllib.request.Request(f"{base}/api/v1/connecteur/demandes/{number}/evenements", data=json.dumps(payload).encode(),
                                     method="POST", headers={"Authorization": f"Bearer {token}", "Idempotency-Key": key,
                                                             "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.headers, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, error.headers, json.loads(error.read())


def test_a_connected_communes_software_gets_its_requests_and_answers_them(guichet, browser):  # noqa: F811
    base = guichet["base"]
    software = Software()
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/connecteurs")
    assert violations(browser) == []
    Select(browser.find_element(By.ID, "commune")).select_by_visible_text("Rochetaillée-sur-Saône")
    browser.find_element(By.ID, "url").send_keys(software.url)
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Créer le connecteur']"))
    token = browser.find_element(By.ID, "jeton").text
    software.key = browser.find_element(By.ID, "cle-signature").text.encode()
    assert violations(browser) == []

    # A citizen reports a street lamp out in Rochetaillée, to the Métropole.
    # The same browser, without the admin's cookies, plays the citizen.
    browser.delete_all_cookies()
    number = report_street_lamp(browser, base, "Lampadaire éteint quai de la Saône", ("2 quai de la Saône", "69270", "Rochetaillée-sur-Saône"),
                                ("Paul Riverain", "paul@exemple.fr"))

    # The software refuses the first call; the retry, 30 s later, is handled once.
    deadline = time.time() + 60
    while not software.handled and time.time() < deadline:
        time.sleep(0.5)
    assert [c["event"] for c in software.handled] == ["demande.transmise"], software.calls
    assert len(software.calls) == 2 and software.calls[0]["key"] == software.calls[1]["key"], "a retry carries its key"
    transmitted = software.handled[0]["body"]
    assert transmitted["number"] == number and transmitted["request"]["commune"] == "rochetaillee-sur-saone"
    assert {"key": "description", "label": "Description", "value": "Lampadaire éteint quai de la Saône"} in transmitted["request"]["answers"]

    # The software acknowledges with its own reference, twice with one key: one change, the same answer.
    first = call(base, token, number, {"type": "accuse_reception", "reference": "RSS-2026-17"}, "rss-ack-1")
    again = call(base, token, number, {"reference": "RSS-2026-17", "type": "accuse_reception"}, "rss-ack-1")
    assert first[0] == 200 and again[0] == 200, (first, again)
    assert again[2] == first[2] and again[1].get("Idempotent-Replayed") == "true"
    assert first[2]["reference"] == "RSS-2026-17" and first[2]["acknowledged"] is True
    refused = call(base, token, number, {"type": "message", "message": "Autre"}, "rss-ack-1")
    assert refused[0] == 422 and refused[1]["Content-Type"].startswith("application/problem+json")

    # It writes to the citizen, twice with one key: one e-mail.
    for _ in range(2):
        assert call(base, token, number, {"type": "message", "message": "Une équipe passe demain matin."}, "rss-msg-1")[0] == 200
    subject, body = wait_for_mail(guichet["mail"], lambda s, b: "Une équipe passe demain matin." in b)
    assert number in subject
    time.sleep(2)  # time enough for a second copy, were there one
    assert messages_containing(guichet["mail"], "Une équipe passe demain matin.") == 1, "the replayed message was not sent twice"

    # The Métropole's agent reads the commune's reference and the journal.
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + f"/bo/metropole/demandes/{number}")
    assert "référence de la mairie : RSS-2026-17" in browser.find_element(By.ID, "relais").text
    browser.get(base + "/bo/metropole/connecteurs/rochetaillee-sur-saone")
    journal = browser.find_element(By.ID, "journal").text
    assert "Transmission" in journal and "Reçu le" in journal
    assert "Changement de statut" in journal, "the acknowledgement moved the request, which the software hears"
    assert violations(browser) == []
    software.shutdown()
