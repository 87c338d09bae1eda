"""The Transitions tab in a real headless Chromium: pick a role, see bars, click one for its gap, tick
"what if" items, and the link restores it all."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.test_browser import element, pick, picker_labels, shot, wait

pytestmark = pytest.mark.browser
ROLE = '{"name":"tr-role","type":"role-picker"}'  # how Dash writes a dict id in the DOM
AMLT = "aesthetic medical laser technician"


def summary(d) -> str:
    return d.find_element(By.ID, "tr-summary").text


def y_labels(d) -> list[str]:
    """The bars' row names, top to bottom, from the drawn figure."""
    return d.execute_script(
        "const p = document.querySelector('#tr-bars .js-plotly-plot');"
        "return p && p.data && p.data.length ? p.data[0].y : [];"
    )


def click_bar(d, text: str) -> None:
    """Press the mouse on the widest part of the row whose name holds text (as a person clicks)."""
    rect = d.execute_script(
        """const p = document.querySelector('#tr-bars .js-plotly-plot');
        const row = p.data[0].y.findIndex(y => y.includes(arguments[0]));
        let best = null;
        document.querySelectorAll('#tr-bars .barlayer .trace').forEach(trace => {
          const bar = trace.querySelectorAll('.point')[row];
          if (!bar) return;
          const r = bar.getBoundingClientRect();
          if (!best || r.width > best[2]) best = [r.x, r.y, r.width, r.height];
        });
        return best;""",
        text,
    )
    x, y = rect[0] + rect[2] / 2, rect[1] + rect[3] / 2
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        d.execute_cdp_cmd(
            "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        )


def tick(d, text: str) -> None:
    label = wait(
        d,
        lambda: next(
            (lab for lab in d.find_elements(By.CSS_SELECTOR, "#tr-learn label") if text in lab.text), None
        ),
    )
    label.click()


def test_pick_click_tick_and_restore_from_the_link(driver, base_url):
    driver.get(base_url + "?tab=transitions")
    wait(driver, lambda: element(driver, ROLE) is not None)
    # the tab's first answers in place (its controls restored from the link, the empty chart drawn)
    wait(driver, lambda: summary(driver) == "Choose a role." and len(picker_labels(driver, ROLE)) > 3)
    wait(driver, lambda: not driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))
    # the empty chart says what to do, with no axes drawn
    note = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#tr-bars .annotation-text"))
    assert note[0].text == "Choose a role above to see where it can go"
    assert not driver.find_elements(By.CSS_SELECTOR, "#tr-bars .xtick, #tr-bars .ytick")
    pick(driver, ROLE, "medical aesthetician", label="medical aesthetician")
    wait(driver, lambda: "closest: esthetician" in summary(driver))
    wait(driver, lambda: "start=akgr%3Amedical-aesthetician" in driver.current_url)
    rows = wait(driver, lambda: y_labels(driver))
    assert rows[0].startswith("1. esthetician") and any(AMLT in r for r in rows)
    # the score's parts are drawn as bars, one trace per part
    assert len(driver.find_elements(By.CSS_SELECTOR, "#tr-bars .barlayer .trace")) >= 7

    click_bar(driver, AMLT)
    wait(driver, lambda: f"to {AMLT}:" in driver.find_element(By.ID, "tr-gap").text)
    wait(driver, lambda: "target=akgr%3Aaesthetic-medical-laser-technician" in driver.current_url)
    tick(driver, "accredited laser technician program")
    tick(driver, "Certified Laser Operator")
    wait(driver, lambda: f"brings closer {AMLT}" in summary(driver))
    moved = wait(driver, lambda: next((r for r in y_labels(driver) if AMLT in r and "(was #" in r), None))
    assert moved.startswith("2. ") and moved.endswith("(was #3)")
    assert "learn=akgr%3Acertified-laser-operator" in driver.current_url
    shot(driver, "transitions")

    link = driver.current_url
    driver.get(link)  # a fresh page from the link: role, target and ticks come back
    wait(driver, lambda: f"brings closer {AMLT}" in summary(driver), timeout=30)
    wait(driver, lambda: f"to {AMLT}:" in driver.find_element(By.ID, "tr-gap").text)
    ticked = driver.execute_script(
        "return [...document.querySelectorAll('#tr-learn input')].filter(i => i.checked).length;"
    )
    assert ticked == 2
