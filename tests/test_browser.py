"""The explorer in a real headless Chromium: draw, filter, search, details, expand, SPARQL, overlap, URL, XSS.

The app runs in a thread of this process (werkzeug), one browser serves the whole module; each tab
is saved to tests/screenshots/ for people to look at.
"""

from __future__ import annotations

import html
import json
import threading
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from graph.ui.view import select as Sel
from tests import reference
from tests.conftest import EVIL_SCRIPT

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parent / "screenshots"
DERM = "https://w3id.org/aesthetics-kg/resource/dermatologist"
ROLE_FILTER = '{"name":"f-role","type":"role-picker"}'  # how Dash writes a dict id in the DOM
SEARCH = '{"name":"search","type":"picker"}'


def wait(driver, condition, timeout=20):
    try:
        return WebDriverWait(
            driver, timeout, poll_frequency=0.1, ignored_exceptions=(StaleElementReferenceException,)
        ).until(lambda d: condition())
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


def dom_id(id_: dict) -> str:
    """A dict id as Dash writes it in the DOM (compact JSON, sorted keys)."""
    return json.dumps(id_, sort_keys=True, separators=(",", ":"))


def picker_labels(driver, picker_id):
    """The option labels a picker lists now, with whether each is chosen."""
    return driver.execute_script(
        "const el = document.getElementById(arguments[0]); return el ? [...el.querySelectorAll('label')]"
        ".map(l => [l, l.textContent, !!(l.control && l.control.checked)]) : [];",
        picker_id,
    )


def pick(driver, picker_id, text, *, label=None, untick=False):
    """Choose (or untick) an option of a picker as a person does: type into its search box, click the
    option whose label holds the text (or starts with `label`)."""
    parts = json.loads(picker_id)
    box = element(driver, dom_id({**parts, "type": parts["type"] + "-search"}))
    box.click()
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text)
    # as a person reads the answer before clicking: the search's new list in place (under load a click
    # aimed at the list before the answer arrived landed on a list being redrawn, and ticked nothing)
    wait(driver, lambda: not driver.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"))
    label = wait(
        driver,
        lambda: next(
            (
                lab
                for lab, t, on in picker_labels(driver, picker_id)
                if (t.startswith(label) if label else text.lower() in t.lower()) and on == untick
            ),
            None,
        ),
    )
    label.click()


def chosen(driver, picker_id) -> list[str]:
    """The labels of a picker's chosen options."""
    return [t for _, t, on in picker_labels(driver, picker_id) if on]


def choose(driver, select_id, text):
    """Choose an option of a native <select> by the text it shows."""
    box = wait(
        driver, lambda: next((o for o in Select(element(driver, select_id)).options if text in o.text), None)
    )
    Select(element(driver, select_id)).select_by_visible_text(box.text)


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
    open_page(driver, base_url + "?all=1")
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
    assert any("dermatologist" in t for t in chosen(driver, ROLE_FILTER))


def test_search_select_details_expand(driver, base_url):
    open_page(driver, base_url + "?all=1&kind=Role")  # every role: the first screen shows only shared ones
    before = node_ids(driver)
    pick(driver, SEARCH, "skin peel")  # a synonym of chemical peel
    peel = "https://w3id.org/aesthetics-kg/resource/chemical-peel"
    wait(driver, lambda: peel in node_ids(driver))
    wait(driver, lambda: cy(driver, "return cy.$(':selected').map(n => n.id());") == [peel])
    wait(driver, lambda: "chemical peel" in driver.find_element(By.ID, "detail").text)
    cy(driver, f"cy.getElementById('{DERM}').emit('tap');")
    detail = wait(
        driver, lambda: (t := driver.find_element(By.ID, "detail").text).startswith("dermatologist") and t
    )
    assert "neighbours (" in detail.lower() and "sources" in detail.lower()
    n = len(node_ids(driver))
    driver.find_element(By.ID, "act-expand").click()
    wait(driver, lambda: len(node_ids(driver)) > n)
    assert before <= node_ids(driver)
    shot(driver, "graph-details")


def test_script_label_shows_as_text(driver, base_url):
    open_page(driver, base_url + "?role=akgr:dermatologist")
    pick(driver, SEARCH, "script")
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


def test_overlap_cell_detail(driver, base_url):
    """A cell clicked says what the two roles share, brought into sight below the heatmap."""
    driver.set_window_size(1280, 800)
    try:
        _overlap_cell_detail(driver, base_url)
    finally:
        driver.set_window_size(1600, 1000)


def test_a_chart_keeps_its_place_and_says_so_until_plotly_draws_it(driver, base_url):
    """Before Plotly (loaded on first use) drew the heatmap, its place was empty: the Gap card sat under
    the role list, then jumped 520 px down. Plotly is held back here, so the wait is seen whole."""
    driver.execute_cdp_cmd("Network.enable", {})
    driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*plotly*", "*async-graph*"]})
    try:
        open_page(driver, base_url + "?tab=overlap")
        time.sleep(0.5)  # the note shows after 300 ms
        got = driver.execute_script(
            """const slot = document.querySelector('#panel-overlap .figure-slot');
            const gap = [...document.querySelectorAll('#panel-overlap h3')].find(h => h.textContent.startsWith('Gap'));
            const note = getComputedStyle(slot, '::before');
            return {drawn: !!slot.querySelector('.main-svg'), height: slot.getBoundingClientRect().height,
                    note: note.content, shown: note.visibility,
                    below: gap.getBoundingClientRect().top - slot.getBoundingClientRect().bottom};"""
        )
        shot(driver, "overlap-chart-pending")
        assert not got["drawn"], "Plotly was not held back: the test saw nothing"
        assert got["height"] >= 520 and got["below"] >= 0, got
        assert got["note"] == '"Drawing the chart…"' and got["shown"] == "visible", got
    finally:
        driver.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        driver.execute_cdp_cmd("Network.disable", {})
    open_page(driver, base_url + "?tab=overlap")  # once drawn, the note is gone
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#ov-heatmap .hm image"), timeout=30)
    note = driver.execute_script(
        "return getComputedStyle(document.querySelector('#panel-overlap .figure-slot'), '::before').content;"
    )
    assert note == "none", note


def _overlap_cell_detail(driver, base_url):
    open_page(driver, base_url + "?tab=overlap")
    # the heatmap's cells drawn (under load the plot's frame came first and a click on it did nothing)
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#ov-heatmap .hm image"), timeout=30)
    plot = wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#ov-heatmap .nsewdrag"))[0]
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", plot)  # the answer below the fold
    r = driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return [r.x, r.y, r.width, r.height];", plot
    )
    x, y = r[0] + r[2] * 3 / 16, r[1] + r[3] * 1 / 16  # row 1, column 2 of the 8 x 8 matrix

    def click_cell() -> str | None:
        """Click the cell; again on the next poll if the plot did not take it (a click that lands
        before plotly has bound its handlers does nothing: 1 run in 3 of the whole file failed)."""
        text = driver.find_element(By.ID, "ov-pair").text
        if " share " in text:
            return text
        for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
            driver.execute_cdp_cmd(
                "Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}
            )
        time.sleep(0.5)
        return None

    text = wait(driver, click_cell, timeout=30)
    assert " items (" in text and "%)" in text and "only" in text and "Jaccard" not in text
    in_sight = """const r = document.getElementById('ov-pair').getBoundingClientRect();
        return r.top >= -1 && (r.bottom <= window.innerHeight + 1 || r.top <= 1);"""
    wait(driver, lambda: driver.execute_script(in_sight), timeout=5)
    shot(driver, "overlap")


