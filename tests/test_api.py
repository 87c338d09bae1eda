"""The curricula API, sign-in and CASE REST binding on the real server (`python app.py`) with real HTTP clients."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph import case
from graph.paths import ROOT
from graph.terms import AKGR
from tests.test_serving import free_port, start_app, stop, wait_ready

MA = str(AKGR["medical-aesthetician"])
LHR = str(AKGR["laser-hair-removal"])
ALICE = ("alice", "correct horse battery")


def etag(answer: requests.Response) -> str:
    """The version's tag (a compressed answer's ETag carries `:br` or `:gzip`, which If-Match may carry too)."""
    return re.sub(r":(br|gzip)\"$", '"', answer.headers["ETag"])


def add_designer(users: Path, name: str, password: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "graph", "users", "add", name],
        input=password + "\n",
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**__import__("os").environ, "AKG_USERS": str(users)},
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout.startswith(f"added designer {name}"), done.stderr


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("api")
    add_designer(tmp / "users", *ALICE)
    port = free_port()
    env = {"AKG_USERS": str(tmp / "users"), "AKG_PROXY": "1", "AKG_VAR": str(tmp / "var")}
    proc = start_app(port, "--curricula", str(tmp / "curricula"), env=env)
    try:
        wait_ready(port, proc)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop(proc)


def body(title: str = "Laser course", text: str = "Perform laser hair removal") -> dict:
    return {
        "title": title,
        "roles": [MA],
        "outcomes": [{"module": "Lasers", "text": text, "accepted": [LHR]}, {"text": "Keep records"}],
    }


def test_anonymous_writes_are_refused_while_reading_and_exploring_stay_public(server):
    assert requests.get(server + "/", timeout=30).status_code == 200
    assert requests.get(server + "/sparql", params={"query": "ASK {}"}, timeout=30).status_code == 200
    assert requests.get(server + "/api/curricula", timeout=30).json() == {"curricula": []}
    put = requests.put(server + "/api/curricula/anon", json=body(), timeout=30)
    assert put.status_code == 401 and put.headers["WWW-Authenticate"].startswith("Basic")
    assert put.text.count("\n") == 1 and "sign in" in put.text
    assert requests.delete(server + "/api/curricula/anon", timeout=30).status_code == 401
    assert requests.get(server + "/api/curricula/anon", timeout=30).status_code == 404


def test_a_designer_saves_and_the_etag_guards_every_change(server):
    url = server + "/api/curricula/laser-course"
    put = requests.put(url, json=body(), auth=ALICE, timeout=30)
    assert put.status_code == 201 and etag(put) == '"v1"', put.text
    got = requests.get(url, timeout=30)
    assert etag(got) == '"v1"' and got.json()["outcomes"][0]["matches"][0]["item"] == LHR
    assert requests.get(url, headers={"If-None-Match": '"v1"'}, timeout=30).status_code == 304
    second = requests.put(
        url, json=body("Laser course 2"), auth=ALICE, headers={"If-Match": '"v1"'}, timeout=30
    )
    assert second.status_code == 200 and etag(second) == '"v2"'
    stale = requests.put(url, json=body("lost?"), auth=ALICE, headers={"If-Match": '"v1"'}, timeout=30)
    assert stale.status_code == 412 and etag(stale) == '"v2"' and stale.text.count("\n") == 1
    assert requests.get(url, timeout=30).json()["title"] == "Laser course 2"  # nothing changed
    gone = requests.delete(url, auth=ALICE, headers={"If-Match": '"v1"'}, timeout=30)
    assert gone.status_code == 412 and requests.get(url, timeout=30).status_code == 200
    listed = requests.get(server + "/api/curricula", timeout=30).json()["curricula"]
    assert [(c["id"], c["version"], c["href"]) for c in listed] == [
        ("laser-course", "2", "/api/curricula/laser-course")
    ]


def test_formats_by_accept_and_by_format_parameter(server):
    url = server + "/api/curricula/formats"
    assert requests.put(url, json=body(), auth=ALICE, timeout=30).status_code == 201
    trig = requests.get(url, headers={"Accept": "application/trig"}, timeout=30)
    assert trig.headers["Content-Type"].startswith("application/trig")
    assert "<https://w3id.org/aesthetics-kg/curriculum/formats>" in trig.text
    assert requests.get(url, params={"format": "csv"}, timeout=30).text.startswith("module,outcome,decision")
    jsonld = requests.get(url, headers={"Accept": "application/ld+json"}, timeout=30)
    assert jsonld.headers["Content-Type"].startswith("application/ld+json") and json.loads(jsonld.text)
    doc = requests.get(url, params={"format": "case"}, timeout=30).json()
    assert case.problems(doc) == [] and doc["CFDocument"]["title"] == "Laser course"
    assert requests.get(url, params={"format": "xml"}, timeout=30).status_code == 400
    assert requests.get(url, headers={"Accept": "image/png"}, timeout=30).status_code == 406
    # TriG back in by Content-Type: the same curriculum as a new version
    again = requests.put(
        url,
        data=trig.content,
        headers={"Content-Type": "application/trig", "If-Match": '"v1"'},
        auth=ALICE,
        timeout=30,
    )
    assert again.status_code == 200 and again.json()["outcomes"][0]["matches"][0]["decision"] == "accepted"


@pytest.mark.parametrize(
    ("data", "headers", "status", "words"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400, "body is not JSON"),
        (
            b'{"title": "t", "outcomes": [{"nope": 1}]}',
            {"Content-Type": "application/json"},
            400,
            "not a curriculum",
        ),
        (  # a string where a list belongs was read letter by letter: roles "a", "b", "c"
            b'{"title": "t", "roles": "abc", "outcomes": []}',
            {"Content-Type": "application/json"},
            400,
            "body is not a curriculum: roles: 'abc' is not of type 'array', 'null'",
        ),
        (
            b'{"title": 5, "outcomes": [{"text": "x", "accepted": "http://x/a"}, {"module": "m"}]}',
            {"Content-Type": "application/json"},
            400,
            "outcomes/0/accepted: 'http://x/a' is not of type 'array'; outcomes/1: 'text' is a required"
            " property; title: 5 is not of type 'string', 'null'",
        ),
        (
            b'{"title": "t", "outcomes": [{"text": "x", "accepted": ["not an iri"]}]}',
            {"Content-Type": "application/json"},
            400,
            "is not an IRI",
        ),
        (
            b"x" * 3_500_001,
            {"Content-Type": "application/json"},
            413,
            "at most 3,500,000 (MAX_CURRICULUM_BYTES)",
        ),
        (b"x" * 1_000_001, {"Content-Type": "application/trig"}, 413, "at most 1,000,000 (MAX_FILE_BYTES)"),
        (b"hello", {"Content-Type": "text/plain"}, 415, "Content-Type text/plain"),
    ],
)
def test_bad_bodies_are_one_line_and_change_nothing(server, data, headers, status, words):
    answer = requests.put(
        server + "/api/curricula/bad-body", data=data, headers=headers, auth=ALICE, timeout=30
    )
    assert answer.status_code == status and words in answer.text and answer.text.count("\n") == 1, answer.text
    assert requests.get(server + "/api/curricula/bad-body", timeout=30).status_code == 404


def test_unknown_and_malformed_ids(server):
    assert requests.get(server + "/api/curricula/no-such-thing", timeout=30).status_code == 404
    assert requests.get(server + "/api/curricula/NOT_AN_ID", timeout=30).status_code == 400
    assert requests.delete(server + "/api/curricula/no-such-thing", auth=ALICE, timeout=30).status_code == 404


def test_a_mistyped_api_url_is_a_404_listing_the_routes_not_the_page(server):
    """/api/curriculum (no s) answered the app's page with 200: a script read it as success."""
    for path in ("/api/curriculum", "/api/curricula/x/version/1"):
        answer = requests.get(server + path, timeout=30)
        assert answer.status_code == 404 and answer.headers["Content-Type"].startswith("text/plain"), path
        assert answer.text.startswith(f"no API route {path}; the routes are: GET /api/curricula;"), (
            answer.text
        )
    answer = requests.get(server + "/ims/case/v1p0/CFDocument", timeout=30)  # CASE's own error JSON
    assert answer.status_code == 404 and answer.json()["imsx_codeMajor"] == "failure"
    assert answer.json()["imsx_description"] == (
        "no API route /ims/case/v1p0/CFDocument; the routes are: GET /ims/case/v1p0/CFDocuments; "
        "GET /ims/case/v1p0/CFDocuments/<ident>; GET /ims/case/v1p0/CFPackages/<ident>"
    )
    answer = requests.post(server + "/api/curricula", json=body(), timeout=30)
    assert answer.status_code == 405 and answer.headers["Allow"] == "GET, HEAD, OPTIONS", answer.text
    assert answer.text == "POST is not allowed on /api/curricula; use GET, HEAD, OPTIONS\n"
    assert requests.get(server + "/api/curricula", timeout=30).status_code == 200
    assert requests.get(server + "/?tab=curriculum", timeout=30).status_code == 200


