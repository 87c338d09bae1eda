"""The view-model: triples -> elements, capping, layouts, legend, detail panel, URL state (pure, fast)."""

from __future__ import annotations

from urllib.parse import quote

from rdflib import RDF, RDFS, XSD, BNode, Literal, URIRef

from graph.stores import Result
from graph.terms import AKG, AKGR, DCTERMS, SKOS
from graph.ui import state as S
from graph.ui.view import details as Dt
from graph.ui.view import elements as Dr
from graph.ui.view import style as St
from graph.ui.view import subgraph as Sg
from graph.ui.view import tables as T

R, P, D = AKGR.nurse, AKGR.peel, AKGR.laser
PERF, USES = AKG.performsProcedure, AKG.usesDevice


def triples(script_label: str = "chemical peel") -> list[tuple]:
    st = BNode()
    return [
        (R, PERF, P),
        (P, USES, D),
        (R, RDF.type, AKG.Role),
        (P, RDF.type, AKG.Procedure),
        (D, RDF.type, AKG.Device),
        (R, SKOS.prefLabel, Literal("nurse")),
        (P, SKOS.prefLabel, Literal(script_label)),
        (D, SKOS.prefLabel, Literal("laser")),
        (PERF, RDFS.label, Literal("performs procedure")),
        (USES, RDFS.label, Literal("uses device")),
        (st, RDF.type, RDF.Statement),
        (st, RDF.subject, R),
        (st, RDF.predicate, PERF),
        (st, RDF.object, P),
        (st, AKG.essential, Literal(True, datatype=XSD.boolean)),
    ]


def test_subgraph_reads_kinds_labels_and_essential_flags():
    sub = Sg.subgraph_from_triples(triples())
    assert sub.nodes[str(R)] == ("nurse", "Role")
    assert sub.edges[(str(R), str(PERF), str(P))] == Sg.Link("performs procedure", True)
    assert sub.edges[(str(P), str(USES), str(D))] == Sg.Link("uses device", None)
    assert len(sub.nodes) == 3  # the statement node is not drawn


def test_elements_classes_essential_solid_optional_dashed():
    sub = Sg.subgraph_from_triples(triples())
    sub.add_edge(str(R), str(USES), str(D), "uses device", False)
    view = Dr.to_view(sub, selected=str(R))
    edges = {e["data"]["label"] + e["classes"].split()[0] for e in view.elements if "source" in e["data"]}
    assert edges == {"performs procedureessential", "uses devicelink", "uses deviceoptional"}
    nodes = {e["data"]["id"]: e for e in view.elements if "source" not in e["data"]}
    assert nodes[str(R)]["classes"] == "k-Role near" and nodes[str(R)]["selected"] is True
    css = {s["selector"]: s["style"] for s in St.stylesheet()}
    assert css["edge.optional"]["line-style"] == "dashed"
    assert css["edge.essential"]["width"] > css["edge"]["width"]
    assert view.layout["name"] == "preset" and view.note == ""


def big(n: int) -> Sg.Subgraph:
    sub = Sg.Subgraph()
    for i in range(n):
        sub.add_node(f"n{i}", f"node {i}", "Duty")
        if i:
            sub.add_edge(f"n{i}", "p", f"n{i // 2}", "part of", None)
    return sub


def test_cap_keeps_best_connected_and_says_so():
    view = Dr.to_view(big(1000), limit=300, selected="n0")
    assert len(view.elements) <= 300
    assert view.note.startswith(f"showing {len(view.elements)} of 1999")
    assert "n0" in {e["data"]["id"] for e in view.elements}


def test_large_views_get_python_positions():
    view = Dr.to_view(big(400))
    assert view.layout["name"] == "preset"
    assert all("position" in e for e in view.elements if "source" not in e["data"])
    for layout in ("hierarchy", "grouped", "concentric"):
        view = Dr.to_view(big(10), layout=layout)
        assert view.layout["name"] == "preset" and all(
            "position" in e for e in view.elements if "source" not in e["data"]
        )


