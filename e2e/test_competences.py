"""The Métropole's admins set who answers for what (issue 16): the categories of competence and the routing rules,
in a real browser, with a rule refused beside its condition; axe-core on each page."""
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from test_accessibility import violations
from test_browser_journey import browser, sign_in, wait_for_next_page  # noqa: F401 (the fixture)


def test_the_admins_read_the_competences_and_a_bad_rule_is_refused_beside_its_condition(guichet, browser):  # noqa: F811
    base = guichet["base"]
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/competences")
    categories = browser.find_element(By.ID, "categories").text
    assert "Éclairage public" in categories and "Voirie" in categories, categories
    assert "Signaler un problème" in browser.find_element(By.ID, "liste-regles").text
    assert violations(browser) == [], browser.current_url

    # Typed, then sent with Enter from the field, as a keyboard user would.
    condition = browser.find_element(By.ID, "condition")
    condition.send_keys('flux == "om"')
    old_page = browser.find_element(By.TAG_NAME, "html")
    condition.send_keys(Keys.ENTER)
    wait_for_next_page(browser, old_page)
    assert browser.find_element(By.ID, "erreur-condition").text.startswith("Condition : ")
    assert browser.find_element(By.ID, "condition").get_attribute("aria-invalid") == "true"
    assert violations(browser) == [], browser.current_url

    browser.get(base + "/bo/metropole/competences/eclairage-public")
    assert browser.find_element(By.ID, "exception-lyon").get_attribute("checked") is None
    assert violations(browser) == [], browser.current_url
