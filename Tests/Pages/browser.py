"""The headless Chromium the page tests drive: Debian's chromium and chromium-driver."""
from selenium import webdriver
from selenium.webdriver.chrome.service import Service


def open_browser(width, height):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    # --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={width},{height}"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def sign_in(browser, url, key, section, wait):
    """Opens a page and signs in with `key`; waits for its signed-in `section` to show."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as shown
    browser.get(url)
    browser.find_element(By.ID, "key").send_keys(key)
    browser.find_element(By.CSS_SELECTOR, "#key-form button").click()
    wait.until(shown.visibility_of_element_located((By.ID, section)))
