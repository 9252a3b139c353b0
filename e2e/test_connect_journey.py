"""A citizen signs in to another municipal service (a laclasse.com-like application) with their Guichet account,
in a real browser on a phone: the sign-in page, the consent page, back to the application; then « Applications
connectées » lists it and disconnects it, and the application's logout asks before closing a session it does not
own. axe-core on every GrandLyon Connect page visited."""
import secrets
from urllib.parse import urlencode

import pytest
from selenium.webdriver.common.by import By

from oidc_browser import register
from relying_party import RelyingParty
from test_browser_journey import browser, click_and_wait, PASSWORD, wait_for_next_page  # noqa: F401 (the fixture)
from test_accessibility import violations


@pytest.fixture()
def application(guichet):
    rp = RelyingParty()
    client_id = "parcours-" + secrets.token_hex(4)
    register(guichet, "--id", client_id, "--name", "laclasse.com", "--redirect-uri", rp.base + "/callback",
             "--post-logout-uri", rp.base + "/fin", "--scopes", "openid,profile,email")
    yield rp, client_id
    rp.close()


def test_a_citizen_signs_in_to_another_service_and_disconnects_it(guichet, browser, application):  # noqa: F811
    rp, client_id = application
    base = guichet["base"]
    query = {"response_type": "code", "client_id": client_id, "redirect_uri": rp.base + "/callback", "scope": "openid email profile",
             "state": "etat", "nonce": "n", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256",
             "login_hint": "usager@demo.fr"}
    browser.get(base + "/oidc/authorize?" + urlencode(query))
    assert "/compte/connexion" in browser.current_url
    assert browser.find_element(By.ID, "email").get_attribute("value") == "usager@demo.fr", "login_hint fills the address"
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))

    assert "Autoriser « laclasse.com »" in browser.page_source
    assert "votre adresse e-mail" in browser.page_source
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Autoriser']"))
    assert browser.current_url.startswith(rp.base + "/callback?code=")
    callbacks = [params for method, path, params in rp.received if path == "/callback"]
    assert callbacks[-1]["state"] == "etat" and callbacks[-1]["iss"] == base

    browser.get(base + "/compte/applications")
    assert 'id="app-%s"' % client_id in browser.page_source
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "#app-%s button" % client_id))
    assert "est déconnectée" in browser.page_source
    assert 'id="app-%s"' % client_id not in browser.page_source, "no longer listed (other tests' applications may be)"
    assert violations(browser) == [], browser.current_url

    # A logout without this sign-in's ID token: the person is asked, and stays signed in if they decline.
    browser.get(base + "/oidc/logout?" + urlencode({"client_id": client_id, "post_logout_redirect_uri": rp.base + "/fin", "state": "x"}))
    assert "Me déconnecter" in browser.page_source
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Me déconnecter']"))
    assert browser.current_url == rp.base + "/fin?state=x"
    browser.get(base + "/compte")
    assert "/compte/connexion" in browser.current_url, "signed out"


def test_the_applications_page_passes_axe(guichet, browser):  # noqa: F811
    """The Métropole admins' page of applications, as it opens and with a registration refused."""
    from test_browser_journey import sign_in
    base = guichet["base"]
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/applications")
    assert "Enregistrer une application" in browser.page_source
    assert violations(browser) == [], browser.current_url
    browser.find_element(By.ID, "redirect_uris").send_keys("http://www.bron.fr/cb")
    # Enter in a text field submits the form. (chromedriver's phone emulation misplaces a native click this far
    # down a long page — the button is where it is drawn, JavaScript's click submits — so the keyboard is used.)
    from selenium.webdriver.common.keys import Keys
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.ID, "nom").send_keys(Keys.ENTER)
    wait_for_next_page(browser, old)
    assert "redirect-erreur" in browser.page_source
    assert violations(browser) == [], browser.current_url


def test_laclasse_lets_in_the_people_of_subscribing_communes_only(guichet, browser, tmp_path):  # noqa: F811
    """An application bound to laclasse.com: Fontaines-Saint-Martin subscribes, Poleymieux-au-Mont-d'Or stopped on
    1 June 2026. A citizen living in Poleymieux is refused with a page that says why; once living in Fontaines,
    the same citizen reaches the consent and the application gets its code."""
    import subprocess
    from test_franceconnect_journey import local_account
    base = guichet["base"]
    conventions = tmp_path / "conventions.csv"
    conventions.write_text("code_insee,signee_le,debut,fin,service,offre,debut_service,fin_service\n"
                           "69087,2025-11-20,2026-01-01,,laclasse,,2026-01-01,\n"
                           "69153,2025-11-20,2026-01-01,,laclasse,,2026-01-01,2026-06-01\n", encoding="utf-8")
    done = subprocess.run([guichet["binary"], "import", "conventions", "--file", str(conventions)], env=guichet["env"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    rp = RelyingParty()
    try:
        client_id = "laclasse-" + secrets.token_hex(4)
        register(guichet, "--id", client_id, "--name", "laclasse.com", "--redirect-uri", rp.base + "/callback",
                 "--scopes", "openid,email", "--service", "laclasse")
        email = "eleve-%s@demo.fr" % secrets.token_hex(4)
        local_account(guichet, email, name="Parent d'élève")
        authorize = base + "/oidc/authorize?" + urlencode({
            "response_type": "code", "client_id": client_id, "redirect_uri": rp.base + "/callback", "scope": "openid email",
            "state": "etat", "nonce": "n", "code_challenge": "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM",
            "code_challenge_method": "S256", "login_hint": email})

        def live_in(insee):
            browser.get(base + "/compte")
            from selenium.webdriver.support.ui import Select
            Select(browser.find_element(By.ID, "commune-choix")).select_by_value(insee)
            click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Enregistrer ma commune']"))

        browser.get(authorize)
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        assert "Indiquez votre commune de résidence" in browser.page_source, "no commune yet"
        assert violations(browser) == [], browser.current_url

        live_in("69153")
        browser.get(authorize)
        motive = browser.find_element(By.ID, "motif").text
        assert "Poleymieux-au-Mont-d'Or a cessé d'adhérer" in motive and "01/06/2026" in motive, motive
        assert violations(browser) == [], browser.current_url
        assert not [path for _, path, _ in rp.received if path == "/callback"], "nothing went back to the application"

        live_in("69087")
        browser.get(authorize)
        assert "Autoriser « laclasse.com »" in browser.page_source
        click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Autoriser']"))
        assert browser.current_url.startswith(rp.base + "/callback?code=")
    finally:
        rp.close()