CHART_JS = """
const chart = document.querySelector(arguments[0]), box = chart.closest('.wide-figure') || chart, b = box.getBoundingClientRect();
const texts = [...document.querySelectorAll(arguments[0] + ' .ytick text, ' + arguments[0] + ' .gtitle')]
  .map(t => { const r = t.getBoundingClientRect(); return [t.textContent, r.left - b.left + box.scrollLeft, r.right - b.left + box.scrollLeft]; });
return {texts: texts, room: box.scrollWidth, page: [document.documentElement.scrollWidth, window.innerWidth]};
"""


@pytest.mark.parametrize(
    "query, chart",
    [("?tab=overlap", "#ov-heatmap"), ("?tab=transitions&start=akgr:medical-aesthetician", "#tr-bars")],
    ids=["overlap", "transitions"],
)
def test_a_phone_shows_a_charts_labels_whole_scrolling_the_chart_not_the_page(driver, base_url, query, chart):
    """On a 390 px phone a chart keeps the width its row labels and title need (its box scrolls
    sideways; the page does not): before, the heatmap's role names and its title were cut off."""
    driver.set_window_size(390, 844)
    try:
        open_page(driver, base_url + query)
        wait(
            driver,
            lambda: len(driver.find_elements(By.CSS_SELECTOR, chart + " .ytick text")) >= 5,
            timeout=30,
        )
        time.sleep(0.5)  # plotly's text laid out
        got = driver.execute_script(CHART_JS, chart)
        shot(driver, "phone-" + chart[1:])
        assert got["page"][0] <= got["page"][1], "the page scrolls sideways"
        assert len(got["texts"]) >= 6, got
        cut = [t for t, left, right in got["texts"] if left < -1 or right > got["room"] + 1]
        assert not cut, f"labels cut off: {cut}"
    finally:
        driver.set_window_size(1600, 1000)


def test_gap_between_two_roles_picked_and_cleared(driver, base_url):
    open_page(driver, base_url + "?tab=overlap")
    gap_a, gap_b = (
        dom_id({"name": "gap-a", "type": "role-picker"}),
        dom_id({"name": "gap-b", "type": "role-picker"}),
    )
    wait(driver, lambda: element(driver, gap_a) is not None)
    pick(driver, gap_a, "esthetician", label="esthetician ·")
    pick(driver, gap_b, "dermatologist")
    summary = wait(driver, lambda: "→" in (t := driver.find_element(By.ID, "gap-summary").text) and t)
    assert summary.startswith("esthetician → dermatologist: ") and "items to add" in summary
    assert chosen(driver, gap_a) == ["esthetician · curated"]
    click(driver, dom_id({"name": "gap-b", "type": "role-picker-clear"}))
    wait(driver, lambda: driver.find_element(By.ID, "gap-summary").text == "Choose two roles.")
    assert chosen(driver, gap_b) == []


