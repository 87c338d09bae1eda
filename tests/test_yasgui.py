"""The SPARQL editor's server side: YASGUI's files from the app itself, completion from the graph's vocabulary."""

from __future__ import annotations

import pytest

from graph.stores import StoreSpec, open_store
from graph.ui.yasgui import BUILD
from graph.vocabulary import build, expand_start

AKG = "https://w3id.org/aesthetics-kg/ontology#"


@pytest.fixture(scope="module")
def client(ui_app):
    return ui_app.server.test_client()


def test_completion_answers_this_graphs_classes_properties_and_names(client):
    assert client.get("/sparql/terms?kind=class&prefix=akg:Ro").json == [AKG + "Role"]
    properties = client.get("/sparql/terms?kind=property&prefix=skos:pref").json
    assert properties == ["http://www.w3.org/2004/02/skos/core#prefLabel"]
    names = client.get("/sparql/terms?kind=entity&prefix=akgr:derm").json
    assert names[0] == "https://w3id.org/aesthetics-kg/resource/dermatologist" and names == sorted(names)
    assert all(n.startswith("https://w3id.org/aesthetics-kg/resource/derm") for n in names)
    assert client.get("/sparql/terms", query_string={"kind": "class", "prefix": AKG + "Rol"}).json == [
        AKG + "Role"
    ]


@pytest.mark.parametrize("query", ["kind=nope&prefix=a", "kind=class&prefix=" + "x" * 3000])
def test_a_bad_completion_request_is_a_one_line_400(client, query):
    response = client.get("/sparql/terms?" + query)
    assert response.status_code == 400 and response.get_data(as_text=True).count("\n") == 1


def test_yasgui_is_served_by_the_app_and_only_on_the_sparql_tab(client):
    if not (BUILD / "yasgui.min.js").is_file():
        pytest.fail(f"YASGUI missing: run scripts/test.sh (npm installs it into {BUILD})")
    script = client.get("/yasgui/yasgui.min.js")
    assert script.status_code == 200 and script.mimetype == "text/javascript" and len(script.data) > 500_000
    assert client.get("/yasgui/yasgui.min.css").status_code == 200
    assert client.get("/yasgui/../../app.py").status_code == 404
    page = client.get("/").get_data(as_text=True)
    assert "yasgui.min.js" not in page and "/assets/sparql.js" in page  # the small loader only


def test_the_vocabulary_reads_classes_properties_and_subjects_once():
    vocabulary = build(open_store(StoreSpec("oxigraph")))
    assert AKG + "Role" in vocabulary.terms["class"]
    assert AKG + "performsProcedure" in vocabulary.terms["property"]
    assert "https://w3id.org/aesthetics-kg/resource/esthetician" in vocabulary.terms["entity"]
    assert vocabulary.complete(expand_start("akg:Ro"), kinds=("class",)) == [AKG + "Role"]
    assert len(vocabulary.complete("h", limit=5)) == 5
