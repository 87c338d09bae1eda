"""The SPARQL tab's editor (YASGUI, served by the app) in a real headless Chromium, as an analyst uses it.

One browser and one app for the module; each test starts from the tab as a returning analyst finds it.
"""

from __future__ import annotations

import csv
import io
import time
import urllib.parse

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.test_browser import DERM, node_ids, shot, wait

pytestmark = pytest.mark.browser
ROLES = (
    "SELECT ?role ?label WHERE {\n  ?role a akg:Role ;\n        skos:prefLabel ?label .\n}\nORDER BY ?label"
)
EDITOR = "document.querySelector('#q-yasgui .tabPanel.active .CodeMirror').CodeMirror"


def open_tab(driver, url: str) -> None:
    driver.get(url)
    wait(
        driver, lambda: driver.execute_script("return document.getElementById('q-yasgui')?.dataset.ready"), 60
    )


def editor_text(driver) -> str:
    return driver.execute_script(f"return {EDITOR}.getValue();")


def set_editor(driver, text: str) -> None:
    driver.execute_script(f"{EDITOR}.setValue(arguments[0]); {EDITOR}.focus();", text)


def run(driver) -> None:
    """Ctrl+Enter in the editor, as the analyst presses it."""
    driver.execute_script(f"{EDITOR}.focus(); {EDITOR}.setCursor({EDITOR}.lineCount(), 0);")
    ActionChains(driver).key_down(Keys.CONTROL).send_keys(Keys.ENTER).key_up(Keys.CONTROL).perform()


def table_cells(driver) -> list[str]:
    return [
        c.text
        for c in driver.find_elements(
            By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .yasr table.dataTable tbody td"
        )
    ]


def test_keywords_and_variables_are_drawn_differently(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, "SELECT ?role WHERE { ?role a akg:Role }")
    drawn = wait(  # read in one step: CodeMirror redraws its lines while it highlights
        driver,
        lambda: driver.execute_script(
            "const code = document.querySelector('#q-yasgui .tabPanel.active .CodeMirror-code');"
            "const k = code.querySelector('.cm-keyword'), v = code.querySelector('.cm-atom');"
            "return k && v ? [k.textContent, getComputedStyle(k).color, v.textContent, getComputedStyle(v).color]"
            " : null;"
        ),
    )
    keyword, keyword_colour, variable, variable_colour = drawn
    assert keyword == "SELECT" and variable == "?role"
    assert keyword_colour != variable_colour


def test_completion_offers_this_graphs_class_with_no_prefix_line_typed(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, "")
    ActionChains(driver).send_keys("SELECT ?r WHERE { ?r a akg:Ro").perform()
    hints = wait(
        driver,
        lambda: [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".CodeMirror-hints li")] or None,
    )
    assert "akg:Role" in hints, hints
    shot(driver, "sparql-completion")


def test_ctrl_enter_runs_a_query_using_akg_and_skos_without_prefix_lines(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, ROLES)
    run(driver)
    cells = wait(driver, lambda: table_cells(driver) or None, 30)
    assert '"dermatologist"@en' in cells and "akgr:esthetician" in cells
    assert "PREFIX akg: <https://w3id.org/aesthetics-kg/ontology#>" in editor_text(driver)  # declared for it
    shot(driver, "sparql")


def test_the_query_is_kept_across_a_reload_and_opened_from_its_permalink(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    kept = "SELECT ?s WHERE { ?s a akg:Credential } LIMIT 3"
    set_editor(driver, kept)
    wait(
        driver, lambda: "akg%3ACredential" in driver.find_element(By.ID, "q-permalink").get_attribute("value")
    )
    time.sleep(0.5)  # YASGUI saves the tab on change
    open_tab(driver, base_url + "?tab=sparql")
    assert editor_text(driver) == kept
    link = driver.find_element(By.ID, "q-permalink").get_attribute("value")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(link).query) == {"tab": ["sparql"], "query": [kept]}
    shared = "SELECT ?p WHERE { ?s ?p ?o } LIMIT 1"
    open_tab(driver, base_url + "?tab=sparql&query=" + urllib.parse.quote(shared))
    assert editor_text(driver) == shared


def test_a_query_link_to_the_endpoint_opened_in_the_browser_shows_its_answer_in_the_editor(driver, base_url):
    """/sparql?query=… followed in a browser gave raw SPARQL XML; it opens the SPARQL tab, which runs it."""
    query = "SELECT ?label WHERE { akgr:ncle skos:prefLabel ?label }"
    open_tab(driver, base_url + "/sparql?query=" + urllib.parse.quote(query))
    assert urllib.parse.urlsplit(driver.current_url).path == "/"
    assert editor_text(driver).endswith(query)  # with the PREFIX lines the run added
    wait(driver, lambda: any("National Council on Laser Excellence" in c for c in table_cells(driver)), 30)
    shot(driver, "sparql-from-a-link")


def test_a_syntax_error_is_marked_in_the_editor(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, "SELECT ?s WHERE {\n  ?s ?p\n  FILTER(\n}")
    marker = wait(
        driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .parseErrorIcon")
    )
    line = driver.execute_script(
        "const m = arguments[0]; return m.closest('.CodeMirror-gutter-wrapper').parentElement"
        ".querySelector('.CodeMirror-linenumber').textContent;",
        marker[0],
    )
    assert line == "3" and len(marker) == 1  # FILTER where the object of "?s ?p" belongs