# ---------------------------------------------------------------- what Cytoscape draws is the truth


SETTLED_JS = """
const s = window.store && window.store.getState();
if (!s) { return null; }
const pending = Object.assign({}, s.callbacks); delete pending.stored; delete pending.completed;
if ([].concat.apply([], Object.values(pending)).length) { return null; }
const el = document.getElementById('cy'); const cy = el && el._cyreg && el._cyreg.cy;
const counter = document.getElementById('view-count');  // null until the page's layout is rendered
const count = counter && counter.textContent;
if (!cy || !count || !(window.akgSettled && window.akgSettled('cy'))) { return null; }  // the camera at rest
return {
  nodes: cy.nodes().map(n => n.id()).sort(),
  edges: cy.edges().map(e => [e.id(), e.source().id(), e.target().id()]).sort(),
  count: count,
  search: window.location.search,
};
"""


def drawn(driver, timeout=30):
    """What Cytoscape draws once Dash has no callback in flight and two reads 0.3 s apart agree."""
    last = None

    def settled():
        nonlocal last
        now = driver.execute_script(SETTLED_JS)
        if now is None or now != last:
            last = now
            return None
        return now

    def twice():
        time.sleep(0.3)
        return settled()

    return wait(driver, twice, timeout)


def server_view(app, search: str):
    """The view the server composes for a query string: node ids, link ids and (source, target) pairs."""
    from graph.ui.context import app_context
    from graph.ui.state import decode
    from graph.ui.view.compose import compose

    with app.server.app_context():
        view, _ = compose(app_context(), decode(search))
    sub = view.drawn
    return sorted(sub.nodes), sorted(
        [e["data"]["id"], e["data"]["source"], e["data"]["target"]]
        for e in view.elements
        if "source" in e["data"]
    )


def assert_true_view(driver, app, base_url, what: str):
    """The canvas equals the server's view of the URL, the counter agrees, and a fresh load draws the same."""
    now = drawn(driver)
    nodes, edges = server_view(app, now["search"])
    assert now["nodes"] == nodes, f"{what}: drawn nodes differ from the server's view"
    assert now["edges"] == edges, f"{what}: drawn links differ from the server's view"
    assert now["count"] == f"{len(nodes)} nodes, {len(edges)} links", what
    driver.get(base_url.rstrip("/") + "/" + now["search"])
    fresh = drawn(driver)
    assert (fresh["nodes"], fresh["edges"], fresh["search"]) == (now["nodes"], now["edges"], now["search"]), (
        f"{what}: a fresh load of {now['search']} draws something else"
    )
    return now


def click(driver, id_):
    """Click a button once it is enabled (actions that need a selection are off until there is one)."""
    wait(
        driver, lambda: (b := element(driver, id_)) is not None and b.is_enabled() and b.is_displayed() and b
    ).click()


PATH_A, PATH_B = {"type": "picker", "name": "path-a"}, {"type": "picker", "name": "path-b"}
ESTH = "https://w3id.org/aesthetics-kg/resource/esthetician"
SPA = "https://w3id.org/aesthetics-kg/resource/medical-spa"


def test_regression_positional_edge_ids_left_stale_links(driver, base_url, ui_app):
    """Picking a role, then another, drew 2 of 11 links, then 0 of 7: reused positional edge ids."""
    open_page(driver, base_url)
    pick(driver, ROLE_FILTER, "esthetician", label="esthetician ·")
    wait(driver, lambda: "role=" in driver.current_url)
    first = assert_true_view(driver, ui_app, base_url, "one role")
    assert first["edges"], "a role view draws links"
    pick(driver, ROLE_FILTER, "dermatologist")
    pick(driver, ROLE_FILTER, "esthetician", label="esthetician ·", untick=True)
    wait(driver, lambda: "dermatologist" in driver.current_url and "esthetician" not in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "role switched")


