"""Fixtures for the UI tests (a data file with hostile labels, the app over it, headless Chromium options),
and the reference-data gate: tests marked `reference(...)` skip (fail under CI=true) without their data,
and the run ends with one line saying which data the skipped tests need and where to put it."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.reference import DATASETS, PREFIX, REFERENCE, need

SKIPPED_FOR: Counter[tuple[str, ...]] = Counter()  # folders a test needed -> tests skipped for them


def pytest_configure(config):
    config.addinivalue_line("markers", "reference(*folders): reads these folders of the reference data")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for mark in item.iter_markers("reference"):
        need(*mark.args)


def pytest_runtest_logreport(report):
    if report.skipped and isinstance(report.longrepr, tuple) and PREFIX in report.longrepr[2]:
        folders = report.longrepr[2].split(PREFIX, 1)[1].split(" in ", 1)[0]
        SKIPPED_FOR[tuple(folders.split(", "))] += 1


def missing_data_line() -> str:
    """One line: how many tests each missing data set kept from running, what it is, where it goes."""
    groups = [
        f"{n} test{'s need' if n > 1 else ' needs'} {' and '.join(f'{f}/ ({DATASETS.get(f, f)})' for f in folders)}"
        for folders, n in sorted(SKIPPED_FOR.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return (
        f"reference data missing: {'; '.join(groups)}; put the folders in {REFERENCE} "
        "or name their parent in AKG_REFERENCE (README.md, 'Data')"
    )


def pytest_unconfigure(config):
    """After pytest's own summary, so it is the run's last line."""
    if SKIPPED_FOR:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(missing_data_line(), yellow=True, bold=True)


EVIL_SCRIPT = "<script>alert(1)</script>"
EVIL_IMG = "<img src=x onerror=alert(2)>"
EVIL_TTL = f"""
@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .
@prefix akgr: <https://w3id.org/aesthetics-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
akgr:evil-procedure a akg:CosmeticProcedure ;
    skos:prefLabel "{EVIL_SCRIPT}"@en ;
    skos:altLabel "{EVIL_IMG}"@en ;
    skos:exactMatch <javascript:alert(3)> .
akgr:dermatologist akg:performsProcedure akgr:evil-procedure .
"""
CHROME_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1600,1000",
)


@pytest.fixture(scope="session")
def ui_app(tmp_path_factory):
    """The explorer over the curated graph plus a procedure with script and img labels."""
    from graph.stores import StoreSpec
    from graph.ui.app import create_app

    tmp = tmp_path_factory.mktemp("ui")
    evil = tmp / "evil.ttl"
    evil.write_text(EVIL_TTL, encoding="utf-8")
    app = create_app(
        StoreSpec("oxigraph", (evil,), root=tmp / "stores"),
        workers=1,
        curricula=tmp / "curricula",
        users=tmp / "users",  # no designer: anyone may save, as before sign-in existed
    )
    yield app
    app.server.extensions["akg"].sandbox.close()


def pytest_setup_options():
    """Chrome options for dash[testing]'s browser fixtures (root in a container needs --no-sandbox)."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    return options


@pytest.fixture(scope="module")
def base_url(ui_app):
    """The explorer served on a free loopback port for the module's browser tests."""
    import logging
    import threading

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server("127.0.0.1", 0, ui_app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.port}/"
    server.shutdown()


@pytest.fixture(scope="module")
def driver():
    """One headless Chromium per module (Debian's chromium and chromedriver)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in CHROME_ARGS:
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    d.set_window_size(1600, 1000)
    yield d
    d.quit()