def test_history_lists_versions_with_who_and_restores_one_as_a_new_version(server):
    url = server + "/api/curricula/history"
    requests.put(url, json=body("first"), auth=ALICE, timeout=30).raise_for_status()
    requests.put(url, json=body("second", "Explain skin types"), auth=ALICE, timeout=30).raise_for_status()
    versions = requests.get(url + "/versions", timeout=30).json()["versions"]
    assert [(v["version"], v["who"], v["title"]) for v in versions] == [
        ("2", "alice", "second"),
        ("1", "alice", "first"),
    ]
    assert requests.get(url + "/versions/1", timeout=30).json()["title"] == "first"
    refused = requests.post(url + "/versions/1/restore", timeout=30)
    assert refused.status_code == 401
    stale = requests.post(url + "/versions/1/restore", auth=ALICE, headers={"If-Match": '"v1"'}, timeout=30)
    assert stale.status_code == 412
    restored = requests.post(
        url + "/versions/1/restore", auth=ALICE, headers={"If-Match": '"v2"'}, timeout=30
    )
    assert restored.status_code == 200 and etag(restored) == '"v3"'
    now = requests.get(url, timeout=30).json()
    assert (now["title"], now["version"], now["outcomes"][0]["text"]) == (
        "first",
        3,
        "Perform laser hair removal",
    )
    top = requests.get(url + "/versions", timeout=30).json()["versions"][0]
    assert (top["version"], top["restored"]) == ("3", "1")