def test_every_in_page_change_draws_what_a_fresh_load_draws(driver, base_url, ui_app):
    open_page(driver, base_url)
    assert_true_view(driver, ui_app, base_url, "first screen")
    pick(driver, ROLE_FILTER, "dermatologist")
    pick(driver, ROLE_FILTER, "esthetician", label="esthetician ·")
    wait(driver, lambda: driver.current_url.count("role=") == 2)
    assert_true_view(driver, ui_app, base_url, "two roles")
    pick(driver, '{"name":"f-workplace","type":"filter-picker"}', "medical spa")
    assert_true_view(driver, ui_app, base_url, "roles and a workplace")
    driver.find_element(By.XPATH, "//*[@id='f-essential']//label").click()
    wait(driver, lambda: "essential=1" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "essential only")
    driver.find_element(By.XPATH, "//*[@id='f-kinds']//label[contains(., 'Procedure')]").click()
    wait(driver, lambda: "kind=" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "kinds")
    cy(driver, f"cy.getElementById('{DERM}').emit('tap');")
    wait(driver, lambda: "node=" in driver.current_url)
    click(driver, "act-expand")
    wait(driver, lambda: "expand=" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "expand")
    driver.find_element(By.XPATH, "//*[@id='layout-choice']//label[contains(., 'Hierarchical')]").click()
    wait(driver, lambda: "layout=hierarchy" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "layout")
    click(driver, "act-focus")
    wait(driver, lambda: "focus=" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "focus depth 1")
    for depth in (2, 3):
        driver.find_element(By.XPATH, f"//*[@id='focus-depth']//label[contains(., '{depth}')]").click()
        wait(driver, lambda d=depth: f"depth={d}" in driver.current_url)
        assert_true_view(driver, ui_app, base_url, f"focus depth {depth}")
    cy(driver, f"cy.getElementById('{ESTH}').emit('tap');")
    wait(driver, lambda: "node=akgr%3Aesthetician" in driver.current_url)
    click(driver, "act-hide")
    wait(driver, lambda: "hide=" in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "hide")
    click(driver, "reset-view")
    wait(driver, lambda: "focus=" not in driver.current_url and "hide=" not in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "reset")
    ncle = "https://w3id.org/aesthetics-kg/resource/ncle"
    pick(driver, dom_id(PATH_A), "dermatologist")
    pick(driver, dom_id(PATH_B), "NCLE")
    wait(driver, lambda: "to=" in driver.current_url)
    path = assert_true_view(driver, ui_app, base_url, "path")
    assert ncle in path["nodes"]
    on_path = label_px(driver, ".path")
    assert ncle in on_path and min(on_path.values()) >= 8, f"path labels below 8 px: {on_path}"
    shot(driver, "graph-path")
    click(driver, dom_id({"name": "path-b", "type": "picker-clear"}))
    wait(driver, lambda: "to=" not in driver.current_url)
    assert_true_view(driver, ui_app, base_url, "path end cleared")
    history = []
    pick(driver, ROLE_FILTER, "dermatologist", untick=True)  # esthetician alone
    wait(driver, lambda: driver.current_url.count("role=") == 1 and "esthetician" in driver.current_url)
    history.append(drawn(driver))
    pick(driver, ROLE_FILTER, "plastic surgeon")
    wait(driver, lambda: "plastic-surgeon" in driver.current_url)
    history.append(drawn(driver))
    driver.back()
    back = assert_true_view(driver, ui_app, base_url, "back")
    assert back["search"] == history[0]["search"] and back["edges"] == history[0]["edges"]


# ---------------------------------------------------------------- an imported fixture

REFERENCE = reference.REFERENCE / "esco-1.1.1"
HAIR_REMOVAL = "http://data.europa.eu/esco/occupation/72413d91-f212-4ad6-bf95-8b78a37c041a"
AESTHETICIAN = "http://data.europa.eu/esco/occupation/a1e1a788-2352-4172-8fcf-1f985a6968b0"


def _cut(name: str, dest: Path, keep) -> list[dict]:
    """Header plus the rows of a real ESCO CSV for which keep(row) holds; returns those rows."""
    import csv

    with open(REFERENCE / name, encoding="utf-8", newline="") as src:
        reader = csv.DictReader(src)
        rows = [r for r in reader if keep(r)]
        fields = reader.fieldnames
    with open(dest / name, "w", encoding="utf-8", newline="") as out:
        w = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


@pytest.fixture(scope="module")
def imported_app(tmp_path_factory):
    """The explorer over the curated graph plus two ESCO occupations and their skills, imported."""
    from graph.importers import import_esco
    from graph.stores import StoreSpec
    from graph.ui.app import create_app

    reference.need("esco-1.1.1")
    tmp = tmp_path_factory.mktemp("imported")
    src = tmp / "esco"
    src.mkdir()
    occupations = {HAIR_REMOVAL, AESTHETICIAN}
    _cut("occupations_en.csv", src, lambda r: r["conceptUri"] in occupations)
    links = _cut("occupationSkillRelations.csv", src, lambda r: r["occupationUri"] in occupations)
    skills = {r["skillUri"] for r in links}
    _cut("skills_en.csv", src, lambda r: r["conceptUri"] in skills)
    _cut("ISCOGroups_en.csv", src, lambda r: r["code"] in {"5", "51", "514", "5142"})
    _cut("skillGroups_en.csv", src, lambda r: False)
    _cut("broaderRelationsOccPillar.csv", src, lambda r: r["conceptUri"] in occupations)
    _cut("broaderRelationsSkillPillar.csv", src, lambda r: False)
    _cut("skillSkillRelations.csv", src, lambda r: False)
    out = tmp / "esco.nt"
    import_esco(src, out, progress=None)
    from graph.ui import options

    with pytest.MonkeyPatch.context() as mp:  # role pickers search-driven, as on the full import
        mp.setattr(options, "OPTIONS_CAP", 3)
        app = create_app(StoreSpec("oxigraph", (out,), root=tmp / "stores"), workers=1)
        yield app
    app.server.extensions["akg"].sandbox.close()


@pytest.fixture(scope="module")
def imported_url(imported_app):
    server = make_server("127.0.0.1", 0, imported_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}/"
    server.shutdown()


