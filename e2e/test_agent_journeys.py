"""An agent's day, in a real browser on a phone and on a desktop, axe-core on every page: the notification
e-mail leads to the request in the back office (through sign-in), a message keeps its line breaks, a refusal is
confirmed with its reason, and the citizen receives it by e-mail with the ways of appeal and reads it on the
follow-up page; a correction the agent writes, answered by the citizen, who then writes back with a file."""
import re
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By

from conftest import wait_for_mail
from test_attestation_pdf import file_subsidy
from test_browser_journey import PASSWORD, click_and_wait, sign_in, sign_out, type_second_factor
from test_form_journeys import accessible, window  # noqa: F401 (the phone and desktop fixture)
from test_multipage_journey import button


def test_notification_message_and_refusal_with_its_reason(guichet, window):  # noqa: F811
    browser, base = window, guichet["base"]
    citizen = f"asso-{time.time_ns()}@exemple.fr"
    number, code = file_subsidy(base, email=citizen)

    # The agents' notification links to the back office; following it asks to sign in, then opens the request.
    _, body = wait_for_mail(guichet["mail"], lambda s, b: s == f"Nouvelle demande de subvention {number}")
    link = re.search(r"https?://\S+/bo/caluire-et-cuire/demandes/" + re.escape(number), body)
    assert link, body
    assert "/suivi" not in body
    browser.get(link.group(0))
    browser.find_element(By.ID, "email").send_keys("agent@caluire-et-cuire.demo.fr")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    # An agent's second step: the code of their authenticator app.
    assert "/compte/connexion/code" in browser.current_url
    accessible(browser)
    type_second_factor(browser, "agent@caluire-et-cuire.demo.fr")
    assert browser.current_url.endswith(f"/bo/caluire-et-cuire/demandes/{number}"), browser.current_url
    assert number in browser.find_element(By.TAG_NAME, "h1").text

    # A message to the citizen keeps its lines.
    browser.find_element(By.ID, "type-message").click()
    browser.find_element(By.ID, "texte").send_keys("Bonjour,\nNous étudions votre dossier.\nCordialement")
    click_and_wait(browser, button(browser, "Enregistrer"))
    message = browser.find_element(By.CSS_SELECTOR, ".history li p")
    assert message.text == "Bonjour,\nNous étudions votre dossier.\nCordialement", repr(message.text)
    accessible(browser)

    # « Refuser »: a page to confirm, which will not go on without the reason.
    click_and_wait(browser, button(browser, "Refuser"))
    assert "Refuser — demande" in browser.find_element(By.TAG_NAME, "h1").text
    assert "tribunal administratif de Lyon" in browser.page_source
    accessible(browser)
    click_and_wait(browser, button(browser, "Confirmer : Refuser"))
    assert "Indiquez le motif du refus" in browser.find_element(By.ID, "erreur-motif").text
    accessible(browser)
    browser.find_element(By.ID, "motif").send_keys("Le projet ne relève pas du règlement des subventions.\nVoir l'article 2.")
    click_and_wait(browser, button(browser, "Confirmer : Refuser"))
    assert browser.find_element(By.ID, "statut").text == "Refusée"

    # The citizen's e-mail: the decision, its reason, the ways of appeal.
    _, mail = wait_for_mail(guichet["mail"], lambda s, b: s == f"Votre demande {number} : Refusée")
    mail = mail.replace("\r\n", "\n")  # SMTP's line ends
    assert "Décision : refus." in mail
    assert "Le projet ne relève pas du règlement des subventions.\nVoir l'article 2." in mail
    assert "Voies et délais de recours" in mail and "Télérecours" in mail

    # And their follow-up page.
    sign_out(browser)
    browser.get(f"{base}/suivi?numero={number}")
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert browser.find_element(By.ID, "statut").text == "Refusée"
    assert "Le projet ne relève pas du règlement des subventions." in browser.find_element(By.CSS_SELECTOR, ".history").text
    assert "deux mois" in browser.find_element(By.ID, "recours").text
    accessible(browser)


def test_an_anonymous_citizen_downloads_the_attestation(guichet, window):  # noqa: F811
    browser, base = window, guichet["base"]
    number, code = file_subsidy(base, email=f"asso-{time.time_ns()}@exemple.fr", amount=1500)

    # The agent grants it: « Accorder » shows the amount to confirm.
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes/{number}")
    click_and_wait(browser, button(browser, "Commencer l'instruction"))
    click_and_wait(browser, button(browser, "Accorder"))
    assert browser.find_element(By.ID, "montant").text.replace("\u202f", " ").replace("\xa0", " ") == "1 500 €"
    accessible(browser)
    click_and_wait(browser, button(browser, "Confirmer : Accorder"))
    assert browser.find_element(By.ID, "statut").text == "Subvention accordée"
    sign_out(browser)

    # Without an account: the number and code open the page, whose attestation link works for this visitor.
    browser.get(f"{base}/suivi?numero={number}")
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    accessible(browser)
    link = browser.find_element(By.CSS_SELECTOR, ".documents a")
    href = link.get_attribute("href")
    assert f"/suivi/{number}/fichiers/" in href
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in browser.get_cookies())
    with urllib.request.urlopen(urllib.request.Request(href, headers={"Cookie": cookies})) as response:
        assert response.headers["Content-Type"].startswith("application/pdf")
        assert response.read(5) == b"%PDF-"
    # Without this visitor's session, the link opens nothing.
    try:
        urllib.request.urlopen(href)
        raise AssertionError("the attestation opened without the code")
    except urllib.error.HTTPError as refused:
        assert refused.code == 404


