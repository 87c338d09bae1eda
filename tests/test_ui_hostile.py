"""Hostile callback inputs through Dash's own route: whatever a client posts, no callback answers 5xx."""

from __future__ import annotations

import json

import pytest

from graph.ui import state as S

HOSTILE = [
    "x",
    "<script>alert(1)</script>",
    "\x00",
    "http://a b",
    "_:b0",
    "akgr:" + "a" * 5000,
    -1,
    10**30,
    1.5,
    True,
    {"a": [1]},
    [None, 7, {"x": "y"}],
    ["x", "\x00", "<img src=x onerror=alert(1)>"],
]


def _concrete(dep_id: str, value: object) -> str | dict:
    """A wildcard id (MATCH/ALL) as the browser would send it; plain ids unchanged."""
    if not dep_id.startswith("{"):
        return dep_id
    wid = json.loads(dep_id)
    return {k: (str(value) if v in (["MATCH"], ["ALL"]) else v) for k, v in wid.items()}


def _dep(d: dict, value: object) -> dict | list:
    cid = _concrete(d["id"], value)
    item = {"id": cid, "property": d["property"], "value": value}
    return [item] if '["ALL"]' in d["id"] else item


def _outputs(out: str, value: object) -> list | dict:
    parts = out.strip(".").split("...") if out.startswith("..") else [out]
    specs = []
    for part in parts:
        pid, _, prop = part.rpartition(".")
        specs.append({"id": _concrete(pid, value), "property": prop})
    return specs if out.startswith("..") else specs[0]


@pytest.fixture(scope="module")
def client(ui_app):
    return ui_app.server.test_client()


@pytest.fixture(scope="module")
def callbacks(client):
    return [d for d in client.get("/_dash-dependencies").json if not d.get("clientside_function")]


def post(client, dep: dict, value: object):
    body = {
        "output": dep["output"],
        "outputs": _outputs(dep["output"], value),
        "inputs": [_dep(d, value) for d in dep["inputs"]],
        "state": [_dep(d, value) for d in dep["state"]],
        "changedPropIds": [f"{d['id']}.{d['property']}" for d in dep["inputs"][:1]],
    }
    return client.post("/_dash-update-component", json=body)


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_no_callback_answers_5xx_to_a_hostile_input(client, callbacks, value):
    failures = []
    for dep in callbacks:
        r = post(client, dep, value)
        if r.status_code >= 500:
            failures.append((dep["output"][:60], r.status_code))
    assert failures == [], failures


@pytest.mark.parametrize("value", ["x", "<script>alert(1)</script>", "\x00", "http://a b", 7, {"a": 1}])
def test_a_hostile_focus_or_seed_draws_the_default_view(client, callbacks, value):
    draw = next(d for d in callbacks if "cy.elements" in d["output"])
    r = post(client, draw, value)
    assert r.status_code == 200, r.text[:300]
    out = r.json["response"]
    assert out["cy"]["elements"], "the default view has nodes"


@pytest.mark.parametrize(
    "search, ignored",
    [
        ("?focus=x", ("focus=x",)),
        ("?role=x", ("role=x",)),
        ("?node=<script>alert(1)</script>", ("node=<script>alert(1)</script>",)),
        ("?expand=%00", ("expand=\x00",)),
        ("?role=akgr:dermatologist&hide=_:b0", ("hide=_:b0",)),
    ],
)
def test_link_values_that_name_no_iri_are_dropped_and_noted(search, ignored):
    st = S.decode(search)
    assert st.ignored == ignored
    assert (st.focus, st.node, st.expand, st.hide) == (None, None, (), ())
    assert S.ignored_note(st.ignored).startswith("Ignored in the link")
    assert "\x00" not in S.ignored_note(st.ignored)


MALFORMED = [
    ("application/json", "{}"),
    ("application/json", "[]"),
    ("application/json", "null"),
    ("application/json", "7"),
    ("application/json", "{not json"),
    ("application/json", '{"output": 7, "inputs": [], "changedPropIds": []}'),
    ("application/json", '{"output": "nope.children", "outputs": {}, "inputs": [], "changedPropIds": []}'),
    ("application/json", '{"output": "page-note.children", "outputs": 3, "inputs": {}, "changedPropIds": 5}'),
    ("application/json", '{"output": "..a.b...c.d..", "outputs": [], "inputs": [[]], "state": 1}'),
    ("text/plain", "output=x"),
    ("application/json", "\udcff\udcfe"),
]


def test_post_of_an_empty_object_to_the_dash_route_is_400_saying_why(client):
    response = client.post("/_dash-update-component", json={})
    assert response.status_code == 400
    assert (
        response.get_data(as_text=True)
        == "malformed callback request: 'output' names no callback of this app\n"
    )


def test_a_method_a_route_does_not_take_is_a_one_line_4xx(client):
    response = client.put("/_dash-update-component", data="x")
    assert response.status_code == 405
    assert response.get_data(as_text=True).count("\n") == 1, response.data


@pytest.mark.parametrize(("ctype", "body"), MALFORMED)
def test_a_malformed_dash_request_is_a_one_line_400(client, ctype, body):
    response = client.post(
        "/_dash-update-component", data=body.encode("utf-8", "surrogateescape"), content_type=ctype
    )
    assert response.status_code == 400, (response.status_code, response.data[:300])
    assert response.mimetype == "text/plain"
    text = response.get_data(as_text=True)
    assert text.count("\n") <= 1 and len(text) < 300, text