def test_imported_roles_restore_from_the_url_and_draw_true(driver, imported_app, imported_url):
    """?role=escoocc:… kept the role only while the picker listed it: search-driven pickers dropped it."""
    occ = "escoocc:" + HAIR_REMOVAL.rsplit("/", 1)[1]
    driver.get(imported_url + "?role=" + occ)
    view = drawn(driver)
    shot(driver, "graph-imported")
    assert HAIR_REMOVAL in view["nodes"] and len(view["edges"]) > 5, view
    assert any("hair removal technician" in t for t in chosen(driver, ROLE_FILTER))
    assert "role=escoocc" in view["search"]
    assert_true_view(driver, imported_app, imported_url, "imported role")
    shot(driver, "graph-imported")
    pick(driver, ROLE_FILTER, "aesthetician", label="aesthetician · ESCO")
    wait(driver, lambda: driver.current_url.count("role=") == 2 and "a1e1a788" in driver.current_url)
    assert_true_view(driver, imported_app, imported_url, "two imported roles")
    cy(driver, f"cy.getElementById('{AESTHETICIAN}').emit('tap');")
    wait(driver, lambda: "node=" in driver.current_url)
    click(driver, "act-focus")
    wait(driver, lambda: "focus=" in driver.current_url)
    assert_true_view(driver, imported_app, imported_url, "imported focus")


# ---------------------------------------------------------------- readable at first sight

LABEL_PX_JS = """
const z = cy.zoom();
return cy.nodes(arguments[0]).map(n => [n.id(), parseFloat(n.style('font-size')) * z]);
"""
POSITIONS_JS = (
    "return cy.nodes().map(n => [n.id(), Math.round(n.position('x')), Math.round(n.position('y'))]).sort();"
)


def label_px(driver, selector):
    return dict(
        driver.execute_script("const cy = document.getElementById('cy')._cyreg.cy;" + LABEL_PX_JS, selector)
    )


def test_first_screen_is_readable_and_the_same_on_every_load(driver, base_url):
    driver.get(base_url)
    first = drawn(driver)
    roles = label_px(driver, ".k-Role")
    assert set(Sel.START_ROLES) <= set(first["nodes"]) and roles
    assert min(roles.values()) >= 8, f"role labels below 8 px at the starting zoom: {roles}"
    every = label_px(driver, "node")
    small = {n: px for n, px in every.items() if px < 8}
    assert not small, f"regression: the first screen drew {len(small)} of {len(every)} labels below 8 px"
    assert "seed documents" in driver.find_element(By.ID, "panel-graph").text
    assert "share" in driver.find_element(By.ID, "view-note").text
    shot(driver, "graph-first-screen")
    where = cy(driver, POSITIONS_JS)
    driver.get(base_url)
    drawn(driver)
    assert cy(driver, POSITIONS_JS) == where, "the same URL drew another picture"


def test_selected_node_and_neighbours_readable(driver, base_url):
    driver.get(base_url + "?role=akgr:dermatologist&node=akgr:dermatologist")
    drawn(driver)
    near = label_px(driver, ".near")
    assert DERM in near and len(near) > 3
    assert min(near.values()) >= 8, f"labels below 8 px: {near}"
    shot(driver, "graph-role")


EDGE_LABELS_JS = "return cy.edges().filter(e => e.style('label')).map(e => e.id()).sort();"


def test_a_big_view_labels_the_selected_nodes_links_only(driver, base_url):
    """41 links' labels round one ESCO occupation covered its nodes' names: above 30 links a label
    shows on hover, on the selected node's links and on the path."""
    driver.get(base_url + "?all=1")
    drawn(driver)
    assert cy(driver, "return cy.edges().length;") > 30
    assert cy(driver, EDGE_LABELS_JS) == [], "a big view labelled its links at rest"
    driver.get(base_url + f"?all=1&node={DERM}")
    drawn(driver)
    own = cy(driver, f"return cy.getElementById('{DERM}').connectedEdges().map(e => e.id()).sort();")
    assert own and wait(driver, lambda: cy(driver, EDGE_LABELS_JS) == own)


def test_a_view_too_big_to_read_still_names_its_roles(driver, base_url):
    """The whole graph started at a zoom where no label showed, not even a role's: a big view names its
    seeds, roles and best-connected nodes first, every label readable, none covering another."""
    driver.get(base_url + "?all=1")
    drawn(driver)
    named = dict(
        cy(
            driver,
            "return cy.nodes().filter(n => !n.hasClass('lbl-off'))"
            ".map(n => [n.id(), parseFloat(n.style('font-size')) * cy.zoom()]);",
        )
    )
    assert len(named) >= 12 and min(named.values()) >= 9, named
    roles = set(cy(driver, "return cy.nodes('.k-Role').map(n => n.id());"))
    assert len(roles & set(named)) >= min(len(roles), 6), (roles, named)  # the roles first
    shot(driver, "graph-all")


