"""The form journeys people broke (issue 14), in a real browser on a phone and on a desktop, axe-core on every
page they visit: the subsidy form back and forth to step 1 and back to the summary from « Modifier », a report
with a photo and mistakes (the photo stays; an address in another commune points to it), the receipt's « back » then « Envoyer » (one request), and a file
over the limit refused beside its field with the page's answers kept."""
import shutil
import time

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import wait_for_mail
from test_accessibility import violations
from test_browser_journey import click_and_wait, sign_in
from test_multipage_journey import button, fill_contact_page, set_value

PNG = bytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) + b"\0" * 64


@pytest.fixture(params=["phone", "desktop"])
def window(request):
    options = webdriver.ChromeOptions()
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--lang=fr-FR"):
        options.add_argument(arg)
    if request.param == "phone":
        options.add_experimental_option("mobileEmulation", {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3}})
    else:
        options.add_argument("--window-size=1366,900")
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    driver.implicitly_wait(5)
    yield driver
    driver.quit()


def step(browser):
    return browser.find_element(By.CSS_SELECTOR, ".step").text


def accessible(browser):
    assert violations(browser) == [], browser.current_url


def fill_first_page(browser):
    for element_id, value in (("champ-association", "Les Amis du Parc"), ("champ-rna", "W691234567"),
                              ("adresse_siege-street", "3 place de la Mairie"), ("adresse_siege-postcode", "69300"),
                              ("adresse_siege-city", "Caluire-et-Cuire")):
        field = browser.find_element(By.ID, element_id)
        field.clear()
        field.send_keys(value)


def receipts_to(folder, address):
    """The receipts the SMTP server accepted for this address: one per request filed."""
    import email
    import os
    count = 0
    for name in os.listdir(folder):
        if name.endswith(".eml"):
            with open(os.path.join(folder, name), "rb") as f:
                message = email.message_from_bytes(f.read())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            count += address in message["To"] and "reçue" in subject
    return count


def test_subsidy_form_back_and_forth_to_step_one_and_back_to_the_summary(guichet, window, tmp_path):
    browser, base = window, guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/demarches/subvention-association")
    fill_first_page(browser)
    accessible(browser)
    click_and_wait(browser, button(browser, "Continuer"))
    assert "Étape 2 sur 4" in step(browser)

    # Step 2 left invalid (an event without its dates): going back is not refused, and reaches step 1.
    browser.find_element(By.ID, "objet-evenement").click()
    browser.find_element(By.ID, "champ-description").send_keys("Fête de quartier")
    click_and_wait(browser, button(browser, "Revenir à l'étape précédente"))
    assert "Étape 1 sur 4" in step(browser)
    assert browser.find_element(By.ID, "champ-association").get_attribute("value") == "Les Amis du Parc"
    click_and_wait(browser, button(browser, "Continuer"))
    assert "Étape 2 sur 4" in step(browser)
    assert browser.find_element(By.ID, "champ-description").get_attribute("value") == "Fête de quartier", "kept on the way back"
    set_value(browser, "evenement_dates-start", "2027-06-20")
    set_value(browser, "evenement_dates-end", "2027-06-21")
    browser.find_element(By.ID, "champ-evenement_lieu").send_keys("Parc de la Jonchère")
    click_and_wait(browser, button(browser, "Continuer"))

    # Step 3: the limits are said on the file question; too large a file is refused beside it, answers kept.
    assert "Étape 3 sur 4" in step(browser)
    assert "Formats acceptés : PDF ; 10 Mo au plus par fichier." in browser.find_element(By.ID, "regles-statuts").text
    browser.find_element(By.ID, "champ-budget").send_keys("2000")
    browser.find_element(By.ID, "champ-montant").send_keys("1500")
    browser.find_element(By.ID, "champ-iban").send_keys("FR76 3000 6000 0112 3456 7890 189")
    huge = tmp_path / "statuts-scannes.pdf"
    with open(huge, "wb") as f:
        f.write(b"%PDF-1.4\n")
        f.truncate(11_000_000)
    browser.find_element(By.ID, "champ-statuts").send_keys(str(huge))
    message = WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "erreur-statuts"))
    assert "Ce fichier dépasse 10 Mo" in message.text and "statuts-scannes.pdf" in message.text
    assert browser.find_element(By.ID, "champ-statuts").get_attribute("value") == "", "not sent"
    assert browser.find_element(By.ID, "champ-montant").get_attribute("value") == "1500"
    accessible(browser)
    statutes = tmp_path / "statuts.pdf"
    statutes.write_bytes(b"%PDF-1.4\n% statuts\n")
    browser.find_element(By.ID, "champ-statuts").send_keys(str(statutes))
    assert not browser.find_elements(By.ID, "erreur-statuts"), "the message goes with a file that fits"
    click_and_wait(browser, button(browser, "Continuer"))

    fill_contact_page(browser)
    assert "Vérifiez votre demande" in browser.page_source
    accessible(browser)

    # « Modifier » from the summary: straight to that page, and back to the summary.
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Modifier « Budget »"))
    assert "Étape 3 sur 4" in step(browser)
    amount = browser.find_element(By.ID, "champ-montant")
    amount.clear()
    amount.send_keys("1400")
    click_and_wait(browser, button(browser, "Revenir au récapitulatif"))
    assert "Vérifiez votre demande" in browser.page_source
    assert "1400" in browser.find_element(By.TAG_NAME, "main").text.replace("\u202f", "").replace(" ", "")

    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    number = browser.find_element(By.ID, "numero").text
    accessible(browser)

    # Back to the summary, « Envoyer » again: the first receipt, not a second request nor an empty step 1.
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "Envoyer ma demande" in d.page_source)
    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    assert browser.find_element(By.ID, "numero").text == number
    assert "enregistrée une seule fois" in browser.find_element(By.ID, "deja-envoyee").text
    accessible(browser)
    wait_for_mail(guichet["mail"], lambda s, b: number in s and "reçue" in s)


