"""Benchmark (not a test): what a person waits for in headless Chromium, by the page's Performance API.

Starts `python app.py` (waitress, compressed responses) on a free loopback port and, median of --runs:
- first graph drawn: from navigation start until Cytoscape holds the first view's nodes and the
  counter shows it (warm server: one load first), the HTTP cache off, in three ways, each beside the
  floor loaded the same way:
  - a cold open: each load in a new tab (its own renderer process, as a link opened in a new tab);
  - a reload: each load in the tab that holds the same page, at rest (its live page mounted, its
    camera and labels placed, then half a second, as a person who looked at it);
  - back to back (the definition until 2026-12-07): each load in the tab as soon as the one before
    drew its graph, the app's loads in a row, then the floor's. A navigation then also pays for the
    page it leaves: the app page it interrupts is still fetching and starting its other scripts,
    which the floor page does not have;
  in the first two the app's and the floor's loads take turns, so both meet the same moments of a
  busy machine;
- filter change: from clicking a role's checkbox in the role filter (on a canvas at rest) until Dash has no callback
  in flight and the canvas holds the new view (the next animation frame after that), and until the camera's move to
  it has ended and its labels are placed;
- bytes: what the first page transfers (compressed) and what its scripts decode to;
- the floor: a static page that draws the same elements, style and camera with the same React and
  dash-cytoscape bundles (served by the app), and nothing else: the first graph's goal is <= 1.5x it.

    .venv/bin/python scripts/bench_browser.py [--runs 5] [--data FILE…] [--store …]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_callbacks import start_app, wait_ready, wait_warm  # noqa: E402
from tests.conftest import CHROME_ARGS  # noqa: E402

R = "https://w3id.org/aesthetics-kg/resource/"
ROLE_FILTER = '{"name":"f-role","type":"role-picker"}'  # the role filter's id in the DOM

# Installed before any page script: records when the first graph is on the canvas.
WATCH_FIRST = """
(function watch() {
  const el = document.getElementById('cy');
  const cy = el && el._cyreg && el._cyreg.cy;
  const count = document.getElementById('view-count');
  if (cy && cy.nodes().length && count && count.textContent) {
    requestAnimationFrame(() => { window.__firstGraph = performance.now(); });
    return;
  }
  requestAnimationFrame(watch);
})();
"""

# A filter change, timed in the page from a canvas at rest (camera and labels, as a person sees it
# before the next click): click a role's checkbox in the role filter, wait for an idle renderer and a
# new canvas (the change), then for the camera's move to the new view and its labels (at rest).
CHANGE = """
const done = arguments[arguments.length - 1];
const cy = document.getElementById('cy')._cyreg.cy;
const before = cy.elements().map(e => e.id()).sort().join(' ');
const box = [...document.getElementById(arguments[0]).querySelectorAll('input')].find(i => i.value === arguments[1]);
if (!box) { done([-2, -2]); return; }
let t0 = 0, drawn = 0;
(function rest() {  // the previous change's camera move and labels first
  if (!window.akgSettled('cy')) { requestAnimationFrame(rest); return; }
  t0 = performance.now();
  box.click();
  requestAnimationFrame(poll);
})();
function poll() {
  const s = window.store.getState();
  const pending = Object.assign({}, s.callbacks); delete pending.stored; delete pending.completed;
  const busy = [].concat.apply([], Object.values(pending)).length;
  if (!drawn && !busy && cy.elements().map(e => e.id()).sort().join(' ') !== before) {
    requestAnimationFrame(() => { drawn = performance.now() - t0; requestAnimationFrame(poll); });
    return;
  }
  if (drawn && window.akgSettled('cy')) { done([drawn, performance.now() - t0]); return; }
  if (performance.now() - t0 > 20000) { done([-1, -1]); return; }
  requestAnimationFrame(poll);
}
"""

BYTES = """
const r = performance.getEntriesByType('resource');
const nav = performance.getEntriesByType('navigation')[0];
const js = r.filter(e => e.name.includes('.js'));
return [nav.transferSize + r.reduce((a, e) => a + e.transferSize, 0),
        js.reduce((a, e) => a + e.transferSize, 0), js.reduce((a, e) => a + e.decodedBodySize, 0), js.length];