def test_search_shows_the_node_on_screen_selected_and_named(driver, base_url):
    """A searched node is selected, on the canvas and named (the camera fits the view it joins)."""
    driver.get(base_url + "?all=1")
    drawn(driver)
    pick(driver, SEARCH, "skin peel")
    peel = "https://w3id.org/aesthetics-kg/resource/chemical-peel"
    wait(driver, lambda: cy(driver, "return cy.$(':selected').map(n => n.id());") == [peel])
    drawn(driver)
    where = cy(
        driver,
        f"""const n = cy.getElementById('{peel}'); const p = n.renderedPosition();
        return [p.x >= 0 && p.y >= 0 && p.x <= cy.width() && p.y <= cy.height(), n.hasClass('lbl-off'),
                parseFloat(n.style('font-size')) * cy.zoom()];""",
    )
    assert where[0] and not where[1] and where[2] >= 9, where


# ---------------------------------------------------------------- accessibility (axe-core, WCAG 2.1 A/AA)

AXE = Path(__file__).resolve().parents[1] / "node_env" / "node_modules" / "axe-core" / "axe.min.js"
AXE_RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(r => done(r.violations.filter(v => ['serious', 'critical'].includes(v.impact))
    .map(v => [v.id, v.impact, v.help, v.nodes.map(n => n.target.join(' '))])))
  .catch(e => done([['axe-error', 'critical', String(e), []]]));
"""
# Per tab, a picker to type into before the second check, so its list holds search results.
TYPED = {
    "graph": ('{"name":"search","type":"picker-search"}', "laser"),
    "sparql": None,
    "overlap": ('{"name":"gap-a","type":"role-picker-search"}', "derm"),
    "curriculum": ('{"name":"cur-roles","type":"role-picker-search"}', "aesth"),
    "transitions": ('{"name":"tr-role","type":"role-picker-search"}', "derm"),
}


def axe_violations(driver) -> list:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    driver.set_script_timeout(60)
    return driver.execute_async_script(AXE_RUN)


@pytest.mark.parametrize("tab", ["graph", "sparql", "overlap", "curriculum", "transitions"])
def test_no_serious_or_critical_axe_violations(driver, base_url, tab):
    if not AXE.is_file():
        pytest.fail(f"axe-core missing: run scripts/test.sh (npm installs it into {AXE.parent})")
    driver.get(base_url + ("" if tab == "graph" else f"?tab={tab}"))
    drawn(driver)
    wait(driver, lambda: driver.find_element(By.ID, f"panel-{tab}").is_displayed())
    time.sleep(1.0)
    at_rest = axe_violations(driver)
    if TYPED[tab]:
        box_id, text = TYPED[tab]
        element(driver, box_id).send_keys(text)
        wait(driver, lambda: len(picker_labels(driver, box_id.replace("-search", ""))) > 0)
    else:  # the SPARQL tab: a named query loaded, its parameter inputs shown
        Select(driver.find_element(By.ID, "q-catalogue")).select_by_value("credential_path")
        wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, ".param-input"))
    time.sleep(0.5)
    typed = axe_violations(driver)
    SHOTS.mkdir(exist_ok=True)
    (SHOTS / f"axe-{tab}.json").write_text(
        json.dumps({"at rest": at_rest, "typed": typed}, indent=1), "utf-8"
    )
    assert at_rest == [] and typed == [], (at_rest, typed)


def test_the_page_note_of_a_bad_link_is_legible_on_the_header(driver, base_url):
    """The note naming what a link ignored is read on the header's blue (axe: colour contrast)."""
    driver.get(base_url + "?kind=Foo&rol=akgr:nurse")
    drawn(driver)
    wait(
        driver,
        lambda: driver.find_element(By.ID, "page-note").text.startswith("Ignored in the link: kind=Foo"),
    )
    found = [v for v in axe_violations(driver) if v[0] == "color-contrast"]
    assert found == [], found


def test_a_picker_works_by_keyboard_and_unticks_in_one_click(driver, base_url):
    """Tab to a picker's search, type, Tab to the first match, Space; a click below the open list lands;
    at rest one click on the chosen option unticks it."""
    open_page(driver, base_url)
    box = element(driver, dom_id({"name": "f-role", "type": "role-picker-search"}))
    box.click()
    box.send_keys("dermatologist")
    wait(driver, lambda: (labels := picker_labels(driver, ROLE_FILTER)) and "dermatologist" in labels[0][1])
    ActionChains(driver).send_keys(Keys.TAB).send_keys(Keys.SPACE).perform()
    wait(driver, lambda: "role=akgr%3Adermatologist" in driver.current_url)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.DELETE)  # the whole list again, open: closing it on the press would move what is below
    wait(driver, lambda: len(picker_labels(driver, ROLE_FILTER)) > 5)
    # A click below the open list lands (the list closes only after the release) and closes it.
    driver.find_element(By.XPATH, "//*[@id='layout-choice']//label[contains(., 'Hierarchical')]").click()
    wait(driver, lambda: "layout=hierarchy" in driver.current_url)
    shown = wait(
        driver, lambda: [lab for lab, _, _ in picker_labels(driver, ROLE_FILTER) if lab.is_displayed()]
    )
    assert [lab.text for lab in shown] == ["dermatologist · curated"]
    shown[0].click()
    wait(driver, lambda: "role=" not in driver.current_url)
    assert chosen(driver, ROLE_FILTER) == []


