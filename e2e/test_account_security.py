"""« Mes sessions » and the security journal in a real browser on a phone: the same person signed in on a second
browser (plain HTTP, another device), closed from the phone; the journal names what happened, a refused
password flagged; the Métropole admins' search, with a bad address refused beside its field. axe-core on each."""
import os
import secrets
import subprocess

import requests
from selenium.webdriver.common.by import By

from oidc_browser import hidden
from test_accessibility import violations
from test_browser_journey import browser, click_and_wait, sign_in, sign_out, PASSWORD  # noqa: F401 (the fixture)
from test_franceconnect_journey import local_account

LAPTOP = "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"


def other_browser(base, email, password=PASSWORD):
    http = requests.Session()
    http.headers["User-Agent"] = LAPTOP
    page = http.get(base + "/compte/connexion").text
    http.post(base + "/compte/connexion", data={"_csrf": hidden(page, "_csrf"), "email": email, "password": password, "retour": "/compte"})
    return http


def test_a_person_closes_a_session_from_another_device_and_reads_the_journal(guichet, browser):  # noqa: F811
    base = guichet["base"]
    email = "securite-%s@demo.fr" % secrets.token_hex(4)
    local_account(guichet, email, name="Sam Prudent")
    other_browser(base, email, password="pas-le-bon-mot-de-passe")
    laptop = other_browser(base, email)
    assert laptop.get(base + "/compte", allow_redirects=False).status_code == 200, "signed in on the laptop"

    sign_in(browser, base, email)
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Mes sessions"))
    assert "cet appareil" in browser.page_source and "Firefox sur Linux" in browser.page_source
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Fermer cette session']"))
    assert "La session est fermée" in browser.page_source
    assert "Firefox sur Linux" not in browser.page_source
    assert laptop.get(base + "/compte", allow_redirects=False).status_code == 303, "the laptop is signed out"

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "journal de sécurité"))
    journal = browser.find_element(By.ID, "journal").text
    for line in ("Session fermée à distance", "Mot de passe refusé — à vérifier", "Connexion avec le mot de passe", "Compte créé"):
        assert line in journal, journal
    assert violations(browser) == [], browser.current_url


def test_the_metropole_admins_search_the_journal(guichet, browser):  # noqa: F811
    base = guichet["base"]
    other_browser(base, "usager@demo.fr", password="pas-le-bon-mot-de-passe")
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/securite?courriel=usager%40demo.fr&type=mot_de_passe_refuse")
    rows = browser.find_element(By.ID, "journal").text
    assert "usager@demo.fr" in rows and "Mot de passe refusé" in rows and "Firefox sur Linux" in rows
    assert violations(browser) == [], browser.current_url
    browser.get(base + "/bo/metropole/securite?courriel=usager")
    assert browser.find_element(By.ID, "erreur-courriel").text.startswith("Saisissez une adresse e-mail complète")
    assert browser.find_element(By.ID, "courriel").get_attribute("aria-invalid") == "true"
    assert violations(browser) == [], browser.current_url


def test_a_citizen_turns_the_second_factor_on_and_signs_in_with_it(guichet, browser):  # noqa: F811
    """The setup page's key typed into an "authenticator" (computed here), the recovery codes shown once, then a
    sign-in that asks the code; axe-core on the setup, codes, code and status pages."""
    import base64
    from second_factor import fresh_code
    from test_browser_journey import type_second_factor
    base = guichet["base"]
    email = "deux-facteurs-%s@demo.fr" % secrets.token_hex(4)
    local_account(guichet, email, name="Claude Prudente")
    sign_in(browser, base, email)
    browser.get(base + "/compte")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Double authentification"))
    assert violations(browser) == [], browser.current_url
    shown = browser.find_element(By.ID, "cle").text.replace(" ", "")
    key = base64.b32decode(shown + "=" * (-len(shown) % 8))
    # The QR code, as a phone's camera sees it: the page's image read by a real decoder (zbar), the same address
    # as the link that opens the key in the application.
    uri = browser.find_element(By.PARTIAL_LINK_TEXT, "ouvrir la clé").get_attribute("href")
    assert ("secret=" + shown) in uri
    picture = os.path.join(guichet["env"]["GUICHET_DATA_DIR"], "qr.png")
    browser.find_element(By.CSS_SELECTOR, "#code-qr svg").screenshot(picture)
    scanned = subprocess.run(["zbarimg", "--raw", "-q", picture], capture_output=True, text=True, check=True).stdout.strip()
    assert scanned == uri, (scanned, uri)
    browser.find_element(By.ID, "code").send_keys("000000")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Activer']"))
    assert browser.find_element(By.ID, "erreur-code").text.startswith("Code incorrect.")
    assert browser.find_element(By.ID, "cle").text.replace(" ", "") == shown, "the same key, to try again"
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "code").send_keys(fresh_code(email, key))
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Activer']"))
    codes = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#codes-de-secours li")]
    assert len(codes) == 10, codes
    assert violations(browser) == [], browser.current_url

    sign_out(browser)
    browser.get(base + "/compte/connexion")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "/compte/connexion/code" in browser.current_url
    type_second_factor(browser, email, key)
    assert browser.current_url.endswith("/compte"), browser.current_url
    browser.get(base + "/compte/double-authentification")
    assert "Codes de secours encore utilisables : 10." in browser.page_source
    assert violations(browser) == [], browser.current_url


def test_a_citizen_changes_address_and_deletes_the_account(guichet, browser):  # noqa: F811
    """The address change (refused beside its field, then confirmed from the e-mail) and the account's deletion,
    with axe-core on both pages."""
    import re
    from test_franceconnect_journey import mail_to
    base = guichet["base"]
    email = "change-%s@demo.fr" % secrets.token_hex(4)
    new = "nouvelle-%s@demo.fr" % secrets.token_hex(4)
    local_account(guichet, email, name="Alix Mobile")
    sign_in(browser, base, email)
    browser.get(base + "/compte")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Changer d'adresse e-mail"))
    browser.find_element(By.ID, "email").send_keys(new)
    browser.find_element(By.ID, "password").send_keys("pas-le-bon")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer le lien de confirmation']"))
    assert browser.find_element(By.ID, "erreur-password").text == "Mot de passe incorrect."
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer le lien de confirmation']"))
    body = mail_to(guichet, new, "Confirmez votre nouvelle adresse e-mail")
    browser.get(re.search(r"(http\S+/compte/courriel/confirmer\?jeton=\S+)", body).group(1))
    assert new in browser.page_source
    assert "Votre compte Guichet utilise désormais l'adresse " + new in mail_to(guichet, email, "L'adresse e-mail de votre compte a changé")

    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Supprimer mon compte"))
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Supprimer définitivement mon compte']"))
    assert "Votre compte est supprimé" in browser.page_source
    assert violations(browser) == [], browser.current_url
