"""Screenshots of views of a graph (not a test): starts `python app.py`, opens each URL, saves a PNG.

For views the browser tests cannot reach because their data is not in the repository (the
combined graph's imports under var/):

    .venv/bin/python scripts/screenshots.py --data var/esco.nt var/onet.nt \\
        --shot graph-big-esco-aesthetician '?role=escoocc:a1e1a788-2352-4172-8fcf-1f985a6968b0'
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.bench_browser import browser, first_graph  # noqa: E402
from scripts.bench_callbacks import start_app, wait_ready  # noqa: E402

SHOTS = ROOT / "tests" / "screenshots"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=[])
    ap.add_argument("--store", default="oxigraph")
    ap.add_argument("--shot", nargs=2, action="append", default=[], metavar=("NAME", "QUERY"))
    args = ap.parse_args(argv)
    port, server = start_app(args.data, args.store)
    d = None
    try:
        wait_ready(port, server)
        d = browser()
        d.set_window_size(1600, 1000)
        for name, query in args.shot:
            first_graph(d, f"http://127.0.0.1:{port}/{query}")
            time.sleep(2)  # the graph's callbacks settle and the canvas fits
            count = d.find_element("id", "view-count").text
            d.save_screenshot(str(SHOTS / f"{name}.png"))
            print(f"{name}.png: {query} ({count})")
    finally:
        if d is not None:
            d.quit()
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
