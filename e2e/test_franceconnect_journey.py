"""Citizens sign in with FranceConnect in a real browser (Chromium on a phone), against the FranceConnect stand-in
(`franceconnect_standin.py`): an account made from the identité pivot; an account linked without asking because
its declared civil identity has the same six fields; an account that only shares the e-mail address, linked only
after its password is typed; unlinking, which asks for the password; logout through FranceConnect's session end.
axe-core on every Guichet page visited."""
import re
import secrets

import requests
from selenium.webdriver.common.by import By

from oidc_browser import hidden
from test_accessibility import violations
from test_browser_journey import browser, click_and_wait, sign_out, PASSWORD  # noqa: F401 (the fixture)


def fresh_email(franceconnect, who):
    """Each test its own person: the stand-in's identity gets an address nobody has used."""
    email = "%s.%s@fc-test.example" % (who, secrets.token_hex(4))
    franceconnect.emails[who] = email
    return email


def mail_to(guichet, address, subject, timeout=15):
    """The body of the first e-mail with this subject the SMTP server accepted for `address`."""
    import email
    import os
    import time
    deadline = time.time() + timeout
    while time.time() < deadline:
        for name in sorted(os.listdir(guichet["mail"])):
            if name.endswith(".eml"):
                with open(os.path.join(guichet["mail"], name), "rb") as f:
                    message = email.message_from_bytes(f.read())
                if address in (message["To"] or "") and subject in str(email.header.make_header(email.header.decode_header(message["Subject"]))):
                    return message.get_payload(decode=True).decode()
        time.sleep(0.2)
    raise AssertionError("no e-mail %r to %s" % (subject, address))


def local_account(guichet, email, name="Compte local"):
    """Signs up over HTTP and confirms the address from the e-mail, as a person would."""
    http = requests.Session()
    page = http.get(guichet["base"] + "/compte/inscription").text
    done = http.post(guichet["base"] + "/compte/inscription", data={"_csrf": hidden(page, "_csrf"), "email": email, "name": name,
                                                                     "password": PASSWORD})
    assert done.status_code == 200, done.text[:300]
    body = mail_to(guichet, email, "Confirmez votre adresse e-mail")
    link = re.search(r"(http\S+/compte/confirmer\?jeton=\S+)", body).group(1)
    assert http.get(link).status_code == 200


def with_franceconnect(browser, base, who, start="/compte/connexion"):
    """« S'identifier avec FranceConnect », then the stand-in's identity provider: back on Guichet."""
    browser.get(base + start)
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a.franceconnect-button"))
    assert "/api/v2/authorize" in browser.current_url
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[value=%s]" % who))
    assert browser.current_url.startswith(base), browser.page_source[:500]


def test_an_account_is_made_from_the_pivot_identity_and_logout_goes_through_franceconnect(guichet, franceconnect, browser):  # noqa: F811
    base = guichet["base"]
    email = fresh_email(franceconnect, "chloe")
    browser.get(base + "/compte/inscription")
    assert "S'identifier avec" in browser.page_source and "Qu'est-ce que FranceConnect ?" in browser.page_source
    assert violations(browser) == [], browser.current_url
    with_franceconnect(browser, base, "chloe")
    assert browser.current_url == base + "/compte"
    assert "Votre compte a été créé avec votre identité FranceConnect" in browser.page_source
    assert "Chloé MARTIN" in browser.page_source, "the usage name is the account's name"
    assert violations(browser) == [], browser.current_url
    assert "/compte/confirmer?jeton=" in mail_to(guichet, email, "Confirmez votre adresse e-mail"), "the address is confirmed by the usual link"

    browser.get(base + "/compte/franceconnect")
    assert "Votre compte est relié à FranceConnect" in browser.page_source
    assert "GARCIA" in browser.page_source and "né·e à l'étranger" in browser.page_source
    assert "choisissez d'abord un mot de passe" in browser.page_source, "an account made by FranceConnect has no password to unlink with"
    assert violations(browser) == [], browser.current_url

    calls = len(franceconnect.calls)
    sign_out(browser)
    ends = [query for method, path, query, _ in franceconnect.calls[calls:] if path == "/api/v2/session/end"]
    assert len(ends) == 1 and ends[0]["id_token_hint"] in franceconnect.id_tokens
    assert ends[0]["post_logout_redirect_uri"] == base + "/franceconnect/deconnexion-terminee" and len(ends[0]["state"]) >= 32
    assert browser.current_url == base + "/"
    assert "Vous êtes déconnecté de Guichet et de FranceConnect" in browser.page_source
    browser.get(base + "/compte")
    assert "/compte/connexion" in browser.current_url, "signed out of Guichet"

    # Coming back with FranceConnect opens the same account, not a second one, on the page that asked.
    with_franceconnect(browser, base, "chloe", start="/compte/connexion?retour=%2Fcompte%2Ffranceconnect")
    assert browser.current_url == base + "/compte/franceconnect"
    assert "Votre compte est relié à FranceConnect" in browser.page_source and "a été créé avec votre identité" not in browser.page_source