def test_report_with_a_photo_and_a_mistake_keeps_the_photo_and_files_once(guichet, window, tmp_path):
    browser, base = window, guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/demarches/signalement-espace-public")
    Select(browser.find_element(By.ID, "champ-categorie")).select_by_visible_text("Dépôt sauvage")
    browser.find_element(By.ID, "adresse-street").send_keys("2 avenue Barthélémy Thimonnier")
    browser.find_element(By.ID, "adresse-postcode").send_keys("69300")
    typed = browser.find_element(By.ID, "adresse-city")
    typed.clear()
    typed.send_keys("Lyon 4e")  # the other mistake: a street of Caluire, typed in Lyon
    photo = tmp_path / "depot.png"
    photo.write_bytes(PNG)
    browser.find_element(By.ID, "champ-photo").send_keys(str(photo))
    browser.find_element(By.ID, "champ-nom").send_keys("Nour Habitante")
    email = f"nour-{time.time_ns()}@exemple.fr"
    browser.find_element(By.ID, "champ-email").send_keys(email)
    browser.find_element(By.ID, "champ-consentement").click()
    # The mistake: no description.
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.XPATH, "//button[normalize-space()='Envoyer ma demande']").is_enabled())
    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    assert browser.find_element(By.ID, "erreur-description").text == "Ce champ est obligatoire."
    assert "Déjà joint : depot.png" in browser.find_element(By.ID, "bloc-photo").text
    # An address in another commune: said beside it, with where to turn.
    assert "Cette adresse est à Lyon" in browser.find_element(By.ID, "erreur-adresse").text
    assert browser.find_element(By.LINK_TEXT, "Voir les démarches de Lyon").get_attribute("href").endswith("/c/lyon/")
    accessible(browser)

    city = browser.find_element(By.ID, "adresse-city")
    city.clear()
    city.send_keys("Caluire-et-Cuire")
    browser.find_element(By.ID, "champ-description").send_keys("Encombrants devant l'école")
    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    number = browser.find_element(By.ID, "numero").text
    assert number.startswith("CAL-")

    # Back from the receipt, « Envoyer » again: the same request.
    browser.back()
    WebDriverWait(browser, 10).until(lambda d: "Envoyer ma demande" in d.page_source)
    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    assert browser.find_element(By.ID, "numero").text == number
    wait_for_mail(guichet["mail"], lambda s, b: number in s and "reçue" in s)
    time.sleep(2)  # a second filing's receipt would be delivered by now
    assert receipts_to(guichet["mail"], email) == 1

    # The agent sees the photo, sent once, on the request.
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(f"{base}/bo/caluire-et-cuire/demandes/{number}")
    assert "depot.png" in browser.page_source


def test_civil_status_request_refuses_a_future_date_and_asks_for_proof(guichet, window):  # noqa: F811
    browser, base = window, guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/demarches/acte-etat-civil")
    assert "Aujourd'hui au plus tard." in browser.find_element(By.ID, "bloc-date_evenement").text, "said before the error"
    # « Autre » asks for a document proving the link to the person.
    assert not browser.find_element(By.ID, "bloc-justificatif").is_displayed()
    browser.find_element(By.ID, "qualite-autre").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "bloc-justificatif").is_displayed())
    set_value(browser, "champ-date_evenement", "2099-01-01")
    click_and_wait(browser, button(browser, "Envoyer ma demande"))
    assert browser.find_element(By.ID, "erreur-date_evenement").text == "La date ne peut pas être dans le futur."
    assert browser.find_element(By.ID, "erreur-justificatif").text == "Joignez un fichier."
    accessible(browser)


def test_adding_a_block_item_comes_back_to_it_not_to_the_top(guichet, window):
    browser, base = window, guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/demarches/subvention-association")
    browser.find_element(By.ID, "champ-bureau.0.nom").send_keys("Paul Durand")
    add = button(browser, "Ajouter un membre")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", add)
    click_and_wait(browser, button(browser, "Ajouter un membre"))
    focused = browser.switch_to.active_element
    assert focused.tag_name == "fieldset" and focused.find_element(By.TAG_NAME, "legend").text == "Membre 2"
    if browser.execute_script("return window.innerWidth") <= 400:
        assert browser.execute_script("return window.scrollY") > 0, "a phone is not sent back to the top of the page"
    assert browser.find_element(By.ID, "champ-bureau.0.nom").get_attribute("value") == "Paul Durand"
    accessible(browser)
