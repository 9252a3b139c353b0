"""A citizen on a phone files a request in a real browser; an agent processes it; the citizen follows it."""
import os
import shutil

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import wait_for_mail

PASSWORD = "Guichet-Demo-2026!"


@pytest.fixture()
def browser():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=390,844", "--lang=fr-FR"):
        options.add_argument(arg)
    # Headless Chromium will not make a window narrower than 500 px: emulate the phone's viewport instead.
    options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3}})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def click_and_wait(browser, element):
    """Clicks and waits for the next page: a click returns before the browser has navigated."""
    old_page = browser.find_element(By.TAG_NAME, "html")
    # Centred first: on a phone-sized window, Chromium 156 took a click on a button near the screen's edge without
    # submitting its form (the subsidy form's « Revenir à l'étape précédente »).
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()
    wait_for_next_page(browser, old_page)


def wait_for_next_page(browser, old_page):
    """Waits until `old_page` (the `html` element read before a click or an Enter) is gone and the next page loaded.
    Selenium's `staleness_of` is not enough: mid-navigation Chromium answers "node does not belong to the document",
    which it does not catch."""
    def old_page_gone(_):
        try:
            old_page.is_enabled()
            return False
        except WebDriverException:  # stale, or "node does not belong to the document" mid-navigation
            return True

    WebDriverWait(browser, 10).until(old_page_gone)
    WebDriverWait(browser, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def sign_in(browser, base, email):
    browser.get(base + "/compte/connexion")
    browser.find_element(By.ID, "email").send_keys(email)
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    if "/compte/connexion/code" in browser.current_url:  # an agent: the code of their authenticator app
        type_second_factor(browser, email)
    assert "/compte/connexion" not in browser.current_url, browser.page_source


def type_second_factor(browser, email, key=None):
    from second_factor import fresh_code
    browser.find_element(By.ID, "code").send_keys(fresh_code(email, key))
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))


def sign_out(browser):
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Se déconnecter']"))


def test_citizen_files_agent_processes_citizen_follows(guichet, browser, tmp_path):
    base = guichet["base"]
    browser.get(base + "/")
    browser.find_element(By.LINK_TEXT, "Caluire-et-Cuire").click()
    browser.find_element(By.PARTIAL_LINK_TEXT, "Signaler un problème").click()

    # Sent empty: every required field says what is missing, nothing is filed.
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer ma demande']"))
    summary = browser.find_element(By.CSS_SELECTOR, ".error-summary")
    assert "erreurs" in summary.text
    assert browser.find_element(By.ID, "erreur-description").text == "Ce champ est obligatoire."

    Select(browser.find_element(By.ID, "champ-categorie")).select_by_visible_text("Dépôt sauvage")
    browser.find_element(By.ID, "gravite-pietons").click()
    browser.find_element(By.ID, "champ-description").send_keys("Encombrants devant l'école")
    browser.find_element(By.ID, "adresse-street").send_keys("2 avenue Barthélémy Thimonnier")
    browser.find_element(By.ID, "adresse-postcode").send_keys("69300")
    assert browser.find_element(By.ID, "adresse-city").get_attribute("value") == "Caluire-et-Cuire", "the commune's own town to start with"
    photo = tmp_path / "photo.png"
    photo.write_bytes(bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + b"\0" * 64)
    browser.find_element(By.ID, "champ-photo").send_keys(str(photo))
    browser.find_element(By.ID, "champ-nom").send_keys("Nour Habitante")
    browser.find_element(By.ID, "champ-email").send_keys("nour@exemple.fr")
    browser.find_element(By.ID, "champ-consentement").click()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer ma demande']"))

    number = browser.find_element(By.ID, "numero").text
    code = browser.find_element(By.ID, "code-suivi").text
    assert number.startswith("CAL-")
    wait_for_mail(guichet["mail"], lambda s, b: number in s and "reçue" in s)

    # The agent of Caluire-et-Cuire takes it.
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes")
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, number))
    assert browser.find_element(By.ID, "statut").text == "Reçue"
    assert "photo.png" in browser.page_source
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Prendre en charge']"))
    assert browser.find_element(By.ID, "statut").text == "En cours de traitement"
    sign_out(browser)

    # The citizen follows it with the number and code.
    browser.get(f"{base}/suivi?numero={number}")
    browser.find_element(By.ID, "code").send_keys(code)
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
    assert browser.find_element(By.ID, "statut").text == "En cours de traitement"
    wait_for_mail(guichet["mail"], lambda s, b: s == f"Votre demande {number} : En cours de traitement")

    # An agent of another commune cannot open it.
    sign_in(browser, base, "agent@bron.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes/{number}")
    assert "Accès refusé" in browser.page_source