def test_case_rest_binding_serves_saved_curricula_and_role_frameworks(server):
    requests.put(
        server + "/api/curricula/case-course", json=body("CASE course"), auth=ALICE, timeout=30
    ).raise_for_status()
    docs = requests.get(server + "/ims/case/v1p0/CFDocuments", timeout=30).json()["CFDocuments"]
    titles = [d["title"] for d in docs]
    assert "CASE course" in titles and "Curriculum for medical aesthetician" in titles
    for title in ("CASE course", "Curriculum for medical aesthetician"):
        ident = docs[titles.index(title)]["identifier"]
        package = requests.get(f"{server}/ims/case/v1p0/CFPackages/{ident}", timeout=60)
        assert package.status_code == 200 and case.problems(package.json()) == [], title
        assert package.json()["CFDocument"]["identifier"] == ident
        one = requests.get(f"{server}/ims/case/v1p0/CFDocuments/{ident}", timeout=60).json()
        assert one["title"] == title
    role_package = requests.get(
        f"{server}/ims/case/v1p0/CFPackages/{docs[titles.index('Curriculum for medical aesthetician')]['identifier']}",
        timeout=60,
    ).json()
    assert len(role_package["CFItems"]) > 10
    missing = requests.get(f"{server}/ims/case/v1p0/CFPackages/{case.uid('nothing')}", timeout=30)
    assert missing.status_code == 404 and missing.json()["imsx_codeMajor"] == "failure"


