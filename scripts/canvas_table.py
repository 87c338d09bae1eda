"""The canvas table of docs/exploring.md, measured (not a test): each view at each window size, read
from Cytoscape with the canvas tests' own checks (tests/test_browser_canvas.py), printed as Markdown.

    .venv/bin/python scripts/canvas_table.py

Curated views on ontology/roles.ttl; ESCO + O*NET views on the test fixtures' cuts (tests/fixtures/).
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from scripts.bench_browser import browser  # noqa: E402
from tests.test_browser_canvas import BADGES_JS, FIXTURES, HAIR, MEASURE_JS  # noqa: E402

ESCO = "escoocc:" + HAIR.rsplit("/", 1)[1]
MA = "akgr:medical-aesthetician"
SIZES = ((1600, 1000), (1280, 800), (390, 844))
#: (view, data: curated or combined, URL query, window sizes)
VIEWS = (
    ("first screen", "curated", "", SIZES),
    ("one role", "curated", f"?role={MA}", SIZES),
    ("focus depth 2", "curated", f"?role={MA}&node={MA}&focus={MA}&depth=2", SIZES[:2]),
    ("a path", "curated", "?from=akgr:dermatologist&to=akgr:ncle", SIZES[:2]),
    ("whole graph", "curated", "?all=1", SIZES[:2]),
    ("ESCO role", "combined", f"?role={ESCO}", SIZES[:2]),
    ("ESCO focus depth 2", "combined", f"?role={ESCO}&node={ESCO}&focus={ESCO}&depth=2", SIZES[:2]),
    ("ESCO + O\\*NET whole", "combined", "?all=1", SIZES[:2]),
)
FILES = {"curated": (), "combined": ("combined-sample.nt", "esco-cut.nt", "onet-cut.nt")}


def serve(files: tuple[str, ...], tmp: Path):
    """The explorer over the curated graph and these fixture files, on a free port: (URL, app, server)."""
    from graph.stores import StoreSpec
    from graph.ui.app import create_app

    spec = StoreSpec("oxigraph", tuple(FIXTURES / f for f in files), root=tmp / "stores")
    app = create_app(spec, workers=1, curricula=tmp / "cur")
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.port}/", app, server


def settle(d, timeout: float = 60) -> None:
    """The camera and labels at rest (graph.js), twice with a pause between."""
    for _ in range(2):
        end = time.time() + timeout
        while not d.execute_script("return !!window.akgSettled && window.akgSettled('cy');"):
            if time.time() > end:
                raise SystemExit("the canvas did not come to rest")
            time.sleep(0.1)
        time.sleep(0.3)


def row(d, view: str, size: tuple[int, int]) -> str:
    """One line of the table: what Cytoscape drew."""
    m = d.execute_script(MEASURE_JS, "cy")
    b = d.execute_script(BADGES_JS)
    counted = sum(1 for _, left, inside, *_ in b["nodes"] if left and inside)
    links = "on hover" if not m["links_named"] else f"{m['links_named']}"
    px = f"{m['px_min']:.0f}–{m['px_max']:.0f}" if m["px_min"] is not None else "–"
    badges = f"{len(b['badges'])} of {counted}" if counted else "(none left)"
    return (
        f"| {view} | {size[0]} × {size[1]} | {m['canvas'][0]:.0f} × {m['canvas'][1]:.0f} "
        f"| {m['inside']} of {m['nodes']} | {m['named']} | {len(m['covering'])} | {m['overlapping']} "
        f"| {links} | {px} | {badges} |"
    )


def main() -> int:
    print(
        "| view | window | canvas | nodes on canvas | named | over nodes | overlapping | links named | label px | badges shown |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
    d = browser()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for data in ("curated", "combined"):
                url, app, server = serve(FILES[data], Path(tmp) / data)
                try:
                    for view, where, query, sizes in VIEWS:
                        if where != data:
                            continue
                        for size in sizes:
                            d.set_window_size(*size)
                            d.get(url + query)
                            settle(d)
                            print(row(d, view, size), flush=True)
                finally:
                    server.shutdown()
                    app.server.extensions["akg"].sandbox.close()
    finally:
        d.quit()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
