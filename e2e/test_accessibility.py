"""axe-core (axe-selenium-python, which ships it) on the pages this change touched, in a real browser: the
démarche's page in the designer as its admin and as an agent (whose links differ), the inbox past its last page,
and the sign-in page. Every violation is listed with its rule and the elements concerned."""
from axe_selenium_python import Axe

from test_browser_journey import browser, sign_in, sign_out, wait_for_next_page  # noqa: F401 (the fixture)


# The axe-core that axe-selenium-python ships (3.1.1) predates autocomplete="username" on an e-mail input, which
# is what the HTML standard's autofill and password managers expect on a sign-in form: that one rule is off.
OPTIONS = '{"rules": {"autocomplete-valid": {"enabled": false}}}'  # axe-selenium-python pastes it into JavaScript


def violations(browser):
    axe = Axe(browser)
    axe.inject()
    found = axe.run(options=OPTIONS)["violations"]
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in found]


def test_changed_pages_pass_axe(guichet, browser):  # noqa: F811
    base = guichet["base"]
    browser.get(base + "/compte/connexion")
    assert violations(browser) == []
    sign_in(browser, base, "admin@caluire-et-cuire.demo.fr")
    browser.get(base + "/bo/caluire-et-cuire/demarches/signalement-espace-public")
    assert "Exporter le paquet" in browser.page_source
    assert violations(browser) == []
    # The designer's status and transition editors: a decision to choose, roles ticked from the collectivité's list.
    browser.get(base + "/bo/caluire-et-cuire/demarches/signalement-espace-public/conception/statuts/classee")
    assert "Décision (statut de fin)" in browser.page_source
    assert violations(browser) == []
    browser.get(base + "/bo/caluire-et-cuire/demarches/signalement-espace-public/conception/transitions/prendre")
    assert "role-services-techniques" in browser.page_source
    assert violations(browser) == []
    # A block's noun, an address that locates the request, a back-office field's label (issue 14), a question
    # filled from FranceConnect (issue 15).
    design = base + "/bo/caluire-et-cuire/demarches/subvention-association/conception"
    for path, text in ((design + "/champs/bureau", "Nom d'un élément"),
                       (base + "/bo/caluire-et-cuire/demarches/signalement-espace-public/conception/champs/adresse", "Cette adresse situe la demande"),
                       (design + "/statuts/recue/action/1", "Libellé vu des agents"),
                       (base + "/bo/caluire-et-cuire/demarches/acte-etat-civil/conception/champs/titulaire_prenoms", "Rempli par FranceConnect")):
        browser.get(path)
        assert text in browser.page_source, path
        assert violations(browser) == [], path
    browser.get(base + "/bo/caluire-et-cuire/demandes?page=9223372036854775807")
    assert "Page 1000000 sur" in browser.page_source
    assert violations(browser) == []
    sign_out(browser)
    sign_in(browser, base, "agent@caluire-et-cuire.demo.fr")
    browser.get(base + "/bo/caluire-et-cuire/demarches/signalement-espace-public")
    assert "Exporter le paquet" not in browser.page_source, "an agent gets no link to what is refused"
    assert violations(browser) == []


def test_agent_administration_passes_axe(guichet, browser):  # noqa: F811
    """The agents page, as it opens, with an invitation refused (errors beside the fields), and as the Métropole's
    admin (who also gives a commune its first admin); the API tokens page with a token listed."""
    from selenium.webdriver.common.by import By
    base = guichet["base"]
    sign_in(browser, base, "admin@caluire-et-cuire.demo.fr")
    browser.get(base + "/bo/caluire-et-cuire/agents")
    assert "Inviter un agent" in browser.page_source
    assert violations(browser) == []
    from selenium.webdriver.common.keys import Keys
    browser.find_element(By.ID, "email").send_keys("pas une adresse")
    # Sent from the keyboard, as a keyboard user would: headless Chromium dropped the pointer click on this button
    # once the e-mail field had been typed into.
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, "//button[text()=\"Envoyer l'invitation\"]").send_keys(Keys.ENTER)
    wait_for_next_page(browser, old)
    assert "Cochez au moins un rôle." in browser.page_source
    assert violations(browser) == []
    # The API tokens page, with a token made and listed.
    browser.get(base + "/bo/caluire-et-cuire/jetons")
    browser.find_element(By.ID, "libelle").send_keys("Tableau de bord")
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.XPATH, "//button[text()='Créer un jeton']").send_keys(Keys.ENTER)
    wait_for_next_page(browser, old)
    assert "Copiez-le maintenant" in browser.page_source and "Révoquer « Tableau de bord »" in browser.page_source
    assert violations(browser) == []
    browser.get(base + "/compte")
    sign_out(browser)
    sign_in(browser, base, "admin@metropole.demo.fr")
    browser.get(base + "/bo/metropole/agents")
    assert "Premier administrateur d'une commune" in browser.page_source
    assert violations(browser) == []
    browser.get(base + "/compte")
    sign_out(browser)


def test_unknown_addresses_get_the_sites_error_page(guichet, browser):  # noqa: F811
    """Issue 14, item 8: an address no route takes answers the site's French page in its
    layout, not raw JSON, and that page passes axe."""
    from selenium.webdriver.common.by import By
    browser.get(guichet["base"] + "/page-inconnue")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Page introuvable"
    assert '"error":true' not in browser.page_source
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    assert violations(browser) == []


def test_designer_removals_are_confirmed(guichet, browser):  # noqa: F811
    """Removing a status in the designer shows what goes with it and changes nothing until confirmed."""
    from selenium.webdriver.common.by import By
    from test_browser_journey import click_and_wait
    base = guichet["base"]
    sign_in(browser, base, "admin@caluire-et-cuire.demo.fr")
    browser.get(base + "/bo/caluire-et-cuire/demarches/occupation-domaine-public/conception")
    click_and_wait(browser, browser.find_element(By.CSS_SELECTOR, "button[aria-label='Supprimer le statut « Refusée »']"))
    assert "Supprimer le statut « Refusée » ?" in browser.find_element(By.TAG_NAME, "h1").text
    assert "La transition « Refuser », qui y mène, est supprimée aussi." in browser.page_source
    assert violations(browser) == []
    click_and_wait(browser, browser.find_element(By.LINK_TEXT, "Annuler"))
    assert "Refuser" in browser.page_source, "cancelled: nothing removed"


def test_the_pages_a_public_service_must_have_pass_axe(guichet, browser):  # noqa: F811
    """Mentions légales, données personnelles, the accessibility statement, aide et contact and the site map, linked
    from every page's footer; and the admins' editor of their texts."""
    from selenium.webdriver.common.by import By
    base = guichet["base"]
    browser.get(base + "/")
    assert "les démarches de la Métropole" in browser.page_source
    assert violations(browser) == []
    browser.get(base + "/c/caluire-et-cuire/")
    footer = browser.find_element(By.CSS_SELECTOR, "footer")
    links = {label: footer.find_element(By.LINK_TEXT, label).get_attribute("href")
             for label in ("Mentions légales", "Données personnelles", "Accessibilité : non conforme", "Aide et contact", "Plan du site")}
    for label, href in links.items():
        assert "/c/caluire-et-cuire/" in href, href
        browser.get(href)
        assert browser.find_element(By.TAG_NAME, "h1").text, label
        assert violations(browser) == [], label
    sign_in(browser, base, "admin@caluire-et-cuire.demo.fr")
    browser.get(base + "/bo/caluire-et-cuire/pages-legales")
    assert "Texte par défaut de Guichet." in browser.page_source
    assert violations(browser) == []
