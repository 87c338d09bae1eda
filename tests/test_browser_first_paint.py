"""The first view drawn before Dash's renderer (graph/ui/first_paint.py), in real Chromium.

A page served with its first view shows that view in a static copy of the page as soon as React,
ReactDOM and dash-cytoscape are evaluated; the live canvas, mounted by Dash under it, takes over with
the same nodes at the same places on screen, the same zoom and the same labels shown, and then the
page acts (a click selects). A page whose view is not drawn yet, or that opens another tab, has no copy.
"""

from __future__ import annotations

import urllib.request

import pytest
from selenium.webdriver.common.actions.action_builder import ActionBuilder
from selenium.webdriver.common.by import By

from tests.test_browser import drawn, wait

pytestmark = pytest.mark.browser

# Installed before any page script: the copy's drawing as a person sees it (each node's centre on
# screen, the zoom, the labels hidden), read on every frame while it is there, and what had run when
# it was first drawn; then the live canvas's, once the copy is gone.
WATCH = """
window.__copy = null; window.__copyFirst = null; window.__frames = [];
(function watch() {
  window.__frames.push(performance.now());  // each frame's first callback: this one was asked for first
  const host = document.querySelector('#akg-pre #cy');
  const cy = host && host._cyreg && host._cyreg.cy;
  if (cy && cy.nodes().length && cy._akgLabelledAt > 0 && !cy._akgMoving) {
    const r = host.getBoundingClientRect();
    window.__copyFirst = window.__copyFirst || {renderer: typeof window.DashRenderer !== 'undefined',
                                                live: !!document.querySelector('#react-entry-point #cy')};
    window.__copy = {zoom: cy.zoom(), hidden: cy.nodes('.lbl-off').map(n => n.id()).sort(),
      at: Object.fromEntries(cy.nodes().map(n => { const p = n.renderedPosition(); return [n.id(), [r.left + p.x, r.top + p.y]]; }))};
  }
  requestAnimationFrame(watch);
})();
"""

LIVE = """
const host = document.getElementById('cy'), cy = host._cyreg.cy, r = host.getBoundingClientRect();
return {zoom: cy.zoom(), hidden: cy.nodes('.lbl-off').map(n => n.id()).sort(),
  at: Object.fromEntries(cy.nodes().map(n => { const p = n.renderedPosition(); return [n.id(), [r.left + p.x, r.top + p.y]]; })),
  copies: document.querySelectorAll('#akg-pre, #akg-first').length, canvases: document.querySelectorAll('#cy').length};
"""


@pytest.fixture(scope="module")
def watched(driver):
    script = driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH})
    yield driver
    driver.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


def html_of(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as r:
        return r.read().decode("utf-8")


def test_the_first_view_drawn_before_the_renderer_is_handed_over_in_place(watched, base_url):
    driver = watched
    driver.get(base_url)
    now = drawn(driver)  # the live canvas at rest (akgSettled waits for the copy to go)
    first = driver.execute_script("return window.__copyFirst;")
    copy = driver.execute_script("return window.__copy;")
    assert first == {"renderer": False, "live": False}, "the copy was not drawn before Dash's renderer"
    live = driver.execute_script(LIVE)
    assert live["copies"] == 0 and live["canvases"] == 1, "the copy stayed after the live canvas took over"
    assert set(copy["at"]) == set(live["at"]) == set(now["nodes"]) and len(now["nodes"]) > 5
    moved = {
        n: (copy["at"][n], live["at"][n])
        for n in live["at"]
        if max(abs(a - b) for a, b in zip(copy["at"][n], live["at"][n], strict=True)) > 1
    }
    assert not moved, f"nodes jumped on screen when the live canvas took over: {moved}"
    assert abs(copy["zoom"] - live["zoom"]) < 1e-6
    assert copy["hidden"] == live["hidden"], "the copy named other nodes than the live canvas"
    assert driver.find_element(By.ID, "view-count").text == now["count"]


# When the copy was drawn, when the page's other scripts were fetched, the frames between, and when
# each of those scripts was asked for.
FETCHES = """
const at = name => (performance.getEntriesByName(name)[0] || {startTime: null}).startTime;
return {drawn: at('akg-first-view'), fetched: at('akg-fetch-later'), frames: window.__frames,
  later: performance.getEntriesByType('resource').filter(e => /dash_renderer|dash_ag_grid|dash_bootstrap/.test(e.name))
    .map(e => e.startTime)};
"""


def test_the_other_scripts_are_fetched_only_once_the_first_view_is_drawn(watched, base_url):
    """Fetched as the copy was drawn, their decoding and compiling held its frame 100-120 ms (25 without)."""
    driver = watched
    driver.get(base_url)
    drawn(driver)
    t = driver.execute_script(FETCHES)
    assert t["drawn"] is not None and t["fetched"] is not None, "no copy drawn, or its scripts never fetched"
    between = [f for f in t["frames"] if t["drawn"] < f <= t["fetched"]]
    assert between, (
        f"the other scripts were fetched at {t['fetched']:.1f} ms, before the frame drawing the copy ({t['drawn']:.1f} ms)"
    )
    assert len(t["later"]) == 3 and min(t["later"]) >= t["fetched"], t


def test_after_the_handover_a_click_on_a_node_selects_it(watched, base_url):
    driver = watched
    driver.get(base_url)
    drawn(driver)
    role, x, y = driver.execute_script(
        "const host = document.getElementById('cy'), r = host.getBoundingClientRect();"
        "const n = host._cyreg.cy.nodes('.k-Role')[0], p = n.renderedPosition();"
        "return [n.id(), r.left + p.x, r.top + p.y];"
    )
    mouse = ActionBuilder(driver)
    mouse.pointer_action.move_to_location(round(x), round(y)).click()
    mouse.perform()  # a person's click, where the node is on screen
    wait(driver, lambda: "node=" in driver.current_url and role.rsplit("/", 1)[-1] in driver.current_url)
    wait(driver, lambda: driver.find_elements(By.CSS_SELECTOR, "#detail .detail-title"))
    title = driver.find_element(By.CSS_SELECTOR, "#detail .detail-title").text
    assert title and title.split()[0].lower() in role
    selected = "return document.getElementById('cy')._cyreg.cy.$(':selected').map(n => n.id());"
    assert driver.execute_script(selected) == [role]


def test_no_copy_for_a_view_not_drawn_yet_nor_for_another_tab(watched, base_url):
    fresh = base_url + "?role=akgr:plastic-surgeon&layout=grouped"
    assert 'id="akg-pre"' not in html_of(fresh)  # not in the view cache: the page never waits for a query
    assert 'id="akg-pre"' not in html_of(base_url + "?tab=sparql")
    page = html_of(base_url)
    assert 'id="akg-pre"' in page
    # the scripts that draw it asked for before the stylesheets (the bundle had waited for a connection)
    assert page.index('rel="preload" as="script"') < page.index('rel="stylesheet"')
    assert '"validation_layout"' not in page  # 92 KB that only the renderer's dev tools read
    driver = watched
    driver.get(fresh)
    now = drawn(driver)
    assert "plastic-surgeon" in " ".join(now["nodes"])
    assert driver.execute_script("return window.__copyFirst;") is None
    driver.get(fresh)  # once drawn, the same URL is served with its copy
    drawn(driver)
    assert driver.execute_script("return window.__copyFirst;") == {"renderer": False, "live": False}
