"""The HTTP cache on /sparql, on a real server with real clients: ETag, 304, kept answers, a new ETag for new data."""

from __future__ import annotations

import pytest
import requests

from graph.sandbox import Limits, Sandbox
from graph.stores import StoreSpec
from tests.endpoint_server import make_app, serving

R = "https://w3id.org/aesthetics-kg/resource/"
QUERY = f"SELECT ?label WHERE {{ <{R}cache-test> <http://www.w3.org/2004/02/skos/core#prefLabel> ?label }}"
JSON = "application/sparql-results+json"


def _spec(root, label: str) -> StoreSpec:
    extra = root / "extra.ttl"
    extra.write_text(f'<{R}cache-test> <http://www.w3.org/2004/02/skos/core#prefLabel> "{label}" .\n')
    return StoreSpec("oxigraph", (extra,), root=root / "stores")


def _post(url: str, query: str = QUERY, **headers: str) -> requests.Response:
    return requests.post(url, data={"query": query}, headers={"Accept": JSON, **headers}, timeout=30)


@pytest.fixture(scope="module")
def url(tmp_path_factory):
    spec = _spec(tmp_path_factory.mktemp("http-cache"), "first")
    with Sandbox(spec, Limits(timeout_s=5.0), workers=1) as box, serving(make_app(box)) as address:
        yield address


def test_a_repeat_with_the_etag_is_304_without_a_body(url):
    first = requests.get(url, params={"query": QUERY}, headers={"Accept": JSON}, timeout=30)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "first" in first.text
    assert first.headers["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = requests.get(
        url, params={"query": QUERY}, headers={"Accept": JSON, "If-None-Match": etag}, timeout=30
    )
    assert again.status_code == 304 and again.content == b"" and again.headers["ETag"] == etag


def test_a_repeated_query_is_answered_from_the_cache_unless_no_cache_is_asked(url):
    miss = _post(url, QUERY + " # a")
    hit = _post(url, QUERY + " # a")
    fresh = _post(url, QUERY + " # a", **{"Cache-Control": "no-cache"})
    assert [r.headers["X-Cache"] for r in (miss, hit, fresh)] == ["miss", "hit", "miss"]
    assert miss.content == hit.content == fresh.content
    assert miss.headers["ETag"] == hit.headers["ETag"] == fresh.headers["ETag"]
    assert hit.headers["Content-Type"] == miss.headers["Content-Type"]


def test_the_etag_names_the_query_and_the_format_asked_for(url):
    json_tag = _post(url).headers["ETag"]
    csv = requests.post(url, data={"query": QUERY}, headers={"Accept": "text/csv"}, timeout=30)
    other = _post(url, QUERY.replace("?label", "?name"))
    assert (
        csv.text.splitlines()[0] == "label"
        and len({json_tag, csv.headers["ETag"], other.headers["ETag"]}) == 3
    )
    stale = _post(url, QUERY.replace("?label", "?name"), **{"If-None-Match": json_tag})
    assert stale.status_code == 200  # another query's ETag does not make this one 304


def test_errors_are_not_cached(url):
    for _ in range(2):
        bad = _post(url, "SELECT WHERE {")
        assert bad.status_code == 400 and "ETag" not in bad.headers


def test_new_data_gives_a_new_etag_and_the_old_one_is_answered_in_full(tmp_path):
    with Sandbox(_spec(tmp_path, "before"), workers=1) as box, serving(make_app(box)) as address:
        old = _post(address)
    with Sandbox(_spec(tmp_path, "after"), workers=1) as box, serving(make_app(box)) as address:
        new = _post(address, **{"If-None-Match": old.headers["ETag"]})
    assert "before" in old.text and new.status_code == 200 and "after" in new.text
    assert new.headers["ETag"] != old.headers["ETag"]


def test_a_remote_store_may_change_so_it_has_no_fingerprint():
    assert StoreSpec("remote", url="http://127.0.0.1:1/sparql").fingerprint() is None
    assert StoreSpec("oxigraph").fingerprint() == StoreSpec("oxigraph").fingerprint()


def test_the_apps_compressed_answer_revalidates_with_its_etag(ui_app):
    client = ui_app.server.test_client()
    headers = {"Accept": "application/json", "Accept-Encoding": "gzip"}  # a type flask-compress compresses
    query = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?s"
    first = client.get("/sparql", query_string={"query": query}, headers=headers)
    assert first.status_code == 200 and first.headers["Content-Encoding"] == "gzip"
    assert first.headers["ETag"].endswith(':gzip"')  # flask-compress names the encoding in the tag
    again = client.get(
        "/sparql", query_string={"query": query}, headers={**headers, "If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304 and again.data == b""