def test_neighbours_capped_with_more_count():
    sub = Sg.Subgraph()
    sub.add_node("r", "role", "Role")
    rows = [
        {
            "node": "r",
            "s": "r",
            "p": "p",
            "o": f"x{i}",
            "neighbour": f"x{i}",
            "neighbourLabel": f"x {i}",
            "neighbourKind": str(AKG.Duty),
            "propertyLabel": "does",
            "essential": None,
        }
        for i in range(30)
    ]
    Sg.add_neighbours(sub, rows, cap=25)
    assert len(sub.nodes) == 26 and sub.more == {"r": 5}
    label = next(e["data"]["label"] for e in Dr.to_view(sub).elements if e["data"]["id"] == "r")
    assert label == "role (+5 more)"


def test_neighbourhood_is_breadth_first_to_depth():
    chain = {f"c{i}": f"c{i + 1}" for i in range(5)}

    def fetch(iris):
        return [
            {
                "node": n,
                "s": n,
                "p": "p",
                "o": chain[n],
                "neighbour": chain[n],
                "neighbourLabel": chain[n],
                "neighbourKind": str(AKG.Duty),
                "propertyLabel": "next",
                "essential": None,
            }
            for n in iris
            if n in chain
        ]

    labels = {"c0": ("c0", "Duty")}
    assert set(Sg.neighbourhood(fetch, "c0", 2, labels=labels).nodes) == {"c0", "c1", "c2"}
    assert len(Sg.neighbourhood(fetch, "c0", 3, labels=labels).nodes) == 4


def test_legend_lists_kinds_drawn():
    entries = St.legend(["Role", "Device"])
    assert [e.label for e in entries] == ["Role", "Device"]
    assert all(e.clip for e in entries)


def test_safe_href_only_http():
    assert Dt.safe_href("https://example.org/x") == "https://example.org/x"
    for bad in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "urn:x",
        'http://x"onclick',
    ):
        assert Dt.safe_href(bad) is None


def test_details_groups_properties_sources_neighbours_as_text():
    evil = "<img src=x onerror=alert(1)>"
    rows = [
        {
            "direction": "out",
            "property": SKOS.prefLabel,
            "propertyLabel": None,
            "value": Literal(evil),
            "valueLabel": None,
        },
        {
            "direction": "out",
            "property": DCTERMS.source,
            "propertyLabel": None,
            "value": URIRef("https://www.onetonline.org/x"),
            "valueLabel": Literal("O*NET"),
        },
        {
            "direction": "out",
            "property": SKOS.exactMatch,
            "propertyLabel": None,
            "value": URIRef("javascript:alert(1)"),
            "valueLabel": None,
        },
        {
            "direction": "out",
            "property": USES,
            "propertyLabel": Literal("uses device"),
            "value": D,
            "valueLabel": Literal("laser"),
        },
        {
            "direction": "in",
            "property": PERF,
            "propertyLabel": Literal("performs procedure"),
            "value": R,
            "valueLabel": Literal("nurse"),
        },
    ]
    d = Dt.details(str(P), evil, "Procedure", rows, {str(R), str(D)})
    props = dict(d.properties)
    assert props["pref label"] == [Dt.Value(evil)]
    assert props["exact match"][0].href is None
    assert d.sources == [Dt.Value("O*NET", "https://www.onetonline.org/x")]
    assert d.neighbours == [
        Dt.NeighbourGroup("performs procedure (from)", "", [Dt.Value("nurse", None, str(R))]),
        Dt.NeighbourGroup("uses device", "", [Dt.Value("laser", None, str(D))]),
    ]


