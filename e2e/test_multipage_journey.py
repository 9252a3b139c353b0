"""A citizen on a phone walks the multi-page subsidy démarche: questions appear as answers change (live
conditions), a page check refuses too large an amount, a file is kept across pages, a summary comes before
sending, and the receipt e-mail arrives."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import wait_for_mail
from test_browser_journey import browser, click_and_wait  # noqa: F401  (the phone-sized browser fixture)


def button(browser, label):
    return browser.find_element(By.XPATH, f"//button[normalize-space()=\"{label}\"]")


def set_value(browser, element_id, value):
    """Date inputs take keyboard input in the browser's locale order; setting the value is locale-proof."""
    browser.execute_script("arguments[0].value = arguments[1]", browser.find_element(By.ID, element_id), value)


def fill_contact_page(browser):
    """The subsidy form's last page, then on to the summary."""
    browser.find_element(By.ID, "champ-nom").send_keys("Paul Durand")
    browser.find_element(By.ID, "fonction-president").click()
    browser.find_element(By.ID, "champ-email").send_keys("paul@exemple.fr")
    browser.find_element(By.ID, "champ-engagement").click()
    click_and_wait(browser, button(browser, "Continuer"))


def test_multi_page_conditional_form_on_a_phone(guichet, browser, tmp_path):  # noqa: F811
    base = guichet["base"]
    browser.get(base + "/c/caluire-et-cuire/")
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "subvention pour une association"))
    assert browser.execute_script("return window.innerWidth") <= 400
    assert "Étape 1 sur 4" in browser.find_element(By.CSS_SELECTOR, ".step").text

    # Live condition: ticking the box reveals the SIRET question without leaving the page.
    siret = browser.find_element(By.ID, "bloc-siret")
    assert not siret.is_displayed()
    browser.find_element(By.ID, "champ-a_siret").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "bloc-siret").is_displayed())
    browser.find_element(By.ID, "champ-siret").send_keys("732 829 320 00075")  # one digit wrong
    browser.find_element(By.ID, "champ-association").send_keys("Les Amis du Parc")
    browser.find_element(By.ID, "champ-rna").send_keys("W691234567")
    browser.find_element(By.ID, "adresse_siege-street").send_keys("3 place de la Mairie")
    browser.find_element(By.ID, "adresse_siege-postcode").send_keys("69300")
    browser.find_element(By.ID, "adresse_siege-city").send_keys("Caluire-et-Cuire")
    click_and_wait(browser, button(browser, "Continuer"))
    assert "SIRET n'est pas valide" in browser.find_element(By.ID, "erreur-siret").text
    field = browser.find_element(By.ID, "champ-siret")
    field.clear()
    field.send_keys("732 829 320 00074")
    click_and_wait(browser, button(browser, "Continuer"))

    # Page 2: choosing an event asks for its dates and place.
    assert "Étape 2 sur 4" in browser.find_element(By.CSS_SELECTOR, ".step").text
    assert not browser.find_element(By.ID, "bloc-evenement_dates").is_displayed()
    browser.find_element(By.ID, "objet-evenement").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "bloc-evenement_dates").is_displayed())
    set_value(browser, "evenement_dates-start", "2027-06-20")
    set_value(browser, "evenement_dates-end", "2027-06-21")
    browser.find_element(By.ID, "champ-evenement_lieu").send_keys("Parc de la Jonchère")
    browser.find_element(By.ID, "champ-description").send_keys("Fête de quartier avec les écoles")
    browser.find_element(By.ID, "publics-familles").click()
    click_and_wait(browser, button(browser, "Continuer"))

    # Page 3: more than 80 % of the budget is refused with the page's message; the statutes stay attached.
    statutes = tmp_path / "statuts.pdf"
    statutes.write_bytes(b"%PDF-1.4\n% statuts\n")
    browser.find_element(By.ID, "champ-budget").send_keys("2000")
    browser.find_element(By.ID, "champ-montant").send_keys("1900")
    browser.find_element(By.ID, "champ-iban").send_keys("FR76 3000 6000 0112 3456 7890 189")
    browser.find_element(By.ID, "champ-statuts").send_keys(str(statutes))
    click_and_wait(browser, button(browser, "Continuer"))
    assert "ne peut pas dépasser 80 %" in browser.find_element(By.ID, "erreur-page").text
    assert "Déjà joint : statuts.pdf" in browser.page_source
    amount = browser.find_element(By.ID, "champ-montant")
    amount.clear()
    amount.send_keys("1500")
    click_and_wait(browser, button(browser, "Continuer"))

    # Page 4, then the summary.
    fill_contact_page(browser)
    text = browser.find_element(By.TAG_NAME, "main").text
    assert "Vérifiez votre demande" in text, browser.find_element(By.TAG_NAME, "main").get_attribute("innerHTML")[:3000]
    assert "du 20/06/2027 au 21/06/2027" in text
    assert "75" in text and "Part du budget demandée" in text
    assert "statuts.pdf" in text

    # Going back to a page keeps its answers, and leads back to the summary.
    click_and_wait(browser, browser.find_element(By.PARTIAL_LINK_TEXT, "Modifier « Budget »"))
    assert browser.find_element(By.ID, "champ-montant").get_attribute("value") == "1500"
    click_and_wait(browser, button(browser, "Revenir au récapitulatif"))
    click_and_wait(browser, button(browser, "Envoyer ma demande"))

    number = browser.find_element(By.ID, "numero").text
    assert number.startswith("CAL-")
    wait_for_mail(guichet["mail"], lambda s, b: number in s and "reçue" in s)