def test_a_declared_identity_with_the_same_six_fields_is_linked_without_asking(guichet, franceconnect, browser):  # noqa: F811
    from test_browser_journey import sign_in
    base = guichet["base"]
    fresh_email(franceconnect, "pierre")
    mine = "pierre.local.%s@demo.fr" % secrets.token_hex(3)  # another address than FranceConnect's: the six fields decide
    local_account(guichet, mine, "Pierre Mercier")
    sign_in(browser, base, mine)
    browser.get(base + "/compte/franceconnect")
    assert "n'est pas relié" in browser.page_source
    assert violations(browser) == [], browser.current_url
    # A mistake first: the error is beside the field, what was typed is kept.
    browser.find_element(By.ID, "given_name").send_keys("Pierre Paul")
    browser.find_element(By.ID, "family_name").send_keys("Mercier")
    browser.execute_script("document.getElementById('birthdate').value = '1969-03-17'")
    browser.find_element(By.CSS_SELECTOR, "label[for=gender-male]").click()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Enregistrer mon état civil']"))
    assert "Erreur" in browser.title, browser.page_source[-3000:]
    assert "saisissez le code INSEE de la commune" in browser.find_element(By.ID, "erreur-birthplace").text
    assert browser.find_element(By.ID, "given_name").get_attribute("value") == "Pierre Paul"
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "birthplace").send_keys("69123")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Enregistrer mon état civil']"))
    assert "Votre état civil est enregistré" in browser.page_source
    sign_out(browser)

    with_franceconnect(browser, base, "pierre")
    assert browser.current_url == base + "/compte"
    assert "Votre compte est maintenant relié à votre identité FranceConnect" in browser.page_source
    assert mine in browser.page_source, "the local account, found by its six fields"

    # Unlinking asks for the password: a wrong one changes nothing.
    browser.get(base + "/compte/franceconnect")
    browser.find_element(By.ID, "password").send_keys("pas-le-bon-mot-de-passe")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Délier FranceConnect']"))
    assert browser.find_element(By.ID, "erreur-password").text == "Mot de passe incorrect."
    assert "Votre compte est relié à FranceConnect" in browser.page_source
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Délier FranceConnect']"))
    assert "n'est plus relié à FranceConnect" in browser.page_source
    assert "n'est pas relié" in browser.page_source


def test_an_account_sharing_only_the_email_is_linked_after_its_password(guichet, franceconnect, browser):  # noqa: F811
    base = guichet["base"]
    email = fresh_email(franceconnect, "lucas")
    local_account(guichet, email, "Lucas Robert")
    with_franceconnect(browser, base, "lucas")
    # Not linked, not signed in: the e-mail alone proves nothing.
    assert "/compte/connexion" in browser.current_url
    assert "Un compte Guichet existe déjà avec l'adresse %s" % email in browser.page_source
    assert browser.find_element(By.ID, "email").get_attribute("value") == email
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert "/franceconnect/relier" in browser.current_url
    assert "ROBERT" in browser.page_source and "30/06/1985" in browser.page_source
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Relier mon compte']"))
    assert browser.current_url == base + "/compte/franceconnect"
    assert "Votre compte est relié à FranceConnect" in browser.page_source


def test_a_cancelled_or_forged_callback_signs_nobody_in(guichet, franceconnect, browser):  # noqa: F811
    base = guichet["base"]
    browser.get(base + "/compte/connexion")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "a.franceconnect-button"))
    click_and_wait(browser, browser.find_element(By.ID, "annuler"))
    assert "Vous avez annulé la connexion avec FranceConnect" in browser.page_source
    assert violations(browser) == [], browser.current_url
    # A callback this browser did not ask for.
    browser.get(base + "/franceconnect/retour?code=x&state=%s&iss=%s" % ("s" * 43, franceconnect.issuer))
    assert "n'a pas été demandée depuis ce navigateur" in browser.page_source
    browser.get(base + "/compte")
    assert "/compte/connexion" in browser.current_url


def test_a_key_rotated_at_franceconnect_is_fetched_again(guichet, franceconnect, browser):  # noqa: F811
    base = guichet["base"]
    fresh_email(franceconnect, "angela")
    with_franceconnect(browser, base, "angela")
    assert browser.current_url == base + "/compte"
    sign_out(browser)
    fetched = sum(1 for _, path, _, _ in franceconnect.calls if path == "/api/v2/jwks")
    franceconnect.rotate()
    with_franceconnect(browser, base, "angela")
    assert browser.current_url == base + "/compte", browser.page_source[:400]
    assert sum(1 for _, path, _, _ in franceconnect.calls if path == "/api/v2/jwks") == fetched + 1, "one fetch for the new kid"
