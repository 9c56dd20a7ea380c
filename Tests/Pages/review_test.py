"""Drives /review in a real headless Chromium: the queue lists the jobs waiting for a person
with the photo as sent and the result; approve one, reject the other.

usage: review_test.py BASE_URL KEY APPROVE_ID REJECT_ID SCREENSHOT_DIR
Prints one JSON line with what it saw; screenshots go to SCREENSHOT_DIR."""
import json
import os
import sys

from browser import open_browser, sign_in
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

base, key, approve_id, reject_id, shots = sys.argv[1:6]
browser = open_browser(1100, 1300)
seen = {}
try:
    wait = WebDriverWait(browser, 60)
    sign_in(browser, f"{base}/review", key, "review", wait)
    wait.until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#queue .result")) == 2)
    seen["summary"] = browser.find_element(By.ID, "summary").text
    items = {item.get_attribute("data-id"): item for item in browser.find_elements(By.CSS_SELECTOR, "#queue .result")}
    seen["listed"] = sorted(items)
    wait.until(lambda b: all(b.execute_script(
        "return arguments[0].complete && arguments[0].naturalWidth > 0", item.find_element(By.CLASS_NAME, "input"))
        for item in items.values()))
    seen["why"] = {ident: item.find_element(By.CLASS_NAME, "why").text for ident, item in items.items()}
    wait.until(lambda b: all(b.execute_script(
        "const o = arguments[0]; return o.closest('figure').hidden || (o.complete && o.naturalWidth > 0)",
        item.find_element(By.CLASS_NAME, "output")) for item in items.values()))
    seen["output_sizes"] = {ident: browser.execute_script("return arguments[0].naturalWidth", item.find_element(By.CLASS_NAME, "output"))
                            for ident, item in items.items()}
    seen["fix_shown"] = {ident: item.find_element(By.CLASS_NAME, "fix").is_displayed() for ident, item in items.items()}
    browser.save_screenshot(os.path.join(shots, "review-queue.png"))
    items[approve_id].find_element(By.CLASS_NAME, "approve").click()
    items[reject_id].find_element(By.CLASS_NAME, "reject").click()
    wait.until(lambda b: items[approve_id].get_attribute("data-decision") and items[reject_id].get_attribute("data-decision"))
    seen["decisions"] = {ident: item.get_attribute("data-decision") for ident, item in items.items()}
    seen["decision_text"] = items[approve_id].find_element(By.CLASS_NAME, "decision").text
    browser.save_screenshot(os.path.join(shots, "review-decided.png"))
    browser.refresh()
    wait.until(lambda b: "waiting" in b.find_element(By.ID, "summary").text.lower())
    seen["after_reload"] = browser.find_element(By.ID, "summary").text
finally:
    browser.quit()
print(json.dumps(seen))