def _csrf(session: requests.Session, server: str) -> str:
    page = session.get(server + "/signin", timeout=30)
    assert page.status_code == 200
    return re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)


def test_sign_in_form_gives_a_safe_session_that_writes_from_this_site_only(server):
    s = requests.Session()
    token = _csrf(s, server)
    done = s.post(
        server + "/signin",
        data={"name": ALICE[0], "password": ALICE[1], "csrf": token, "next": "/"},
        # as a proxy with HTTPS passes it on: the page's origin is https, the proxy says so
        headers={"Origin": server.replace("http://", "https://"), "X-Forwarded-Proto": "https"},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 303 and done.headers["Location"] == "/"
    cookie = done.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie
    s.cookies.set("akg_session", done.cookies["akg_session"], domain="127.0.0.1")
    assert "Signed in as <strong>alice</strong>" in s.get(server + "/signin", timeout=30).text
    put = s.put(server + "/api/curricula/by-session", json=body(), headers={"Origin": server}, timeout=30)
    assert put.status_code == 201, put.text
    cross = s.put(
        server + "/api/curricula/by-session",
        json=body(),
        headers={"Origin": "https://evil.example"},
        timeout=30,
    )
    assert cross.status_code == 403
    plain = requests.post(
        server + "/signin",
        data={"name": "x", "password": "y"},
        headers={"X-Forwarded-Proto": "http"},
        allow_redirects=False,
        timeout=30,
    )
    assert "Secure" not in plain.headers.get("Set-Cookie", "")


def test_a_cross_site_post_to_the_sign_in_form_is_refused(server):
    s = requests.Session()
    token = _csrf(s, server)
    cross = s.post(
        server + "/signin",
        data={"name": ALICE[0], "password": ALICE[1], "csrf": token},
        headers={"Origin": "https://evil.example"},
        allow_redirects=False,
        timeout=30,
    )
    assert cross.status_code == 403 and "designer" not in str(s.cookies.get("akg_session"))
    no_token = requests.post(
        server + "/signin", data={"name": ALICE[0], "password": ALICE[1]}, allow_redirects=False, timeout=30
    )
    assert no_token.status_code == 403


def test_twelve_wrong_passwords_get_429_and_never_succeed_and_names_are_not_told_apart(server):
    """Last in the module: it leaves this client's address throttled."""
    url = server + "/api/curricula/guarded"
    statuses = []
    for n in range(12):
        answer = requests.put(url, json=body(), auth=(ALICE[0], f"wrong {n}"), timeout=30)
        statuses.append(answer.status_code)
        if answer.status_code == 429:
            assert int(answer.headers["Retry-After"]) >= 1
    assert statuses[:4] == [401] * 4 and 429 in statuses and set(statuses) <= {401, 429}, statuses
    assert statuses[-1] == 429
    right = requests.put(url, json=body(), auth=ALICE, timeout=30)  # the right password, while throttled
    assert right.status_code == 429
    unknown = requests.put(url, json=body(), auth=("nobody", "wrong"), timeout=30)
    assert unknown.status_code == 429 and unknown.text == right.text  # the same answer for any name
    assert requests.get(url, timeout=30).status_code == 404  # nothing was saved
    s = requests.Session()  # the sign-in form shares the count: the right password is not even checked
    form = s.post(
        server + "/signin",
        data={"name": ALICE[0], "password": ALICE[1], "csrf": _csrf(s, server)},
        allow_redirects=False,
        timeout=30,
    )
    assert form.status_code == 429 and int(form.headers["Retry-After"]) >= 1
    assert "Signed in as" not in s.get(server + "/signin", timeout=30).text
