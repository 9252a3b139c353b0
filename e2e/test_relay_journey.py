"""The relay (issue 16), end to end: a citizen reports a broken street lamp in Albigny-sur-Saône (no membership) to
the Métropole; the town hall receives over real SMTP the whole request with the photo attached and a link; through
that link, in a real browser and without an account, it acknowledges, answers the citizen (who gets the e-mail) and
closes the request. The Métropole's list of relays shows it. axe-core on the relay page and the list."""
import email
import os
import re

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import wait_for_mail
from test_accessibility import violations
from test_browser_journey import browser, click_and_wait, sign_in  # noqa: F401 (the fixture)
from test_photo_resize import png


def relay_message(folder, number):
    """The relay e-mail of request `number`, as the SMTP server received it."""
    for name in sorted(os.listdir(folder)):
        if name.endswith(".eml"):
            with open(os.path.join(folder, name), "rb") as f:
                message = email.message_from_bytes(f.read())
            subject = str(email.header.make_header(email.header.decode_header(message["Subject"])))
            if subject.startswith(f"Demande {number} relayée"):
                return message
    raise AssertionError("no relay e-mail for " + number)


def report_street_lamp(browser, base, description, address, citizen, photo=None):
    """A citizen reports a street lamp out to the Métropole, at `address` (street, postcode, town); returns the number."""
    browser.get(base + "/c/metropole/demarches/signalement-espace-public")
    Select(browser.find_element(By.ID, "champ-categorie")).select_by_visible_text("Éclairage public en panne")
    browser.find_element(By.ID, "champ-description").send_keys(description)
    browser.find_element(By.ID, "adresse-street").send_keys(address[0])
    browser.find_element(By.ID, "adresse-postcode").send_keys(address[1])
    city = browser.find_element(By.ID, "adresse-city")
    city.clear()
    city.send_keys(address[2])
    if photo:
        browser.find_element(By.ID, "champ-photo").send_keys(str(photo))
    browser.find_element(By.ID, "champ-nom").send_keys(citizen[0])
    browser.find_element(By.ID, "champ-email").send_keys(citizen[1])
    browser.find_element(By.ID, "champ-consentement").click()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer ma demande']"))
    return browser.find_element(By.ID, "numero").text


def test_a_town_hall_acts_on_a_relayed_request_through_its_link(guichet, browser, tmp_path):  # noqa: F811
    base = guichet["base"]
    photo = tmp_path / "lampadaire.png"
    png(photo, 40, 30)
    number = report_street_lamp(browser, base, "Lampadaire éteint devant l'école", ("1 place de la Liberté", "69250", "Albigny-sur-Saône"),
                                ("Inès Riveraine", "ines@exemple.fr"), photo)
    assert browser.find_element(By.ID, "traitee-par").text == "Votre demande est traitée par la mairie d'Albigny-sur-Saône."

    subject, body = wait_for_mail(guichet["mail"], lambda s, b: s.startswith(f"Demande {number} relayée"))
    assert subject == f"Demande {number} relayée par la Métropole de Lyon : Éclairage public"
    assert "Description : Lampadaire éteint devant l'école" in body, body
    message = relay_message(guichet["mail"], number)
    assert message["To"] == "accueil@mairie-albignysursaone.fr"
    files = [p for p in message.walk() if p.get_content_disposition() == "attachment"]
    assert [f.get_filename() for f in files] == ["lampadaire.png"]
    assert files[0].get_payload(decode=True) == photo.read_bytes(), "the photo, byte for byte"
    link = re.search(r"https?://\S+/relais/\S+", body).group(0)

    # The Métropole's agents see where it went, and may re-route it (the form folded under « Réorienter »).
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + f"/bo/metropole/demandes/{number}")
    assert "sans accusé de réception" in browser.find_element(By.ID, "relais").text
    browser.find_element(By.CSS_SELECTOR, "#reorienter summary").click()
    assert browser.find_element(By.ID, "lieu").is_displayed()
    assert violations(browser) == [], browser.current_url

    # The town hall, with no account: the link's page, then its three acts.
    browser.delete_all_cookies()
    browser.get(link)
    assert number in browser.find_element(By.TAG_NAME, "h1").text
    assert violations(browser) == [], browser.current_url
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Accuser réception']"))
    assert browser.find_element(By.ID, "statut").text == "En cours de traitement"
    assert browser.find_element(By.ID, "reception").text
    browser.find_element(By.ID, "texte").send_keys("Nos services techniques passent jeudi.")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer la réponse']"))
    _, answer = wait_for_mail(guichet["mail"], lambda s, b: number in s and "Nos services techniques passent jeudi." in b)
    assert "la mairie d'Albigny-sur-Saône vous écrit" in answer, answer
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Clore la demande (traitée)']"))
    assert browser.find_element(By.ID, "statut").text == "Résolue"
    assert violations(browser) == [], browser.current_url

    # The Métropole follows it.
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/relais")
    row = browser.find_element(By.XPATH, f"//table[@id='relais']//tr[td/a[normalize-space()='{number}']]").text
    assert "Albigny-sur-Saône" in row and "Envoyé le" in row, row
    assert violations(browser) == [], browser.current_url
    browser.get(base + f"/bo/metropole/demandes/{number}")
    assert "close par la mairie" in browser.find_element(By.ID, "relais").text
    assert violations(browser) == [], browser.current_url
