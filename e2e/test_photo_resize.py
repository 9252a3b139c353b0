"""A photo from a phone is reduced in the browser before it is sent: a 3000 × 2000 PNG chosen for the report's
« Photo » becomes a JPEG whose longest side is 2048 pixels, and the request is filed with it."""
import struct
import zlib

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from test_browser_journey import browser, click_and_wait  # noqa: F401  (the phone-sized browser fixture)


def png(path, width, height):
    row = b"\x00" + bytes([40, 120, 200]) * width
    raw = zlib.compress(row * height, 9)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                + chunk(b"IDAT", raw) + chunk(b"IEND", b""))


def test_a_large_photo_is_reduced_before_it_is_sent(guichet, browser, tmp_path):  # noqa: F811
    photo = tmp_path / "trottoir.png"
    png(photo, 3000, 2000)
    browser.get(guichet["base"] + "/c/caluire-et-cuire/demarches/signalement-espace-public")
    browser.find_element(By.ID, "champ-photo").send_keys(str(photo))
    WebDriverWait(browser, 15).until(
        lambda d: d.execute_script("var f = document.getElementById('champ-photo').files[0]; return f && f.type === 'image/jpeg';"))
    size = browser.execute_async_script("""
        var done = arguments[arguments.length - 1];
        createImageBitmap(document.getElementById('champ-photo').files[0]).then(function (b) { done([b.width, b.height]); });
    """)
    assert size == [2048, 1365], size
    assert browser.execute_script("return document.getElementById('champ-photo').files[0].name") == "trottoir.jpg"

    # The reduced JPEG is what the server checks and keeps.
    Select(browser.find_element(By.ID, "champ-categorie")).select_by_visible_text("Dépôt sauvage")
    browser.find_element(By.ID, "champ-description").send_keys("Trottoir encombré")
    browser.find_element(By.ID, "adresse-street").send_keys("1 place Jules Ferry")
    browser.find_element(By.ID, "adresse-postcode").send_keys("69300")
    assert browser.find_element(By.ID, "adresse-city").get_attribute("value") == "Caluire-et-Cuire", "the commune's own town to start with"
    browser.find_element(By.ID, "champ-nom").send_keys("Nour Habitante")
    browser.find_element(By.ID, "champ-email").send_keys("nour@exemple.fr")
    browser.find_element(By.ID, "champ-consentement").click()
    click_and_wait(browser, browser.find_element(By.XPATH, "//button[normalize-space()='Envoyer ma demande']"))
    assert browser.find_element(By.ID, "numero").text.startswith("CAL-"), browser.page_source[:2000]

