"""A citizen without an account starts the subsidy démarche on a phone, asks for a link to finish later, and
finishes on a computer from the e-mail the real SMTP server received: the answers came along."""
import re
import shutil

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import wait_for_mail
from test_browser_journey import browser, click_and_wait  # noqa: F401  (the phone-sized browser fixture)


def computer():
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,900", "--lang=fr-FR"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    return driver


def button(driver, label):
    return driver.find_element(By.XPATH, f"//button[normalize-space()=\"{label}\"]")


def test_a_form_begun_on_a_phone_is_finished_on_a_computer(guichet, browser):  # noqa: F811
    base = guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/demarches/subvention-association")
    browser.find_element(By.ID, "champ-association").send_keys("Jardins du Vallon")
    browser.find_element(By.ID, "champ-rna").send_keys("W691234567")
    browser.find_element(By.ID, "adresse_siege-street").send_keys("5 chemin du Vallon")
    browser.find_element(By.ID, "adresse_siege-postcode").send_keys("69300")
    browser.find_element(By.ID, "adresse_siege-city").send_keys("Caluire-et-Cuire")
    browser.find_element(By.ID, "champ-bureau.0.nom").send_keys("Inès Roche")
    click_and_wait(browser, button(browser, "Continuer"))
    assert "Étape 2 sur 4" in browser.find_element(By.CSS_SELECTOR, ".step").text
    browser.find_element(By.ID, "champ-description").send_keys("Potager partagé")
    click_and_wait(browser, button(browser, "Enregistrer le brouillon"))
    browser.find_element(By.ID, "email").send_keys("ines.roche@exemple.fr")
    click_and_wait(browser, button(browser, "Recevoir le lien"))
    assert "Un lien pour reprendre" in browser.find_element(By.TAG_NAME, "main").text

    _, body = wait_for_mail(guichet["mail"], lambda subject, _: "Reprendre votre démarche" in subject)
    link = re.search(r"http://\S+/reprendre/[A-Za-z0-9_-]+", body).group(0)

    desk = computer()
    try:
        desk.get(link)
        main = desk.find_element(By.TAG_NAME, "main").text
        assert "Nous avons repris" in main
        assert "Étape 2 sur 4" in desk.find_element(By.CSS_SELECTOR, ".step").text, "straight to where the phone stopped"
        assert desk.find_element(By.ID, "champ-description").get_attribute("value") == "Potager partagé"
        desk.get(base + "/c/caluire-et-cuire/demarches/subvention-association?page=0")
        assert desk.find_element(By.ID, "champ-association").get_attribute("value") == "Jardins du Vallon"
        assert desk.find_element(By.ID, "champ-bureau.0.nom").get_attribute("value") == "Inès Roche"
    finally:
        desk.quit()
