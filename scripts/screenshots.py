"""The docs' screenshots, from the running app (not a test): starts `python app.py`, opens each view, saves a PNG.

With no --shot it makes the pictures of the curated graph the README and docs/ show, into docs/img/ (palette PNGs, small):

    .venv/bin/python scripts/screenshots.py

For views of data not in the repository (the combined graph's imports under var/), name them; these go
to tests/screenshots/ (not committed) unless --out says otherwise (docs/transitions.md gives the command
that made docs/img/transitions.png):

    .venv/bin/python scripts/screenshots.py --data var/esco.nt var/onet.nt \\
        --shot graph-big-esco-aesthetician '?role=escoocc:a1e1a788-2352-4172-8fcf-1f985a6968b0'
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from selenium.webdriver.common.keys import Keys  # noqa: E402

from scripts.bench_browser import browser, first_graph  # noqa: E402
from scripts.bench_callbacks import start_app, wait_ready  # noqa: E402

DOCS = ROOT / "docs" / "img"
SHOTS = ROOT / "tests" / "screenshots"
SIZE = (1400, 900)
TARGETS = '{"name":"cur-roles","type":"role-picker"}'  # the Curriculum tab's target roles, as the DOM ids it
# (file name, the view's URL query, what to do on the page before the picture: (action, element id, text))
DOC_SHOTS: tuple[tuple[str, str, tuple[tuple[str, ...], ...]], ...] = (
    ("first-screen", "", ()),
    ("role-selected", "?role=akgr:dermatologist&role=akgr:esthetician&node=akgr:esthetician", ()),
    ("path", "?from=akgr:medical-aesthetician&to=akgr:ncle", (("scroll", "path-text"),)),
    ("sparql", "?tab=sparql", (("run", "q-yasgui"),)),
    ("overlap", "?tab=overlap", ()),
    (
        "curriculum",
        "?tab=curriculum",
        (("pick", TARGETS, "medical aesthetician"), ("pick", TARGETS, "aesthetic medical laser technician")),
    ),
)
PICK = """
const id = JSON.parse(arguments[0]);
return document.getElementById(JSON.stringify({name: id.name, type: id.type + '-search'}));
"""
SCROLL = """
const el = document.getElementById(arguments[0]), side = el.closest('.sidebar');
side.scrollTop = el.offsetTop - side.offsetTop - 60;
"""
LABEL = """
const [picker, text] = arguments;
const el = document.getElementById(picker);
const hit = el && [...el.querySelectorAll('label')].find(l => l.textContent.toLowerCase().startsWith(text));
return hit && !(hit.control && hit.control.checked) ? hit : null;
"""


def small_png(png: bytes, colours: int = 128) -> bytes:
    """The picture as a palette PNG: a screenshot of flat UI keeps its look at a fraction of the bytes."""
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True
    )
    return out.getvalue()


def wait_for(found, timeout: float = 30.0):
    """What found() returns once it is something."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if answer := found():
            return answer
        time.sleep(0.1)
    raise SystemExit("the page did not show what a screenshot waits for within 30 s")


def shoot(d, port: int, query: str, actions, path: Path, settle: float) -> str:
    """Open one view, do its actions, let it settle, write the PNG; returns what the view counted."""
    first_graph(d, f"http://127.0.0.1:{port}/{query}")
    for action, element, *text in actions:
        if action == "click":
            d.find_element("id", element).click()
        elif action == "run":  # the SPARQL tab's editor (YASGUI) once it has loaded: its run button
            for _ in range(100):
                if d.execute_script("return document.getElementById(arguments[0])?.dataset.ready", element):
                    break
                time.sleep(0.2)
            d.execute_script(
                "document.querySelector('#' + arguments[0] + ' .tabPanel.active .yasqe_queryButton').click()",
                element,
            )
        elif action == "scroll":
            d.execute_script(SCROLL, element)
        elif action == "pick":  # as a person does: type into the picker's search box, tick the option
            box = d.execute_script(PICK, element)
            box.send_keys(Keys.CONTROL, "a")  # typing replaces the last search
            box.send_keys(text[0])
            wait_for(lambda e=element, t=text[0]: d.execute_script(LABEL, e, t)).click()
    time.sleep(settle)  # the callbacks answer and the canvas fits
    path.write_bytes(small_png(d.get_screenshot_as_png()))
    return d.find_element("id", "view-count").text


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", nargs="+", default=[])
    ap.add_argument("--store", default="oxigraph")
    ap.add_argument("--shot", nargs=2, action="append", default=[], metavar=("NAME", "QUERY"))
    ap.add_argument("--only", nargs="+", default=[], metavar="NAME", help="only these of the docs' pictures")
    ap.add_argument(
        "--out", type=Path, help="folder for the PNGs (default docs/img, or tests/screenshots with --shot)"
    )
    ap.add_argument(
        "--settle", type=float, default=2.0, help="seconds to wait before each picture (default 2)"
    )
    args = ap.parse_args(argv)
    shots = [(name, query, ()) for name, query in args.shot] or [
        s for s in DOC_SHOTS if not args.only or s[0] in args.only
    ]
    out = args.out or (SHOTS if args.shot else DOCS)
    out.mkdir(parents=True, exist_ok=True)
    port, server = start_app(args.data, args.store)
    d = None
    try:
        wait_ready(port, server)
        d = browser()
        d.set_window_size(*SIZE)
        for name, query, actions in shots:
            path = out / f"{name}.png"
            count = shoot(d, port, query, actions, path, args.settle)
            print(
                f"{path.relative_to(ROOT) if ROOT in path.parents else path}: {query or '/'} "
                f"({count}; {path.stat().st_size // 1024} kB)"
            )
    finally:
        if d is not None:
            d.quit()
        server.terminate()
        server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
