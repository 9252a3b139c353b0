"""The Métropole's finance department, in a real browser, simulates a commune's change of offer, sees its effect
on the year's contributions before anything is saved, saves it, and the finance command line bills it.
(Named to run after test_finance_cli, which reads the demo's figures unchanged.)"""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from test_browser_journey import browser, click_and_wait, sign_in  # noqa: F401 (the fixture)
from test_finance_cli import run


def test_a_refused_simulation_lands_on_its_error(guichet, browser):  # noqa: F811
    """The page comes back where the answer is (the refusal, linked to its field), not at its top; axe passes."""
    from test_accessibility import violations
    sign_in(browser, guichet["base"], "admin@metropole.demo.fr")
    browser.get(guichet["base"] + "/bo/metropole/convention/commune?insee=69034")
    assert "Montants 2025 sous l'ancienne convention" in browser.page_source
    assert "l'ancienne convention : ." not in browser.page_source, "never an empty list"
    Select(browser.find_element(By.ID, "offre_offre")).select_by_value("connecte")
    browser.execute_script("arguments[0].value = ''", browser.find_element(By.ID, "offre_a_partir_du"))
    click_and_wait(browser, browser.find_element(By.XPATH, "//section[.//h3[normalize-space()=\"Changer d'offre\"]]//button[@value='simuler']"))
    assert browser.current_url.endswith("#resultat")
    summary = browser.find_element(By.CSS_SELECTOR, "#resultat .error-summary")
    top = browser.execute_script("return arguments[0].getBoundingClientRect().top", summary)
    # The anchor's scroll may stop a fraction of a pixel past the summary's top (sub-pixel layout): on screen still.
    assert -1 < top < browser.execute_script("return window.innerHeight"), "the error is on screen"
    link = summary.find_element(By.TAG_NAME, "a")
    field = browser.find_element(By.ID, link.get_attribute("href").split("#")[1])
    assert field.get_attribute("aria-invalid") == "true"
    assert violations(browser) == []


def test_an_offer_change_is_simulated_then_saved_and_billed(guichet, browser):  # noqa: F811
    sign_in(browser, guichet["base"], "admin@metropole.demo.fr")
    browser.get(guichet["base"] + "/bo/metropole/contributions")
    Select(browser.find_element(By.ID, "commune-geree")).select_by_visible_text("Caluire-et-Cuire")
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Voir et modifier']"))
    assert "Convention cadre — Caluire-et-Cuire" in browser.page_source

    Select(browser.find_element(By.ID, "offre_offre")).select_by_value("connecte")
    # A date input's typed format follows the browser's locale; the value it posts is always yyyy-mm-dd.
    browser.execute_script("arguments[0].value = '2026-07-01'", browser.find_element(By.ID, "offre_a_partir_du"))
    click_and_wait(browser, browser.find_element(By.XPATH, "//section[.//h3[normalize-space()=\"Changer d'offre\"]]//button[@value='simuler']"))
    simulation = browser.find_element(By.ID, "simulation").text
    assert "Caluire-et-Cuire passe à l'offre connecté" in simulation
    for amount in ("13\u202f714,60 €", "6\u202f800,94 €", "2\u202f959,86 €"):  # thousands: a narrow no-break space
        assert amount in simulation, simulation
    unchanged = run(guichet, "contributions", "--year", "2026")
    assert "69034,Caluire-et-Cuire,toodego,connecte" not in unchanged.stdout, "a simulation saves nothing"

    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Enregistrer ce changement']"))
    assert "Changement enregistré" in browser.page_source
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "main table")[0].find_elements(By.TAG_NAME, "tr")]
    assert any("connecté" in r and "01/07/2026" in r for r in rows), rows

    billed = run(guichet, "contributions", "--year", "2026")
    assert billed.returncode == 0, billed.stderr
    caluire = [line for line in billed.stdout.splitlines() if line.startswith("69034,Caluire-et-Cuire,toodego")]
    assert [line.split(",")[3] for line in caluire] == ["partenaire", "connecte"]
    assert [line.split(",")[-1] for line in caluire] == ["6800.94", "2959.86"]
