"""Drives /studio in a real headless Chromium (Debian's chromium + chromium-driver, selenium):
a wrong key is refused, then sign in, upload a photo, pick marble and a natural shadow, wait
for the shot, download the JPEG, make the preset × shadow sheet, and look at it at desktop and
phone widths.

usage: studio_test.py BASE_URL KEY PHOTO SCREENSHOT_DIR
Prints one JSON line with what it saw; screenshots go to SCREENSHOT_DIR."""
import io
import json
import os
import sys

import requests
from PIL import Image
from browser import open_browser
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as shown
from selenium.webdriver.support.ui import Select, WebDriverWait

base, key, photo, shots = sys.argv[1:5]
browser = open_browser(1200, 1400)
seen = {}
try:
    wait = WebDriverWait(browser, 120)
    browser.get(f"{base}/studio")
    seen["title"] = browser.title
    browser.save_screenshot(os.path.join(shots, "studio-sign-in.png"))

    browser.find_element(By.ID, "key").send_keys("lb_wrong_" + "0" * 64)
    browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
    wait.until(lambda b: b.find_element(By.ID, "key-error").text)
    seen["wrong_key"] = browser.find_element(By.ID, "key-error").text
    seen["studio_hidden_after_wrong_key"] = not browser.find_element(By.ID, "studio").is_displayed()

    browser.find_element(By.ID, "key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
    wait.until(shown.visibility_of_element_located((By.ID, "studio")))
    wait.until(lambda b: "credits" in b.find_element(By.ID, "credits").text)
    seen["credits_before"] = browser.find_element(By.ID, "credits").text
    seen["key_in_url"] = key in browser.current_url

    browser.find_element(By.ID, "photos").send_keys(photo)
    Select(browser.find_element(By.ID, "preset")).select_by_visible_text("marble")
    Select(browser.find_element(By.ID, "shadow")).select_by_visible_text("natural")
    size = browser.find_element(By.ID, "size")
    size.clear()
    size.send_keys("600x600")
    browser.find_element(By.ID, "submit").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".result[data-status]"))
    result = browser.find_element(By.CSS_SELECTOR, ".result")
    seen["status"] = result.get_attribute("data-status")
    seen["status_text"] = result.find_element(By.CLASS_NAME, "status").text
    wait.until(lambda b: b.execute_script("return document.querySelector('.after').complete"))
    slider = result.find_element(By.CLASS_NAME, "slider")
    browser.execute_script("arguments[0].value = 80; arguments[0].dispatchEvent(new Event('input'))", slider)
    seen["before_clip"] = result.find_element(By.CLASS_NAME, "before").value_of_css_property("clip-path")
    wait.until(lambda b: "credits" in b.find_element(By.ID, "credits").text
               and b.find_element(By.ID, "credits").text != seen["credits_before"])
    seen["credits_after"] = browser.find_element(By.ID, "credits").text
    browser.execute_script("arguments[0].scrollIntoView()", result)
    browser.save_screenshot(os.path.join(shots, "studio-result.png"))

    links = {a.get_attribute("class"): a.get_attribute("href")
             for a in result.find_elements(By.CSS_SELECTOR, ".downloads a")}
    seen["downloads"] = sorted(links)
    jpeg = requests.get(links["download-jpeg"])
    image = Image.open(io.BytesIO(jpeg.content)).convert("RGB")
    seen["jpeg"] = {"type": jpeg.headers.get("Content-Type"), "size": list(image.size),
                    "corner": list(image.getpixel((5, 5))), "centre": list(image.getpixel((300, 300)))}
    seen["job_json"] = json.loads(result.find_element(By.CLASS_NAME, "json").get_attribute("textContent"))["status"]

    # The preset × shadow sheet of the same photo: 8 presets in rows, 5 shadows in columns.
    browser.find_element(By.ID, "sheet").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".result.sheet[data-status]"))
    sheet = browser.find_element(By.CSS_SELECTOR, ".result.sheet")
    seen["sheet_status"] = sheet.get_attribute("data-status")
    wait.until(lambda b: b.execute_script("const i = document.querySelector('.sheet-image'); return i.complete && i.naturalWidth"))
    seen["sheet_size"] = browser.execute_script(
        "const i = document.querySelector('.sheet-image'); return [i.naturalWidth, i.naturalHeight]")
    browser.execute_script("arguments[0].scrollIntoView()", sheet)
    browser.save_screenshot(os.path.join(shots, "studio-sheet.png"))

    browser.set_window_size(390, 844)
    browser.save_screenshot(os.path.join(shots, "studio-phone.png"))
    seen["phone_scroll_width"] = browser.execute_script("return document.documentElement.scrollWidth")
finally:
    browser.quit()
print(json.dumps(seen))
