"""The Curriculum tab in a real headless Chromium: paste outcomes, accept matches, save, reload, see coverage."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.test_browser import choose, element, pick, shot, type_into, wait

pytestmark = pytest.mark.browser
TARGETS = '{"name":"cur-roles","type":"role-picker"}'  # how Dash writes a dict id in the DOM


def coverage_text(d) -> str:
    return d.find_element(By.ID, "cur-coverage").text


def test_paste_accept_save_reload_and_see_coverage(driver, base_url):
    driver.get(base_url + "?tab=curriculum")
    wait(
        driver, lambda: element(driver, "cur-text") is not None and element(driver, "cur-text").is_displayed()
    )
    wait(driver, lambda: element(driver, TARGETS) is not None)
    pick(driver, TARGETS, "medical aesthetician")
    pick(driver, TARGETS, "aesthetic medical laser technician")
    wait(driver, lambda: "3 every role needs" in driver.find_element(By.ID, "cur-plan-summary").text)
    type_into(element(driver, "cur-text"), "Perform laser hair removal\nlaser safety and operation")
    element(driver, "cur-title").send_keys("Browser course")
    driver.find_element(By.ID, "cur-propose").click()
    boxes = wait(
        driver, lambda: len(b := driver.find_elements(By.CSS_SELECTOR, "#cur-proposals input")) >= 2 and b
    )
    first_of_second = driver.find_elements(By.CSS_SELECTOR, "#cur-proposals .outcome")[1].find_element(
        By.CSS_SELECTOR, "input"
    )
    assert (
        "laser safety and operation"
        in driver.find_elements(By.CSS_SELECTOR, "#cur-proposals .outcome")[1].text
    )
    first_of_second.click()  # accept "laser safety and operation" for the second outcome
    wait(driver, lambda: "covers 1 of 7 essential items (14 %)" in coverage_text(driver))
    assert boxes
    driver.find_element(By.ID, "cur-save").click()
    wait(driver, lambda: "version 1" in driver.find_element(By.ID, "cur-message").text)
    shot(driver, "curriculum-saved")

    driver.refresh()  # a new page: nothing in the browser, the curriculum comes back from the store
    wait(
        driver,
        lambda: element(driver, "cur-saved") is not None and element(driver, "cur-saved").is_displayed(),
    )
    assert "essential items" not in coverage_text(driver)
    choose(driver, "cur-saved", "Browser course")
    driver.find_element(By.ID, "cur-open").click()
    wait(
        driver, lambda: "Opened “Browser course”, version 1" in driver.find_element(By.ID, "cur-message").text
    )
    text = wait(driver, lambda: "covers 1 of 7 essential items (14 %)" in (t := coverage_text(driver)) and t)
    assert (
        "covers 0 of 5 essential items (0 %)" in text
    )  # laser safety is optional for the medical aesthetician
    checked = driver.execute_script(
        "return [...document.querySelectorAll('#cur-proposals input')].filter(i => i.checked).length;"
    )
    assert checked == 1
    driver.find_element(By.XPATH, "//summary[contains(., 'missing 6, in learning order')]").click()
    wait(driver, lambda: "accredited laser technician program" in coverage_text(driver))
    shot(driver, "curriculum-coverage")

    # an outcome that teaches two things: both proposed, both ticked, each read "accepted" and counted
    type_into(
        element(driver, "cur-text"), "Apply chemical peels and microdermabrasion\nKeep treatment records"
    )
    driver.find_element(By.ID, "cur-propose").click()
    first = wait(
        driver,
        lambda: (
            "microdermabrasion"
            in (o := driver.find_elements(By.CSS_SELECTOR, "#cur-proposals .outcome"))[0].text
            and o[0]
        ),
    )
    assert "chemical peel" in first.text and "procedure, curated" in first.text
    scores = [int(s.text.split()[0]) for s in first.find_elements(By.CSS_SELECTOR, ".proposal-score")]
    assert scores == sorted(scores, reverse=True)
    for label in ("chemical peel", "microdermabrasion"):
        box = first.find_element(By.XPATH, f".//label[.//strong[text()='{label}']]")
        box.click()
        wait(driver, lambda box=box: "accepted" in box.text)
    wait(driver, lambda: "also covers 2 optional items" in coverage_text(driver))
    coverage = driver.find_element(By.CSS_SELECTOR, ".review > .coverage")
    assert driver.execute_script("return getComputedStyle(arguments[0]).position", coverage) == "sticky"
    driver.execute_script("arguments[0].scrollIntoView()", first)
    shot(driver, "curriculum-proposals")


def test_proposing_for_many_outcomes_says_it_is_working_then_shows_the_first_page(driver, base_url):
    driver.get(base_url + "?tab=curriculum")
    wait(
        driver, lambda: element(driver, "cur-text") is not None and element(driver, "cur-text").is_displayed()
    )
    outcomes = "\n".join(f"perform laser hair removal safely on skin type {i}" for i in range(600))
    driver.execute_script(  # 600 lines typed key by key would take minutes; set as React sees input
        "const t = document.getElementById('cur-text');"
        "Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value').set.call(t, arguments[0]);"
        "t.dispatchEvent(new Event('input', {bubbles: true}));",
        outcomes,
    )
    driver.find_element(By.ID, "cur-propose").click()
    wait(driver, lambda: "proposing matches" in driver.find_element(By.ID, "cur-working").text)
    assert not driver.find_element(By.ID, "cur-propose").is_enabled()  # no second click meanwhile
    wait(driver, lambda: "600 outcomes read" in driver.find_element(By.ID, "cur-message").text, timeout=120)
    assert driver.find_element(By.ID, "cur-working").text == ""
    assert len(driver.find_elements(By.CSS_SELECTOR, "#cur-proposals .outcome")) == 50  # one page of 12
    assert "outcomes 1–50" in driver.find_element(By.ID, "cur-proposals").text
