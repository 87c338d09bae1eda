"""Crafted links in a real headless Chromium: each draws the default view and says what it ignored."""

from __future__ import annotations

import time

import pytest
import requests
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.support.ui import WebDriverWait

pytestmark = pytest.mark.browser

CRAFTED = [
    "?focus=x",
    "?role=x",
    "?node=%3Cscript%3Ealert(1)%3C/script%3E",
    "?expand=%00",
    "?hide=_:b0&add=%3Cimg%20src=x%20onerror=alert(2)%3E",
]


def drawn(driver) -> frozenset[str]:
    try:
        ids = driver.execute_script(
            "const el = document.getElementById('cy'); const cy = el && el._cyreg && el._cyreg.cy;"
            "return cy ? cy.nodes().map(n => n.id()) : [];"
        )
    except Exception:
        return frozenset()
    return frozenset(ids or ())


def settled(driver, timeout: float = 30) -> frozenset[str]:
    """The node ids once the canvas has drawn and stopped changing."""
    seen: list[frozenset[str]] = []

    def stable(d) -> bool:
        seen.append(drawn(d))
        return len(seen) > 3 and seen[-1] and seen[-1] == seen[-2] == seen[-3]

    WebDriverWait(driver, timeout, poll_frequency=0.3).until(stable)
    return seen[-1]


def note(driver) -> str:
    return driver.execute_script("return document.getElementById('page-note').textContent;") or ""


@pytest.fixture(scope="module")
def default_view(driver, base_url) -> frozenset[str]:
    driver.get(base_url)
    return settled(driver, timeout=60)


@pytest.mark.parametrize("link", CRAFTED)
def test_a_crafted_link_draws_the_default_view_with_a_note(driver, base_url, default_view, link):
    driver.get(base_url + link)
    assert settled(driver, timeout=60) == default_view
    WebDriverWait(driver, 30, poll_frequency=0.2).until(lambda d: note(d).startswith("Ignored in the link"))
    assert "Ignored in the link" in note(driver)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - no script in the link ran
    errors = driver.execute_script("return document.querySelectorAll('.dash-fe-error__title').length;")
    assert errors == 0


LONG = "very long procedure label " * 3847  # 100,022 characters
LONG_TTL = f"""
@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .
@prefix akgr: <https://w3id.org/aesthetics-kg/resource/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
akgr:long-procedure a akg:CosmeticProcedure ; skos:prefLabel "{LONG.strip()}"@en .
akgr:dermatologist akg:performsProcedure akgr:long-procedure .
"""


@pytest.fixture(scope="module")
def long_url(tmp_path_factory):
    """The app as scripts/run.sh starts it, over the curated graph plus the long label (own process:
    Dash hands its module-level callbacks to the first app of a process only)."""
    from tests.test_serving import free_port, start_app, stop, wait_ready

    tmp = tmp_path_factory.mktemp("long")
    data = tmp / "long.ttl"
    data.write_text(LONG_TTL, encoding="utf-8")
    port = free_port()
    proc = start_app(port, "--data", str(data), env={"AKG_VAR": str(tmp / "var")})
    try:
        wait_ready(port, proc)
        yield f"http://127.0.0.1:{port}/"
    finally:
        stop(proc)


def test_a_100000_character_label_is_shortened_in_controls_and_whole_in_the_details(driver, long_url):
    iri = "https://w3id.org/aesthetics-kg/resource/long-procedure"
    t0 = time.perf_counter()
    driver.get(long_url + "?all=1")  # the first screen starts from the seed documents' roles: ask for all
    assert iri in settled(driver, timeout=60)
    print(f"first draw with a 100,000-character label: {time.perf_counter() - t0:.1f} s")
    label = driver.execute_script(
        "return document.getElementById('cy')._cyreg.cy.getElementById(arguments[0]).data('label');", iri
    )
    assert label.startswith("very long procedure label") and label.endswith("…") and len(label) <= 80
    chunk = LONG[:1000]
    assert chunk not in requests.get(long_url + "_dash-layout", timeout=30).text, "filter options shortened"
    assert chunk not in driver.execute_script("return document.documentElement.innerHTML;")
    driver.execute_script(
        "document.getElementById('cy')._cyreg.cy.getElementById(arguments[0]).emit('tap');", iri
    )
    WebDriverWait(driver, 20, poll_frequency=0.2).until(
        lambda d: (
            LONG.strip() in (d.execute_script("return document.getElementById('detail').textContent;") or "")
        )
    )
