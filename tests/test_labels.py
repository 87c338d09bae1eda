"""An entity with a preferred label in several languages (SKOS allows one per language; ESCO's own RDF
has 28) is named by one, the same everywhere and on every store: the English one, else one without a
language, else the shortest. Before, the name index took the shortest in any language (a French label
titled the detail panel) while the pickers and the canvas took whichever row came first."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.resolve import build_index
from graph.stores import StoreSpec
from graph.terms import AKG, best_labels, label_key
from graph.ui.options import filter_options
from graph.ui.view.details import details
from graph.ui.view.subgraph import Node, Subgraph, add_neighbours, subgraph_from_triples
from graph.workspace import Workspace

X = "http://example.org/x#"
ROLE, PEEL = X + "tattoo-removal-technician", X + "peel"
EN, FR = "tattoo removal technician", "technicien"
TTL = f"""
@prefix akg: <{AKG}> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<{ROLE}> a akg:Role ; skos:prefLabel "{FR}"@fr, "{EN}"@en, "Tattoo-Entferner"@de .
<{ROLE}> akg:performsProcedure <{PEEL}> .
<{PEEL}> a akg:Procedure ; skos:prefLabel "pelado"@es, "peeling"@fr, "skin peel" .
<{X}nameless> a akg:Role ; akg:performsProcedure <{PEEL}> .
"""


def test_one_label_names_an_entity_whatever_the_row_order():
    rows = [
        (URIRef(ROLE), AKG.Role, Literal(FR, lang="fr")),
        (URIRef(ROLE), AKG.Role, Literal(EN, lang="en")),
        (URIRef(PEEL), AKG.Procedure, Literal("peeling", lang="fr")),
        (URIRef(PEEL), AKG.Procedure, Literal("skin peel")),
    ]
    for order in (rows, rows[::-1]):
        index = build_index(order)
        assert index.label(ROLE) == EN and index.label(PEEL) == "skin peel"
        assert best_labels((iri, label) for iri, _, label in order) == {ROLE: EN, PEEL: "skin peel"}
    assert (
        label_key(Literal("a", lang="en-GB")) < label_key(Literal("a")) < label_key(Literal("a", lang="fr"))
    )


@pytest.mark.parametrize("store", ["memory", "oxigraph"])
def test_every_view_names_a_multilingual_entity_the_same_on_every_store(tmp_path, store):
    data = tmp_path / "multilingual.ttl"
    data.write_text(TTL, encoding="utf-8")
    ws = Workspace.open(StoreSpec(store, (data,), root=tmp_path / "stores"))
    assert ws.label(ROLE) == EN and ws.role_names[ROLE] == EN  # detail title; role pickers
    assert {"label": "skin peel", "value": PEEL} in filter_options(ws)["procedure"]
    triples = list(ws.run("construct_subgraph", {"seed": [URIRef(ROLE)]}).triples)
    for order in (triples, triples[::-1]):
        sub = subgraph_from_triples(order)
        assert sub.nodes[ROLE].label == EN and sub.nodes[PEEL].label == "skin peel"  # the canvas
    labels = {iri: Node(e.label, "") for iri, e in ws.index.entries.items()}  # as graph/ui/context.py
    rows = ws.run("neighbours", {"node": [URIRef(ROLE)]}).dicts()
    for order in (rows, rows[::-1]):
        grown = Subgraph()
        grown.add_node(ROLE, EN, "Role")
        add_neighbours(grown, order, labels=labels)
        assert grown.nodes[PEEL].label == "skin peel"  # expand and focus
    rows = ws.run("node_properties", {"node": URIRef(PEEL)}).dicts()
    panel = details(PEEL, ws.label(PEEL), "Procedure", rows, ws.index.entries)
    assert [v.text for g in panel.neighbours for v in g.values] == [EN]  # the panel's neighbours


def test_a_view_of_an_entity_without_a_label_says_so(tmp_path):
    """It said "this graph has no entity …" of a role the graph holds, unnamed."""
    from graph.ui.context import Context
    from graph.ui.state import State
    from graph.ui.view.compose import compose

    data = tmp_path / "multilingual.ttl"
    data.write_text(TTL, encoding="utf-8")
    c = Context(Workspace.open(StoreSpec("oxigraph", (data,), root=tmp_path / "stores")), None)
    seeds = {**State().seeds, "role": (X + "nameless", X + "nowhere")}
    view, _ = compose(c, State(seeds=seeds))
    assert not view.elements
    assert view.note.startswith(f"Nothing to draw: {X}nameless is in this graph without a skos:prefLabel"), (
        view.note
    )
    assert "python -m graph validate" in view.note and f"This graph has no entity {X}nowhere." in view.note