"""


def browser() -> webdriver.Chrome:
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    _watch(d)
    d.set_script_timeout(30)
    return d


def _watch(d: webdriver.Chrome) -> None:
    """The current tab: the first graph watched from each page's start, the HTTP cache off."""
    d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": WATCH_FIRST})
    d.execute_cdp_cmd("Network.enable", {})
    d.execute_cdp_cmd("Network.setCacheDisabled", {"cacheDisabled": True})


def new_tab(d: webdriver.Chrome) -> None:
    """Go on in a new tab (a renderer process of its own), the one before closed."""
    old = d.current_window_handle
    d.switch_to.new_window("tab")
    _watch(d)
    new = d.current_window_handle
    d.switch_to.window(old)
    d.close()
    d.switch_to.window(new)


# The page at rest as a person sees it before a reload: the app's live page mounted, its camera and
# labels placed (akgSettled); the floor page has nothing after its drawing.
AT_REST = "return !window.akgSettled || (!!window.store && window.akgSettled('cy'));"


def at_rest(d: webdriver.Chrome, timeout: float = 20) -> None:
    """Wait until the page is at rest, then half a second more."""
    deadline = time.time() + timeout
    while not d.execute_script(AT_REST):
        if time.time() > deadline:
            raise SystemExit(f"the page was not at rest within {timeout:.0f} s")
        time.sleep(0.05)
    time.sleep(0.5)


def first_graph(d: webdriver.Chrome, url: str) -> float:
    """Milliseconds from navigation start to the first graph drawn."""
    d.get(url)
    deadline = time.time() + 30
    while time.time() < deadline:
        t = d.execute_script("return window.__firstGraph || null;")
        if t:
            return float(t)
        time.sleep(0.05)
    raise SystemExit("no graph drawn within 30 s")


GOAL_OVER_FLOOR = 1.5

# What the floor page needs from the app's page: its React, ReactDOM and dash-cytoscape bundles and the view.
CAPTURE = """
const cy = document.getElementById('cy')._cyreg.cy;
const scripts = [...document.scripts].map(s => s.src).filter(s => /react|prop-types|dash_cytoscape/.test(s));
const box = document.getElementById('cy').getBoundingClientRect();
return JSON.stringify({scripts, elements: cy.json().elements, style: cy.style().json(), zoom: cy.zoom(),
                       pan: cy.pan(), width: box.width, height: box.height, count: document.getElementById('view-count').textContent});
"""

FLOOR = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title></head>
<body style="margin:0"><div id="root"></div><span id="view-count">{count}</span>
{scripts}
<script>
const d = {data};
ReactDOM.render(React.createElement(dash_cytoscape.Cytoscape, {{
  id: 'cy', elements: d.elements, stylesheet: d.style, layout: {{name: 'preset'}}, zoom: d.zoom, pan: d.pan,
  style: {{width: d.width + 'px', height: d.height + 'px'}}
}}), document.getElementById('root'));
</script></body></html>
"""


def floor_page(d: webdriver.Chrome, folder: Path) -> Path:
    """Write the static floor page of the view the browser shows now."""
    view = json.loads(d.execute_script(CAPTURE))
    scripts = "\n".join(f'<script src="{src}"></script>' for src in view["scripts"])
    page = folder / "floor.html"
    page.write_text(
        FLOOR.format(count=view["count"], scripts=scripts, data=json.dumps(view)), encoding="utf-8"
    )
    return page


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *_args: object) -> None:  # the benchmark prints figures, not requests
        pass


def serve_folder(folder: Path) -> http.server.ThreadingHTTPServer:
    """A static file server on a free loopback port, in a thread."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