def test_an_iri_in_the_results_opens_the_graph_tabs_detail(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, ROLES)
    run(driver)
    wait(driver, lambda: table_cells(driver) or None, 30)
    link = next(
        a
        for a in driver.find_elements(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active a.iri")
        if a.text == "akgr:dermatologist"
    )
    link.click()
    wait(driver, lambda: "node=akgr%3Adermatologist" in driver.current_url)
    wait(driver, lambda: driver.find_element(By.ID, "panel-graph").is_displayed())
    wait(driver, lambda: driver.find_element(By.ID, "detail").text.startswith("dermatologist"), 30)
    assert DERM in node_ids(driver)


def test_a_filtered_sorted_table_downloads_as_shown(driver, base_url, tmp_path):
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, ROLES)
    run(driver)
    wait(driver, lambda: table_cells(driver) or None, 30)
    search = driver.find_element(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .yasr .tableFilter")
    search.send_keys("laser")
    label_header = next(
        h
        for h in driver.find_elements(
            By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .yasr table.dataTable thead th"
        )
        if h.text == "label"
    )
    label_header.click()  # ascending (already), then descending
    label_header.click()
    wait(
        driver,
        lambda: (
            (rows := driver.find_elements(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .yasr tbody tr"))
            and len(rows) < 8
        ),
    )
    shown = [
        [td.text for td in tr.find_elements(By.CSS_SELECTOR, "td")[1:]]
        for tr in driver.find_elements(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .yasr tbody tr")
    ]
    driver.find_element(By.ID, "q-csv").click()
    path = wait(driver, lambda: next((p for p in tmp_path.glob("results*.csv") if p.stat().st_size), None))
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    assert rows[0] == ["role", "label"]
    assert [f'"{r[1]}"@en' for r in rows[1:]] == [s[1] for s in shown] and len(rows) - 1 == len(shown) >= 2
    assert all(r[0].startswith("https://w3id.org/aesthetics-kg/resource/") for r in rows[1:])  # full IRIs
    assert [r[1] for r in rows[1:]] == sorted((r[1] for r in rows[1:]), reverse=True)


def test_a_named_query_and_its_parameters_load_into_the_editor_and_construct_draws(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    Select(driver.find_element(By.ID, "q-catalogue")).select_by_value("construct_subgraph")
    wait(driver, lambda: "CONSTRUCT" in editor_text(driver))
    box = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, ".param-input input"))[0]
    box.send_keys("akgr:dermatologist" + Keys.ENTER)
    wait(driver, lambda: "<https://w3id.org/aesthetics-kg/resource/dermatologist>" in editor_text(driver))
    driver.find_element(By.ID, "q-draw").click()
    wait(driver, lambda: DERM in node_ids(driver, "q-cy"), 30)
    # once the camera is at rest (it fits a redraw 60 ms after its last change, as a person sees it)
    wait(driver, lambda: driver.execute_script("return window.akgSettled('q-cy')"), 15)
    inside = driver.execute_script(
        "const cy = document.getElementById('q-cy')._cyreg.cy; const e = cy.extent();"
        "return cy.nodes().filter(n => { const p = n.position();"
        " return p.x >= e.x1 && p.x <= e.x2 && p.y >= e.y1 && p.y <= e.y2; }).length === cy.nodes().length;"
    )
    assert inside  # fitted: every node on the canvas


def test_an_error_only_the_endpoint_finds_is_marked_at_its_line_and_column(driver, base_url):
    open_tab(driver, base_url + "?tab=sparql")
    set_editor(driver, "SELECT ?s WHERE {\n  BIND(1 AS ?s) BIND(2 AS ?s) }")
    run(driver)
    mark = wait(
        driver,
        lambda: driver.find_elements(By.CSS_SELECTOR, "#q-yasgui .tabPanel.active .akg-query-error"),
        30,
    )
    # "(line 2, column 32)": past the line's last character, so that character is marked
    assert mark[0].text == "}" and "(line 2, column 32)" in mark[0].get_attribute("title")


BUTTONS_OVER_TEXT_JS = """
const root = document.querySelector('#q-yasgui .tabPanel.active');
const b = root.querySelector('.yasqe_buttons').getBoundingClientRect();
const over = [];
root.querySelectorAll('.CodeMirror-code pre.CodeMirror-line').forEach(line => {
  const range = document.createRange();
  range.selectNodeContents(line);
  [...range.getClientRects()].forEach(r => {
    if (r.width > 0 && r.left < b.right && b.left < r.right && r.top < b.bottom && b.top < r.bottom) {
      over.push(line.textContent);
    }
  });
});
return {over: over, buttons: [b.width, b.height]};
"""


@pytest.mark.parametrize("size", [(1280, 800), (390, 844)], ids=["1280x800", "phone"])
def test_the_run_and_share_buttons_cover_no_query_text(driver, base_url, size):
    """The editor's buttons stand clear of the query: on a phone its first lines wrap to the full
    width, and the buttons at the top right hid their ends; there they sit at the editor's foot."""
    driver.set_window_size(*size)
    try:
        open_tab(driver, base_url + "?tab=sparql")
        got = driver.execute_script(BUTTONS_OVER_TEXT_JS)
        shot(driver, f"sparql-buttons-{size[0]}")
        assert got["buttons"][0] > 40 and got["buttons"][1] > 30, got
        assert not got["over"], f"the buttons cover: {got['over']}"
    finally:
        driver.set_window_size(1600, 1000)