def test_legend_hides_and_shows_a_kind_with_counts(driver, base_url, ui_app):
    driver.get(base_url + "?role=akgr:dermatologist")
    before = drawn(driver)
    legend = driver.find_element(By.ID, "legend").text
    assert "Procedure" in legend and any(ch.isdigit() for ch in legend)
    element(driver, '{"kind":"Procedure","type":"legend"}').click()
    wait(driver, lambda: "kind=" in driver.current_url)
    after = assert_true_view(driver, ui_app, base_url, "legend hid procedures")
    assert len(after["nodes"]) < len(before["nodes"])
    kinds = cy(driver, "return cy.nodes().map(n => n.data('kind'));")
    assert "Procedure" not in kinds
    element(driver, '{"kind":"Procedure","type":"legend"}').click()
    wait(driver, lambda: "kind=" not in driver.current_url)
    assert drawn(driver)["nodes"] == before["nodes"]


def test_svg_export_downloads_an_svg(driver, base_url, tmp_path):
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    driver.get(base_url + "?role=akgr:dermatologist")
    drawn(driver)
    assert cy(driver, "return typeof cy.svg;") == "function"
    click(driver, "export-svg")
    svg = wait(driver, lambda: next((p for p in tmp_path.glob("*.svg") if p.stat().st_size), None))
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "dermatologist" in text
    legend = driver.execute_script("return window.akgExport.entries().map(e => e.text);")
    assert any(t.startswith("Role") for t in legend) and "essential link" in legend
    assert 'class="akg-legend"' in text and all(html.escape(t) in text for t in legend), (
        "the legend in the SVG"
    )
    assert "/?role=akgr%3Adermatologist</text>" in text, "the caption names the view's link"


def test_png_export_is_the_whole_view_with_its_legend_under_it(driver, base_url, tmp_path):
    """A picture pasted elsewhere still reads: under the graph, each kind drawn in its shape and
    colour with its name, the link styles, and a caption with the view's link."""
    from PIL import Image

    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)}
    )
    driver.get(base_url + "?role=akgr:dermatologist")
    drawn(driver)
    graph = driver.execute_script(
        "const cy = document.getElementById('cy')._cyreg.cy, im = new Image();"
        "im.src = cy.png({full: true, bg: '#ffffff', scale: window.akgExport.pictureScale(cy)});"
        "return im.decode().then(() => [im.width, im.height, cy.elements().boundingBox().w, cy.zoom()]);"
    )
    entries = driver.execute_script("return window.akgExport.entries();")
    kinds = [e for e in entries if "colour" in e]
    assert kinds and any(e["text"].startswith("Role") for e in kinds)
    click(driver, "export-png")
    path = wait(driver, lambda: next((p for p in tmp_path.glob("*.png") if p.stat().st_size), None))
    image = Image.open(path).convert("RGB")
    assert image.width == graph[0] and image.height > graph[1] + 40, (image.size, graph)
    # the view at twice its size on screen: its labels read as they do there
    assert abs(graph[0] - 2 * graph[2] * graph[3]) < 0.02 * graph[0] + 4, graph
    strip = image.crop((0, graph[1] + 2, image.width, image.height))
    colours = {c for _, c in strip.getcolors(maxcolors=1 << 20)}
    for e in kinds:  # each kind's swatch is drawn in its colour
        want = tuple(int(v) for v in e["colour"][e["colour"].index("(") + 1 : -1].split(",")[:3])
        assert any(max(abs(a - b) for a, b in zip(c, want, strict=True)) <= 2 for c in colours), e
    dark = sum(n for n, c in strip.getcolors(maxcolors=1 << 20) if max(c) < 80)
    assert dark > 200, "the legend's names and the caption are written"


def test_tabs_work_from_the_keyboard(driver, base_url):
    driver.get(base_url)
    drawn(driver)
    tab = element(driver, '{"name":"sparql","type":"tab"}')
    assert tab.get_attribute("role") == "tab" and tab.get_attribute("aria-selected") == "false"
    driver.execute_script("arguments[0].focus();", tab)
    assert driver.switch_to.active_element == tab, "the tab cannot take the keyboard focus"
    ActionChains(driver).send_keys(Keys.ENTER).perform()
    wait(driver, lambda: "tab=sparql" in driver.current_url)
    wait(driver, lambda: driver.find_element(By.ID, "q-yasgui").is_displayed())
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
    assert driver.find_elements(By.TAG_NAME, "main") and driver.find_elements(By.TAG_NAME, "header")
    assert tab.get_attribute("aria-selected") == "true"
    assert tab.get_attribute("aria-selected") == "true"


DRAWN_AT_JS = "return Object.fromEntries(cy.nodes().map(n => [n.id(), [n.position('x'), n.position('y')]]));"


def assert_stayed(before: dict, after: dict, what: str) -> None:
    """Every node drawn before and after stands where it stood (model coordinates, within 1 px)."""
    common = before.keys() & after.keys()
    assert common, f"{what}: no node stayed on screen"
    moved = {
        n: (before[n], after[n])
        for n in sorted(common)
        if abs(before[n][0] - after[n][0]) > 1 or abs(before[n][1] - after[n][1]) > 1
    }
    assert not moved, f"{what}: {len(moved)} of {len(common)} nodes moved, e.g. {list(moved.items())[:3]}"