def test_an_agent_lands_on_the_inbox_and_filters_within_a_status(guichet, window):  # noqa: F811
    browser, base = window, guichet["base"]
    file_subsidy(base, email=f"asso-{time.time_ns()}@exemple.fr")
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    assert browser.current_url.endswith("/bo/caluire-et-cuire/demandes"), browser.current_url
    assert "Paul Durand" in browser.find_element(By.TAG_NAME, "table").text, "the citizen's name"
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "ul.tabs[aria-label='Statuts']").find_element(By.PARTIAL_LINK_TEXT, "Reçue"))
    browser.execute_script("document.getElementById('du').value = '2026-12-31'; document.getElementById('au').value = '2026-01-01'")
    click_and_wait(browser, button(browser, "Filtrer"))
    assert "statut=recue" in browser.current_url, "the status tab is kept"
    assert "Inversez-les" in browser.find_element(By.ID, "dates-inversees").text
    accessible(browser)


def test_the_agent_writes_the_correction_and_the_citizen_answers_with_a_file(guichet, window, tmp_path):  # noqa: F811
    browser, base = window, guichet["base"]
    citizen = f"asso-{time.time_ns()}@exemple.fr"
    number, code = file_subsidy(base, email=citizen)

    # « Demander un complément »: the démarche's text to start from, rewritten for this request.
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes/{number}")
    click_and_wait(browser, button(browser, "Demander un complément"))
    text = browser.find_element(By.ID, "motif")
    assert "statuts à jour" in text.get_attribute("value")
    accessible(browser)
    text.clear()
    text.send_keys("Le budget ne mentionne pas la subvention de la Région.\nMerci de le compléter.")
    click_and_wait(browser, button(browser, "Confirmer : Demander un complément"))
    assert browser.find_element(By.ID, "statut").text == "À compléter"
    _, mail = wait_for_mail(guichet["mail"], lambda s, b: s == f"Votre demande {number} est à compléter")
    assert "subvention de la Région" in mail and "statuts à jour" not in mail
    sign_out(browser)

    # The citizen, without an account, corrects from the follow-up page and lands back on it.
    browser.get(f"{base}/suivi?numero={number}")
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "subvention de la Région" in browser.find_element(By.ID, "correction").text
    accessible(browser)
    click_and_wait(browser, button(browser, "Corriger ma demande"))
    description = browser.find_element(By.ID, "champ-description")
    description.clear()
    description.send_keys("Activités de l'année, avec la subvention de la Région")
    click_and_wait(browser, button(browser, "Envoyer ma correction"))
    assert browser.current_url.split("#")[0].endswith(f"/suivi/{number}"), browser.current_url
    assert "Votre correction a bien été envoyée" in browser.page_source
    _, told = wait_for_mail(guichet["mail"], lambda s, b: s == f"Demande {number} corrigée par l'usager")
    assert "avec la subvention de la Région »" in told, told

    # Then writes to the service with a file; the agents are told, both histories show it.
    budget = tmp_path / "budget-signe.pdf"
    budget.write_bytes(b"%PDF-1.4\n% budget\n")
    browser.find_element(By.ID, "champ-message").send_keys("Voici le budget signé.\nCordialement")
    browser.find_element(By.ID, "champ-pieces").send_keys(str(budget))
    click_and_wait(browser, button(browser, "Envoyer au service"))
    assert "Votre message a été envoyé" in browser.page_source
    history = browser.find_element(By.CSS_SELECTOR, ".history")
    assert "Voici le budget signé.\nCordialement" in history.text
    assert f"/suivi/{number}/fichiers/" in history.find_element(By.LINK_TEXT, "budget-signe.pdf").get_attribute("href")
    accessible(browser)
    _, note = wait_for_mail(guichet["mail"], lambda s, b: s == f"Demande {number} : message de l'usager")
    assert "budget-signe.pdf" in note and f"/bo/caluire-et-cuire/demandes/{number}" in note

    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes/{number}")
    history = browser.find_element(By.CSS_SELECTOR, ".history")
    assert "Message de l'usager" in history.text and "Voici le budget signé." in history.text
    assert "/bo/caluire-et-cuire/demandes/" in history.find_element(By.LINK_TEXT, "budget-signe.pdf").get_attribute("href")
    accessible(browser)
