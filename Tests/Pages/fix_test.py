"""Drives /review's click-to-fix in a real headless Chromium: click the board behind the
kitchen mug on the photo as sent, press Fix, and wait for the new render.

usage: fix_test.py BASE_URL KEY JOB_ID X Y SCREENSHOT_DIR   (X, Y: fractions of the photo)
Prints one JSON line with what it saw, including the new render's alpha where it clicked."""
import io
import json
import os
import sys

import requests
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from browser import open_browser, sign_in

base, key, job_id, x, y, shots = sys.argv[1:7]
x, y = float(x), float(y)
browser = open_browser(1100, 1300)
seen = {}
try:
    wait = WebDriverWait(browser, 120)
    sign_in(browser, f"{base}/review", key, "review", wait)
    item = wait.until(lambda b: b.find_element(By.CSS_SELECTOR, f'#queue .result[data-id="{job_id}"]'))
    photo = item.find_element(By.CLASS_NAME, "input")
    wait.until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", photo))
    browser.execute_script("arguments[0].scrollIntoView()", photo)
    # Selenium's offsets are from the element's centre.
    width, height = photo.size["width"], photo.size["height"]
    ActionChains(browser).move_to_element_with_offset(photo, int((x - 0.5) * width), int((y - 0.5) * height)).click().perform()
    seen["points"] = item.find_element(By.CLASS_NAME, "points").text
    seen["marks"] = len(item.find_elements(By.CSS_SELECTOR, ".mark.remove"))
    # The click previews the fix at once, from the cached mask.
    wait.until(lambda b: item.get_attribute("data-preview"))
    output = item.find_element(By.CLASS_NAME, "output")
    wait.until(lambda b: b.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", output))
    seen["preview_mask"] = item.get_attribute("data-preview")
    seen["preview_caption"] = item.find_element(By.CLASS_NAME, "result-caption").text
    seen["preview_alpha_at_click"] = browser.execute_script(
        "const image = arguments[0], canvas = document.createElement('canvas');"
        "canvas.width = image.naturalWidth; canvas.height = image.naturalHeight;"
        "const context = canvas.getContext('2d'); context.drawImage(image, 0, 0);"
        "return context.getImageData(Math.floor(arguments[1] * canvas.width), Math.floor(arguments[2] * canvas.height), 1, 1).data[3];",
        output, x, y)
    browser.save_screenshot(os.path.join(shots, "review-preview.png"))
    item.find_element(By.CLASS_NAME, "fix").click()
    wait.until(lambda b: item.get_attribute("data-fixed"))
    seen["fixed"] = item.get_attribute("data-fixed")
    seen["decision"] = item.find_element(By.CLASS_NAME, "decision").text
    browser.save_screenshot(os.path.join(shots, "review-fixed.png"))
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {key}"
    job = session.get(f"{base}/v1/image/{seen['fixed']}").json()
    seen["notes"] = job.get("notes")
    image = Image.open(io.BytesIO(session.get(base + job["output_url"]).content)).convert("RGBA")
    seen["alpha_at_click"] = image.getpixel((int(x * image.width), int(y * image.height)))[3]
    seen["alpha_at_mug"] = image.getpixel((image.width // 2, int(0.7 * image.height)))[3]
finally:
    browser.quit()
print(json.dumps(seen))