def test_nodes_on_screen_keep_their_positions_on_expand_focus_hide_and_filters(driver, base_url, ui_app):
    peel = "https://w3id.org/aesthetics-kg/resource/chemical-peel"
    driver.get(base_url + "?role=akgr:dermatologist&role=akgr:esthetician")
    assert_true_view(driver, ui_app, base_url, "two roles")
    steps = [
        (
            "expand",
            lambda: (cy(driver, f"cy.getElementById('{peel}').emit('tap');"), click(driver, "act-expand")),
        ),
        (
            "kinds",
            lambda: driver.find_element(By.XPATH, "//*[@id='f-kinds']//label[contains(., 'Device')]").click(),
        ),
        ("focus", lambda: click(driver, "act-focus")),
        (
            "hide",
            lambda: (cy(driver, f"cy.getElementById('{ESTH}').emit('tap');"), click(driver, "act-hide")),
        ),
    ]
    for what, act in steps:
        before, search = cy(driver, DRAWN_AT_JS), driver.current_url
        act()
        wait(
            driver,
            lambda s=search: driver.current_url != s and "node=akgr%3Aesthetician" not in driver.current_url,
        )
        now = assert_true_view(
            driver, ui_app, base_url, what
        )  # drawn links = the server's, and a fresh load's
        after = cy(driver, DRAWN_AT_JS)
        assert set(after) == set(now["nodes"])
        assert_stayed(before, after, what)
        driver.get(base_url.rstrip("/") + "/" + now["search"])  # the fresh load: the same picture
        drawn(driver)
        assert_stayed(after, cy(driver, DRAWN_AT_JS), f"{what}, fresh load")
        assert set(cy(driver, DRAWN_AT_JS)) == set(after)


def test_nodes_on_screen_keep_their_positions_when_seeds_change(driver, base_url, ui_app):
    """Adding a role or a workplace laid the whole view out afresh: every node on screen jumped."""
    workplace = '{"name":"f-workplace","type":"filter-picker"}'
    driver.get(base_url + "?role=akgr:dermatologist")
    assert_true_view(driver, ui_app, base_url, "one role")
    steps = [
        ("add a role", lambda: pick(driver, ROLE_FILTER, "esthetician", label="esthetician ·")),
        ("add another", lambda: pick(driver, ROLE_FILTER, "plastic surgeon")),
        ("remove one", lambda: pick(driver, ROLE_FILTER, "plastic surgeon", untick=True)),
        ("add a workplace", lambda: pick(driver, workplace, "medical spa")),
        ("change the workplace: another", lambda: pick(driver, workplace, "dermatology clinic")),
        ("change the workplace: the first gone", lambda: pick(driver, workplace, "medical spa", untick=True)),
    ]
    for what, act in steps:
        before, search = cy(driver, DRAWN_AT_JS), driver.current_url
        act()
        wait(driver, lambda s=search: driver.current_url != s)
        now = assert_true_view(
            driver, ui_app, base_url, what
        )  # drawn links = the server's and a fresh load's
        after = cy(driver, DRAWN_AT_JS)
        assert set(after) == set(now["nodes"])
        assert_stayed(before, after, what)
        driver.get(base_url.rstrip("/") + "/" + now["search"])
        drawn(driver)
        assert cy(driver, DRAWN_AT_JS) == after, f"{what}: a fresh load drew another picture"
    assert (
        "workplace=akgr%3Adermatology-clinic" in driver.current_url and driver.current_url.count("role=") == 2
    )
    shot(driver, "graph-roles-grown")


def test_path_only_draws_the_path_alone(driver, base_url, ui_app):
    driver.get(base_url + "?role=akgr:dermatologist&from=akgr:dermatologist&to=akgr:ncle")
    full = assert_true_view(driver, ui_app, base_url, "path, everything else dimmed")
    before = cy(driver, DRAWN_AT_JS)
    marked = set(cy(driver, "return cy.elements('.path').map(e => e.id());"))
    driver.find_element(By.XPATH, "//*[@id='path-only']//label").click()
    wait(driver, lambda: "pathonly=1" in driver.current_url)
    alone = assert_true_view(driver, ui_app, base_url, "path only")
    drawn_ids = set(alone["nodes"]) | {e[0] for e in alone["edges"]}
    assert drawn_ids == marked and len(alone["nodes"]) < len(full["nodes"])
    assert_stayed(before, cy(driver, DRAWN_AT_JS), "path only")
    shot(driver, "graph-path-only")


def test_regression_a_link_drew_the_default_view_first_and_was_not_fitted(driver, base_url):
    """A store's first value on load drew the first screen before the URL's view, whose redraw then kept
    the first screen's zoom: a link's view must be fitted as a fresh load fits it, after any other page."""
    fit = "return [Math.round(cy.zoom() * 1000), Math.round(cy.pan().x), Math.round(cy.pan().y)];"
    driver.get(base_url + "?all=1")
    drawn(driver)
    fitted = cy(driver, fit)
    for other in ("", "?role=akgr:dermatologist"):
        driver.get(base_url + other)
        drawn(driver)
        driver.get(base_url + "?all=1")
        drawn(driver)
        assert cy(driver, fit) == fitted, f"after {other or 'the first screen'}"
