"""The explorer in a real headless Chromium: draw, filter, search, details, expand, SPARQL, overlap, URL, XSS.

The app runs in a thread of this process (werkzeug), one browser serves the whole module; each tab
is saved to tests/screenshots/ for people to look at.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from tests.conftest import CHROME_ARGS, EVIL_SCRIPT

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "screenshots"
DERM = "https://w3id.org/aesthetics-kg/resource/dermatologist"
ROLE_FILTER = '{"name":"f-role","type":"role-picker"}'  # how Dash writes a dict id in the DOM


@pytest.fixture(scope="module")
def base_url(ui_app):
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, ui_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    d.set_window_size(1600, 1000)
    yield d
    d.quit()


def wait(driver, condition, timeout=20):
    try:
        return WebDriverWait(driver, timeout, poll_frequency=0.1).until(lambda d: condition())
    except Exception:
        shot(driver, "failure")
        raise


def cy(driver, script, target="cy"):
    return driver.execute_script(f"const cy = document.getElementById('{target}')._cyreg.cy; {script}")


def node_ids(driver, target="cy"):
    try:
        return set(cy(driver, "return cy.nodes().map(n => n.id());", target))
    except Exception:
        return set()


def open_page(driver, url):
    driver.get(url)
    wait(driver, lambda: len(node_ids(driver)) > 0)
    time.sleep(0.5)


def element(driver, id_):
    """An element by id, also for Dash's dict ids (JSON text, which CSS selectors cannot quote)."""
    return driver.execute_script("return document.getElementById(arguments[0]);", id_)


def pick(driver, dropdown_id, text):
    """Choose an option of a Dash dropdown by typing into its search box."""
    element(driver, dropdown_id).click()
    box = wait(
        driver,
        lambda: next(
            (
                b
                for b in driver.find_elements(By.CSS_SELECTOR, "input.dash-dropdown-search")
                if b.is_displayed()
            ),
            None,
        ),
    )
    box.send_keys(text)
    option = wait(
        driver,
        lambda: next(
            (
                o
                for o in driver.find_elements(By.CSS_SELECTOR, "[role=option]")
                if text.lower() in o.text.lower()
            ),
            None,
        ),
    )
    option.click()
    ActionChains(driver).send_keys(Keys.ESCAPE).perform()  # multi-select dropdowns stay open


def type_into(element, text):
    """Replace a React-controlled textarea's text (clear() does not reach React's state)."""
    element.click()
    element.send_keys(Keys.CONTROL, "a")
    element.send_keys(Keys.DELETE)
    element.send_keys(text)


def shot(driver, name):
    SHOTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(SHOTS / f"{name}.png"))


def test_graph_loads_filters_and_restores_from_url(driver, base_url):
    open_page(driver, base_url)
    everything = node_ids(driver)
    assert len(everything) > 100
    shot(driver, "graph-all")
    pick(driver, ROLE_FILTER, "dermatologist")
    wait(driver, lambda: node_ids(driver) != everything and DERM in node_ids(driver))
    wait(driver, lambda: "role=" in driver.current_url)
    filtered = node_ids(driver)
    labels = set(cy(driver, "return cy.nodes().map(n => n.data('label'));"))
    assert {"dermatologist", "chemical peel", EVIL_SCRIPT} <= labels
    assert "medical equipment repairer" not in labels
    driver.find_element(By.XPATH, "//label[contains(., 'Grouped by kind')]").click()
    wait(driver, lambda: "layout=grouped" in driver.current_url)
    url = driver.current_url
    shot(driver, "graph-filtered")
    open_page(driver, url)
    wait(driver, lambda: node_ids(driver) == filtered)
    assert "dermatologist" in element(driver, ROLE_FILTER).text


def test_search_select_details_expand(driver, base_url):
    open_page(driver, base_url + "?kind=Role")
    before = node_ids(driver)
    pick(driver, "search", "skin peel")  # a synonym of chemical peel
    peel = "https://w3id.org/aesthetics-kg/resource/chemical-peel"
    wait(driver, lambda: peel in node_ids(driver))
    wait(driver, lambda: cy(driver, "return cy.$(':selected').map(n => n.id());") == [peel])
    wait(driver, lambda: "chemical peel" in driver.find_element(By.ID, "detail").text)
    cy(driver, f"cy.getElementById('{DERM}').emit('tap');")
    detail = wait(
        driver, lambda: (t := driver.find_element(By.ID, "detail").text).startswith("dermatologist") and t
    )
    assert "neighbours by relation" in detail.lower() and "sources" in detail.lower()
    n = len(node_ids(driver))
    driver.find_element(By.ID, "act-expand").click()
    wait(driver, lambda: len(node_ids(driver)) > n)
    assert before <= node_ids(driver)
    shot(driver, "graph-details")


def test_script_label_shows_as_text(driver, base_url):
    open_page(driver, base_url + "?role=akgr:dermatologist")
    pick(driver, "search", "script")
    title = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#detail .detail-title"))
    wait(
        driver,
        lambda: (
            title[0].text == EVIL_SCRIPT
            or driver.find_element(By.CSS_SELECTOR, "#detail .detail-title").text == EVIL_SCRIPT
        ),
    )
    assert "<img src=x onerror=alert(2)>" in driver.find_element(By.ID, "detail").text
    assert not driver.find_elements(By.CSS_SELECTOR, "#detail script, #detail img")
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018
    shot(driver, "graph-xss")


def test_sparql_tab_runs_a_query_and_draws(driver, base_url):
    open_page(driver, base_url + "?tab=sparql")
    editor = driver.find_element(By.ID, "q-editor")
    type_into(
        editor,
        "PREFIX akg: <https://w3id.org/aesthetics-kg/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "SELECT ?role ?label WHERE { ?role a akg:Role ; skos:prefLabel ?label } ORDER BY ?label",
    )
    driver.find_element(By.ID, "q-run").click()
    cells = wait(
        driver, lambda: [c.text for c in driver.find_elements(By.CSS_SELECTOR, "#q-grid .ag-cell")] or None
    )
    assert "dermatologist" in cells
    driver.find_element(By.ID, "q-draw").click()
    wait(driver, lambda: DERM in node_ids(driver, "q-cy"))
    shot(driver, "sparql")
    type_into(editor, "SELECT ?s WHERE {\n ?s ?p \n")
    driver.find_element(By.ID, "q-run").click()
    error = wait(driver, lambda: driver.find_element(By.ID, "q-error").text)
    assert "line" in error and "column" in error
    type_into(editor, "DELETE WHERE { ?s ?p ?o }")
    driver.find_element(By.ID, "q-run").click()
    wait(driver, lambda: "read-only" in driver.find_element(By.ID, "q-error").text)


def test_overlap_cell_detail(driver, base_url):
    open_page(driver, base_url + "?tab=overlap")
    plot = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#ov-heatmap .nsewdrag"))[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'});", plot)
    r = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height];", plot
    )
    x, y = r[0] + r[2] * 3 / 16, r[1] + r[3] * 1 / 16  # row 1, column 2 of the 8 x 8 matrix
    for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
        driver.execute_cdp_cmd(
            "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
        )
    text = wait(driver, lambda: " share " in (t := driver.find_element(By.ID, "ov-pair").text) and t)
    assert " items (" in text and "%)" in text and "only" in text and "Jaccard" not in text
    shot(driver, "overlap")