def test_result_tables_and_drawing():
    select = Result("SELECT", ("s", "n"), ((R, Literal(1)), (P, None)))
    table = T.result_table(select)
    assert table["rows"] == [{"s": "akgr:nurse", "n": "1"}, {"s": "akgr:peel", "n": ""}]
    assert T.table_csv(table).splitlines()[0] == "s,n"
    construct = Result("CONSTRUCT", triples=((R, PERF, P), (R, RDF.type, AKG.Role)))
    view = T.table_elements(T.result_table(construct), {str(R): ("nurse", "Role")})
    assert len(view.elements) == 3
    assert T.result_table(Result("ASK", boolean=True))["rows"] == [{"answer": "true"}]


def test_exports_roundtrip():
    sub = Sg.subgraph_from_triples(triples())
    back = Sg.Subgraph.from_json(sub.to_json())
    assert back.nodes == sub.nodes and back.edges == sub.edges
    kg = T.subgraph_rdf(back)
    assert (URIRef(R), URIRef(PERF), URIRef(P)) in kg
    assert "@prefix" in kg.serialize(format="turtle")
    csv_text = T.subgraph_csv(back)
    assert csv_text.count("\nnode,") == 3 and csv_text.count("\nedge,") == 2


def test_url_state_roundtrip():
    st = S.State(
        tab="overlap",
        seeds={**S.State().seeds, "role": (str(R),), "device": (str(D),)},
        kinds=("Role", "Device"),
        essential=True,
        layout="grouped",
        node=str(P),
        focus=str(R),
        depth=2,
        expand=(str(D),),
        hide=(str(P),),
        path_from=str(R),
        path_to=str(D),
        path_only=True,
    )
    text = S.encode(st)
    assert "role=akgr%3Anurse" in text and "essential=1" in text and "pathonly=1" in text
    assert S.decode(text) == st
    assert S.encode(S.State()) == ""
    bad = S.decode("?layout=evil&tab=<script>&depth=x&kind=Nope&rol=akgr:nurse&query=ASK%7B%7D")
    assert bad == S.State(ignored=("layout=evil", "tab=<script>", "depth=x", "kind=Nope", "rol=akgr:nurse"))


def test_a_link_value_the_explorer_does_not_take_is_noted_with_what_it_takes():
    """kind=Foo or a typo in a key used to fall back to the default in silence."""
    note = S.ignored_note(S.decode("?kind=Foo&rol=akgr:nurse&role=x").ignored)
    assert note.startswith("Ignored in the link: kind=Foo (kind is one of Role, Procedure, Device, …); ")
    assert "; rol=akgr:nurse (not a parameter a link takes); role=x (not a known name or IRI)." in note
    assert "layout is one of force, hierarchy, concentric, grouped" in S.ignored_note(("layout=grid",))


def test_a_link_names_an_entity_by_iri_curie_or_iri_in_angle_brackets():
    """An IRI copied from a SPARQL result or query (`<http://…>`) opens the view too."""
    want = S.decode("?role=" + quote(str(R), safe=""))
    assert want.seeds["role"] == (str(R),) and not want.ignored
    assert S.decode("?role=akgr:nurse") == want
    assert S.decode("?role=" + quote(f"<{R}>", safe="")) == want
    assert S.decode("?node=" + quote(f"<{R}>", safe="")).node == str(R)
    bad = S.decode("?role=" + quote("<not an iri>", safe=""))
    assert bad.seeds["role"] == () and bad.ignored == ("role=<not an iri>",)


def test_regression_link_ids_name_the_link_not_its_position():
    """Positional ids (e0, e1, …) let Cytoscape keep removed links when a new view reused an id."""
    sub = Sg.subgraph_from_triples(triples())

    def links(s: Sg.Subgraph) -> dict:
        return {
            e["data"]["id"]: (e["data"]["source"], e["data"]["target"])
            for e in Dr.to_view(s).elements
            if "source" in e["data"]
        }

    ids, again = links(sub), links(sub.without([str(R)]))
    assert again and again.items() <= ids.items()  # what stays keeps its id
    link = Dr.link_id(Sg.Triple(str(P), str(USES), str(D)))
    assert ids[link] == (str(P), str(D)) and link != Dr.link_id(Sg.Triple(str(D), str(USES), str(P)))


