"""« Point sur une carte » on a phone: Leaflet (Debian's libjs-leaflet) draws a map above the coordinates; touching
it fills them. No tiles are fetched here (no network in CI): the map still takes the touch."""
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from test_browser_journey import browser  # noqa: F401  (the phone-sized browser fixture)


def test_touching_the_map_fills_the_coordinates(guichet, browser):  # noqa: F811
    browser.get(guichet["base"] + "/c/caluire-et-cuire/demarches/signalement-espace-public")
    WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "carte-emplacement").is_displayed())
    carte = browser.find_element(By.ID, "carte-emplacement")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", carte)
    ActionChains(browser).move_to_element_with_offset(carte, 10, 10).click().perform()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "emplacement-lat").get_attribute("value") != "")
    lat = float(browser.find_element(By.ID, "emplacement-lat").get_attribute("value"))
    lon = float(browser.find_element(By.ID, "emplacement-lon").get_attribute("value"))
    assert 45.6 < lat < 45.9 and 4.7 < lon < 5.0, (lat, lon)
    assert browser.find_elements(By.CSS_SELECTOR, "#carte-emplacement .leaflet-marker-icon"), "a marker shows the point"