WAYS = {
    "cold": "cold open, a new tab each load",
    "reload": "reload, the page before at rest",
    "back": "back to back in one tab (the definition until 2026-12-07)",
}


def timed(d: webdriver.Chrome, way: str, urls: tuple[str, str], runs: int) -> tuple[list[float], list[float]]:
    """First graphs of the app and of the floor (`urls`), each loaded `runs` times in one of the WAYS."""
    out: tuple[list[float], list[float]] = ([], [])
    if way == "back":  # each page's loads in a row, after one load of it not timed
        for i, u in enumerate(urls):
            first_graph(d, u)
            out[i].extend(first_graph(d, u) for _ in range(runs))
        return out
    for _ in range(runs):  # the two pages in turn, so both meet the same moments of the machine
        for i, u in enumerate(urls):
            if way == "cold":
                new_tab(d)
            else:  # reloaded: the tab holds the same page, at rest
                first_graph(d, u)
                at_rest(d)
            out[i].append(first_graph(d, u))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--data", nargs="+", default=[])
    ap.add_argument("--store", default="oxigraph")
    args = ap.parse_args(argv)
    port, server = start_app(args.data, args.store)
    d = None
    try:
        wait_ready(port, server)
        wait_warm(server)  # a warm app: no projection being built in the background while timed
        url = f"http://127.0.0.1:{port}/"
        d = browser()
        first_graph(d, url)  # warm: the server's caches and projections
        at_rest(d)  # what the page transfers until then
        total, js_wire, js_decoded, n_js = d.execute_script(BYTES)
        with tempfile.TemporaryDirectory(prefix="akg-floor-") as folder:
            page = floor_page(d, Path(folder))
            static = serve_folder(Path(folder))
            floor_url = f"http://127.0.0.1:{static.server_address[1]}/{page.name}"
            first_graph(d, floor_url)
            ways = {way: timed(d, way, (url, floor_url), args.runs) for way in WAYS}
            static.shutdown()
        first_graph(d, url)
        at_rest(d)  # the live page, whose role filter is clicked
        roles = [R + r for r in ("dermatologist", "esthetician", "plastic-surgeon")]
        changes, rests = [], []
        for i in range(args.runs):  # ticks each role, then unticks them: a new view each time
            ms, settled = d.execute_async_script(CHANGE, ROLE_FILTER, roles[i % len(roles)])
            if ms == -2:
                raise SystemExit(f"the role filter does not list {roles[i % len(roles)]}")
            if ms < 0:
                raise SystemExit("a filter change did not settle within 20 s")
            changes.append(ms)
            rests.append(settled)
        print(f"graph: {'curated' if not args.data else ' + '.join(args.data)}; median of {args.runs}")
        print(
            f"first graph drawn after navigation (goal <= 1 s), beside the static floor page (the same view "
            f"and bundles; goal <= {GOAL_OVER_FLOOR}x), the HTTP cache off:"
        )
        for way, (app, floor) in ways.items():
            ratio = statistics.median(app) / statistics.median(floor)
            print(
                f"  {WAYS[way]}: {statistics.median(app):.0f} ms (runs {', '.join(f'{x:.0f}' for x in app)}); "
                f"floor {statistics.median(floor):.0f} ms (runs {', '.join(f'{x:.0f}' for x in floor)}); {ratio:.2f}x"
            )
        print(
            f"filter change to the new view drawn: {statistics.median(changes):.0f} ms (runs {', '.join(f'{x:.0f}' for x in changes)}; goal <= 150)"
        )
        print(
            f"  ... and camera moved, labels placed: {statistics.median(rests):.0f} ms (runs {', '.join(f'{x:.0f}' for x in rests)})"
        )
        print(
            f"first page transferred: {total / 1e6:.2f} MB; {n_js} scripts {js_wire / 1e6:.2f} MB on the wire, {js_decoded / 1e6:.2f} MB decoded"
        )
    finally:
        if d is not None:
            d.quit()
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