def test_regression_a_label_beside_its_node_ran_into_the_next_ring():
    """On a role's rings a node's label went to the side away from its one link, over the node on the
    next ring of the same ray ("work ergonomically" under "spa products"): there it goes below."""
    from graph.ui.view.captions import label_sides
    from graph.ui.view.subgraph import Subgraph

    sub = Subgraph()
    for n in ("hub", "inner", "outer"):
        sub.add_node(n, n, "Skill")
    sub.add_edge("hub", "p", "inner", "has skill", True)
    sub.add_edge("hub", "p", "outer", "has skill", True)
    sides = label_sides(sub, {"hub": (0.0, 0.0), "inner": (-100.0, 0.0), "outer": (-180.0, 0.0)})
    assert "inner" not in sides  # the default: below
    assert sides["outer"] == "lbl-l"  # nothing beyond it: beside, away from its link


def test_badges_count_each_drawn_nodes_neighbours_not_drawn_nor_hidden_by_kind():
    import networkx as nx

    from graph.ui.view import badges as B

    g = nx.MultiDiGraph()
    g.add_edge("r", "a", key="p")
    g.add_edge("r", "a", key="q")  # two links to one neighbour: one neighbour
    g.add_edge("b", "r", key="p")  # incoming links count too
    g.add_edge("r", "c", key="p")
    g.add_edge("r", "r", key="p")  # a loop is no neighbour
    g.add_edge("r", "x", key="p")  # no label: no entity to draw
    labels = {n: Sg.Node(n, k) for n, k in (("r", "Role"), ("a", "Duty"), ("b", "Duty"), ("c", "Skill"))}
    assert B.left_to_draw(g, labels, ["r"]) == {"r": {"Duty": 2, "Skill": 1}}
    assert B.left_to_draw(g, labels, ["r", "a"], hidden=["b"]) == {"r": {"Skill": 1}}
    assert B.left_to_draw(g, labels, ["r", "a", "b", "c"]) == {}
    assert B.undrawn_of_kind(g, labels, "r", "Duty", ["r", "a"]) == ["b"]
    sub = Sg.Subgraph({"r": Sg.Node("role", "Role")})
    el = Dr.to_elements(sub, {"r": (0.0, 0.0)}, left=B.left_to_draw(g, labels, ["r"]))[0]["data"]
    assert el["left"] == 3 and el["lk"] == {"Duty": 2, "Skill": 1}
    assert "left" not in Dr.to_elements(sub, {"r": (0.0, 0.0)})[0]["data"]  # not counted (before the warm-up)
    assert Dr.to_elements(sub, {"r": (0.0, 0.0)}, left={})[0]["data"]["left"] == 0  # a count to replace


def test_a_kind_of_ones_own_is_named_in_the_detail_panel_not_other(tmp_path):
    """A class of one's own data (a subclass of akg:Entity, ex:MedicalSoftware) was badged "Other"."""
    from graph.stores import StoreSpec
    from graph.ui.layout.details import details_view
    from graph.ui.view.kinds import kind_label
    from graph.workspace import Workspace

    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> . @prefix ex: <http://example.org/clinic#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "ex:MedicalSoftware rdfs:subClassOf akg:Entity .\n"
        'ex:emr a ex:MedicalSoftware ; skos:prefLabel "electronic medical records"@en .\n',
        encoding="utf-8",
    )
    ws = Workspace.open(StoreSpec("memory", data=(str(mine),)))
    view = details_view(ws, "http://example.org/clinic#emr")
    badge = view[1].children[0]
    assert badge.className == "kind-badge" and badge.children == "Medical software"
    assert [kind_label(k) for k in (str(AKG.CertifyingBody), "", "http://x/y#rough_draft")] == [
        "Certifying body",
        "Other",
        "Rough draft",
    ]
