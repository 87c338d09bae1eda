"""Every query file: metadata, standalone syntax, declared parameters, expected rows, safe binding."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import XSD, Literal, URIRef

from graph import queries
from graph.errors import ParameterError, QueryError
from graph.network import entity_graph, role_items
from graph.paths import QUERIES
from graph.stores import StoreSpec, open_store
from graph.stores.memory import MemoryStore, prepare
from graph.stores.oxigraph import OxigraphStore
from graph.terms import AKG, AKGR

ALL = sorted(queries.catalogue())
ESCO_LHR = URIRef("http://data.europa.eu/esco/skill/890e0046-184f-4b1d-a00c-41f6eb34481f")

# Representative parameters for every query; each must be listed here (a new query needs a case).
PARAMS: dict[str, dict[str, object]] = {
    "class_hierarchy": {},
    "construct_subgraph": {"seed": [AKGR["ncle"]], "kind": [AKG.Credential, AKG.CertifyingBody]},
    "count_entities": {},
    "counts_by_class": {},
    "credential_path": {"role": AKGR["medical-laser-repair-technician"]},
    "curriculum_prerequisites": {
        "item": [AKGR["medical-aesthetics-training"], AKGR["certified-laser-operator"]]
    },
    "curriculum_sources": {"role": [AKGR["medical-aesthetician"]]},
    "entity_edges": {},
    "entity_index": {},
    "entity_synonyms": {},
    "filter_options": {"class": AKG.Role},
    "gap_items": {"from": AKGR["medical-aesthetician"], "to": AKGR["aesthetic-medical-laser-technician"]},
    "import_violations": {},
    "item_alignments": {},
    "item_mappings": {},
    "kinds_present": {},
    "match_catalogue": {},
    "link_categories": {},
    "labour_statistics": {},
    "neighbours": {"node": [AKGR["ncle"]]},
    "node_properties": {"node": AKGR["certified-laser-operator"]},
    "role_items": {"role": [AKGR["medical-aesthetician"]]},
    "role_items_all": {},
    "role_profiles": {"role": [AKGR["medical-aesthetician"]]},
    "role_ratings": {},
    "roles_by_item": {"item": AKGR["laser-hair-removal"]},
    "search_labels": {"text": "med spa"},
    "shared_items": {"a": AKGR["medical-aesthetician"], "b": AKGR["aesthetic-medical-laser-technician"]},
    "vocabulary_terms": {},
}


@pytest.fixture(scope="module")
def oxi() -> OxigraphStore:
    return open_store(StoreSpec("oxigraph"))


@pytest.fixture(scope="module")
def mem() -> MemoryStore:
    return open_store(StoreSpec("memory"))


def test_every_query_has_a_case():
    assert set(PARAMS) == set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_query_file_is_standalone_sparql_with_metadata(name):
    q = queries.get(name)
    assert q.summary, f"{name}.rq has no #+ summary"
    assert q.path.parent == QUERIES
    # runs unchanged in any SPARQL tool: both parsers accept the file text as it is, with its own PREFIXes
    prepare(q.text)
    ox.Store().query(q.text)
    # the file name says the form: construct_… for CONSTRUCT, anything else is a SELECT
    assert (q.form == "CONSTRUCT") == name.startswith("construct_")


@pytest.mark.parametrize("name", ALL)
def test_declared_parameters_are_the_dollar_variables(name):
    q = queries.get(name)
    used = set(re.findall(r"\$([A-Za-z_]\w*)", _body(q.text)))
    declared = {p.name for p in q.params if not p.vars}
    bound_by_vars = {v for p in q.params for v in p.vars}
    assert used == declared, f"{name}: $variables {sorted(used)} vs declared {sorted(declared)}"
    for var in bound_by_vars:  # vars= targets must be real variables of the query
        assert re.search(rf"\?{var}\b", q.text), f"{name}: vars= names ?{var}, absent from the query"


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


#: queries about imported framework files: compared on an imported file below, not on the curated graph
ON_IMPORTS = ("import_violations",)
#: queries of what only an imported framework holds (O*NET's ratings): checked on the O*NET cut below
IMPORTED_ONLY = ("role_ratings",)
ONET_CUT = Path(__file__).resolve().parent / "fixtures" / "onet-cut.nt"
BROKEN_IMPORT = Path(__file__).resolve().parent / "fixtures" / "onet-cut-unlabelled-task.nt"


@pytest.mark.parametrize("name", ON_IMPORTS)
def test_memory_and_oxigraph_agree_on_an_imported_file(name):
    from graph.load import load_rdflib
    from graph.stores.memory import MemoryStore
    from graph.stores.oxigraph import memory_oxigraph

    a = queries.run(MemoryStore(load_rdflib([BROKEN_IMPORT])), name, PARAMS[name])
    b = queries.run(memory_oxigraph([BROKEN_IMPORT]), name, PARAMS[name])
    assert sorted(map(_key, a.rows)) == sorted(map(_key, b.rows))
    assert {str(r[1]) for r in b.rows} >= {"has no skos:prefLabel"}


#: one imported concept per problem import_violations.rq finds (its rewrite with MINUS must find each),
#: and one with a preferred label in each of two languages, which is no problem
VIOLATIONS = Path(__file__).resolve().parent / "fixtures" / "import-violations.nt"
PROBLEMS = {
    ("http://data.europa.eu/esco/occupation/unlabelled", "has no skos:prefLabel"),
    ("http://data.europa.eu/esco/skill/unsourced", "has no dcterms:source"),
    ("http://data.europa.eu/esco/skill/two-names", "has more than one skos:prefLabel in one language"),
    (
        "http://data.europa.eu/esco/occupation/linking",
        "links by http://data.europa.eu/esco/model#relatedEssentialSkill to "
        "http://data.europa.eu/esco/skill/nameless, which has no skos:prefLabel",
    ),
}


def test_import_violations_finds_every_problem_the_same_on_both_embedded_stores():
    from graph.load import load_rdflib
    from graph.stores.memory import MemoryStore
    from graph.stores.oxigraph import memory_oxigraph

    a = queries.run(MemoryStore(load_rdflib([VIOLATIONS])), "import_violations")
    b = queries.run(memory_oxigraph([VIOLATIONS]), "import_violations")
    assert {(str(e), str(p)) for e, p in b.rows} == PROBLEMS
    assert [tuple(map(str, r)) for r in a.rows] == [tuple(map(str, r)) for r in b.rows]  # and in one order


@pytest.mark.parametrize("name", IMPORTED_ONLY)
def test_imported_only_queries_agree_on_the_onet_cut(name):
    from graph.load import load_rdflib
    from graph.stores.memory import MemoryStore
    from graph.stores.oxigraph import memory_oxigraph

    a = queries.run(MemoryStore(load_rdflib([ONET_CUT])), name, PARAMS[name])
    b = queries.run(memory_oxigraph([ONET_CUT]), name, PARAMS[name])
    assert a.rows and sorted(map(_key, a.rows)) == sorted(map(_key, b.rows))


def test_role_ratings_are_decimals_per_occupation_and_descriptor():
    from graph.stores.oxigraph import memory_oxigraph

    skincare = URIRef("https://www.onetonline.org/link/summary/39-5094.00")
    found = queries.run(memory_oxigraph([ONET_CUT]), "role_ratings", {"role": [skincare]}).dicts()
    assert len(found) == 35 + 33  # every skill and knowledge area, once
    assert all(r["importance"].datatype == XSD.decimal and 1 <= float(r["importance"]) <= 5 for r in found)
    assert all(r["level"] is None or 0 <= float(r["level"]) <= 7 for r in found)


def test_role_profiles_give_job_zones_and_sources():
    from graph.paths import ONTOLOGY
    from graph.stores.oxigraph import memory_oxigraph

    store = memory_oxigraph([ONTOLOGY, ONET_CUT])
    skincare = URIRef("https://www.onetonline.org/link/summary/39-5094.00")
    found = queries.run(store, "role_profiles", {"role": [skincare]}).dicts()
    assert {int(r["jobZone"]) for r in found if r["jobZone"] is not None} == {3}
    assert {str(r["sourceLabel"]) for r in found if r["source"] is not None} == {"O*NET 29.3"}


@pytest.mark.parametrize("name", [n for n in ALL if n not in ON_IMPORTS + IMPORTED_ONLY])
def test_memory_and_oxigraph_return_the_same_rows(name, mem, oxi):
    a = queries.run(mem, name, PARAMS[name])
    b = queries.run(oxi, name, PARAMS[name])
    assert a.form == b.form
    if a.form == "SELECT":
        assert a.vars == b.vars
        assert sorted(map(_key, a.rows)) == sorted(map(_key, b.rows))
        assert a.rows, f"{name} returned no rows on the curated graph"
    else:
        assert _ground(a.triples) == _ground(b.triples)
        assert a.triples


def _key(row: tuple) -> tuple:
    """A comparable row; GROUP_CONCAT cells compare as sets, since SPARQL leaves their order to the engine."""
    return tuple(_cell(v) for v in row)


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, Literal) and "; " in str(v):
        return repr(sorted(str(v).split("; ")))
    return repr((str(v), getattr(v, "datatype", None), getattr(v, "language", None), type(v).__name__))


def _ground(triples) -> set:
    """Triples without blank nodes (their ids differ between engines)."""
    from rdflib import BNode

    return {t for t in triples if not any(isinstance(x, BNode) for x in t)}


def rows(store, name, params=None):
    return queries.run(store, name, params if params is not None else PARAMS[name]).dicts()


def test_filter_options_lists_the_roles(oxi):
    labels = {str(r["label"]) for r in rows(oxi, "filter_options")}
    assert {
        "aesthetic medical laser technician",
        "medical laser repair technician",
        "medical aesthetician",
        "esthetician",
        "dermatologist",
        "plastic surgeon",
        "medical equipment repairer",
    } <= labels


def test_filter_options_are_in_lower_cased_label_order_on_every_store(mem, oxi):
    """Sorted by a 15-character prefix of the lower-cased label, then the whole, then the IRI (so Oxigraph
    compares strings held in its terms): the order of the lower-cased labels, ties by IRI, on every store,
    for labels that share their first 15 characters too."""
    for cls in (AKG.Role, AKG.Procedure, AKG.Entity):
        for store in (mem, oxi):
            got = [
                (str(e), str(label)) for e, label in queries.run(store, "filter_options", {"class": cls}).rows
            ]
            assert len(got) > 5 and got == sorted(got, key=lambda r: (r[1].lower(), r[0]))
    labels = [str(r[1]).lower() for r in queries.run(oxi, "filter_options", {"class": AKG.Entity}).rows]
    assert any(a[:15] == b[:15] and a != b for a, b in itertools.pairwise(labels))  # the tie-break is tested


def test_vocabulary_terms_leave_out_blank_nodes_and_literals_on_every_store(tmp_path):
    """The terms are tested after DISTINCT, through a BIND (faster on Oxigraph): still no blank node
    or literal as a class or a subject, and each term once per kind."""
    from graph.load import load_rdflib
    from graph.stores.oxigraph import memory_oxigraph

    data = tmp_path / "terms.ttl"
    data.write_text(
        '@prefix ex: <urn:ex:> .\nex:s a ex:C , _:c , "lit" ; ex:p _:o .\n_:o a ex:C ; ex:q "x" .\n',
        encoding="utf-8",
    )
    want = {
        ("urn:ex:C", "class"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "property"),
        ("urn:ex:p", "property"),
        ("urn:ex:q", "property"),
        ("urn:ex:s", "entity"),
    }
    for store in (MemoryStore(load_rdflib([data])), memory_oxigraph([data])):
        got = [(str(t), str(k)) for t, k in queries.run(store, "vocabulary_terms").rows]
        assert sorted(got) == sorted(want)


def test_roles_by_item_finds_who_performs_laser_hair_removal(oxi):
    got = {str(r["role"]) for r in rows(oxi, "roles_by_item")}
    assert got == {
        str(AKGR[x])
        for x in ("aesthetic-medical-laser-technician", "medical-aesthetician", "medical-laser-technician")
    }


def test_roles_by_item_essential_only_keeps_essential_links(oxi):
    all_rows = rows(oxi, "roles_by_item", {"item": AKGR["ncle"]})
    assert all_rows == []  # a body is not a role link target
    cred = AKGR["state-regulated-certification"]
    ess = rows(oxi, "roles_by_item", {"item": cred, "essential_only": True})
    assert ess and all(r["essential"].toPython() is True for r in ess)


def test_search_finds_synonyms_and_ranks_preferred_labels_first(oxi):
    (hit,) = rows(oxi, "search_labels")
    assert hit["entity"] == AKGR["medical-spa"] and str(hit["matched"]) == "med spa"
    hits = rows(oxi, "search_labels", {"text": "LASER"})
    assert hits and all("laser" in str(h["matched"]).lower() for h in hits)


def test_shared_items_of_the_aesthetician_and_the_laser_technician(oxi):
    got = {str(r["itemLabel"]) for r in rows(oxi, "shared_items")}
    assert got == {"laser hair removal", "laser safety and operation", "medical laser system", "medical spa"}


def test_gap_items_are_what_the_target_has_and_the_source_lacks(oxi):
    gap = {r["item"] for r in rows(oxi, "gap_items")}
    shared = {r["item"] for r in rows(oxi, "shared_items")}
    target = {
        r["item"] for r in rows(oxi, "role_items", {"role": [AKGR["aesthetic-medical-laser-technician"]]})
    }
    assert gap == target - shared
    assert AKGR["certified-laser-operator"] in gap


def test_credential_path_of_the_repair_technician(oxi):
    got = rows(oxi, "credential_path")
    clrt = [r for r in got if r["credential"] == AKGR["certified-laser-repair-technician"]]
    assert {str(r["bodyLabel"]) for r in clrt} == {"National Council on Laser Excellence"}
    assert {str(r["requirementLabel"]) for r in clrt} == {"hands-on clinical experience", "passing an exam"}


def test_labour_statistics_are_typed_figures_with_their_year(oxi):
    got = {(str(r["roleLabel"]), str(r["measure"])): r for r in rows(oxi, "labour_statistics")}
    salary = got[("esthetician", "average annual salary")]
    assert salary["value"].toPython() == 36350 and str(salary["year"]) == "2018"
    assert got[("medical equipment repairer", "average annual salary")]["value"].toPython() == 52710
    growth = got[("esthetician", "projected employment growth")]
    assert growth["value"].toPython() == 11 and (str(growth["periodStart"]), str(growth["periodEnd"])) == (
        "2018",
        "2028",
    )
    assert "U.S. Bureau of Labor Statistics" in str(salary["sources"])


def test_counts_and_hierarchy(oxi):
    counts = {str(r["class"]): int(r["count"]) for r in rows(oxi, "counts_by_class")}
    assert counts[str(AKG.Role)] >= 7
    supers = {(str(r["class"]), str(r["superclass"])) for r in rows(oxi, "class_hierarchy")}
    assert (str(AKG.FractionalLaser), str(AKG.LaserSystem)) in supers


@pytest.mark.parametrize("kind", ["memory", "oxigraph"])
def test_counts_by_class_counts_classes_the_ontology_does_not_declare(kind, tmp_path):
    """`stats` on ESCO + O*NET listed no esco:Occupation nor esco:Skill, and `validate` of a file of
    one's own "(no rows)": only the classes declared owl:Class were counted."""
    mine = tmp_path / "mine.ttl"
    mine.write_text(
        "@prefix ex: <http://example.org/> . @prefix esco: <http://data.europa.eu/esco/model#> .\n"
        "ex:a a esco:Occupation . ex:b a esco:Occupation . ex:p a <http://xmlns.com/foaf/0.1/Person> .\n"
    )
    store = open_store(StoreSpec(kind, data=(str(mine),)))
    counts = {str(r["class"]): int(r["count"]) for r in rows(store, "counts_by_class")}
    assert counts["http://data.europa.eu/esco/model#Occupation"] == 2
    assert counts["http://xmlns.com/foaf/0.1/Person"] == 1
    assert counts[str(AKG.Role)] >= 7
    vocabularies = ("http://www.w3.org/2002/07/owl#", "http://www.w3.org/2000/01/rdf-schema#")
    assert not [c for c in counts if c.startswith(vocabularies)], (
        "the ontology's own classes are not entities"
    )


def test_node_properties_show_link_sources(oxi):
    got = rows(oxi, "node_properties")
    earned = [r for r in got if r["property"] == AKG.earnsCredential]
    assert earned and all(r["source"] is not None for r in earned)
    assert any(r["property"] == AKG.issuedBy and r["value"] == AKGR["ncle"] for r in got)


def test_neighbours_and_edges_and_mappings(oxi):
    assert {r["neighbour"] for r in rows(oxi, "neighbours")} == {
        AKGR["certified-laser-operator"],
        AKGR["certified-laser-repair-technician"],
    }
    edges = {(r["s"], r["p"], r["o"]) for r in rows(oxi, "entity_edges")}
    assert (AKGR["certified-laser-operator"], AKG.issuedBy, AKGR["ncle"]) in edges
    assert (AKGR["laser-hair-removal"], ESCO_LHR) in {
        (r["entity"], r["match"]) for r in rows(oxi, "item_mappings")
    }


def test_construct_subgraph_respects_seeds_kinds_and_essential(oxi):
    res = queries.run(oxi, "construct_subgraph", PARAMS["construct_subgraph"])
    links = {(s, p, o) for s, p, o in res.triples if p == AKG.issuedBy}
    assert (AKGR["certified-laser-operator"], AKG.issuedBy, AKGR["ncle"]) in links
    roles_only = queries.run(
        oxi, "construct_subgraph", {"seed": [AKGR["medical-aesthetician"]], "kind": [AKG.Role]}
    )
    from rdflib import RDF

    kinds = {o for s, p, o in roles_only.triples if p == RDF.type}
    assert kinds == {AKG.Role}
    everything = queries.run(oxi, "construct_subgraph", {"seed": [AKGR["medical-aesthetician"]]})
    essential = queries.run(
        oxi, "construct_subgraph", {"seed": [AKGR["medical-aesthetician"]], "essential_only": True}
    )
    assert 0 < len(essential.triples) < len(everything.triples)


def test_unknown_and_missing_parameters_list_the_signature(oxi):
    with pytest.raises(ParameterError, match=r"no parameter 'rol'.*role \(iri, required\)"):
        queries.run(oxi, "credential_path", {"rol": "x"})
    with pytest.raises(ParameterError, match=r"needs parameter 'role'"):
        queries.run(oxi, "credential_path", {})
    with pytest.raises(ParameterError, match="no query named"):
        queries.get("nope")


def test_a_name_one_slip_away_is_suggested():
    with pytest.raises(
        ParameterError, match=r"no query named 'role_profile' \(did you mean 'role_profiles'\?\)"
    ):
        queries.get("role_profile")
    with pytest.raises(ParameterError, match=r"no parameter 'rol' \(did you mean 'role'\?\)"):
        queries.bind(queries.get("credential_path"), {"rol": "x"})
    with pytest.raises(ParameterError, match=r"no parameter 'rol' \(did you mean 'role'\?\)"):
        queries.get("credential_path").param("rol")
    with pytest.raises(ParameterError) as far:
        queries.get("nope")
    assert "did you mean" not in str(far.value)


@pytest.mark.parametrize("bad", ["not an iri", "http://x/a b", '<http://x/>"', "_:b0", ""])
def test_broken_iris_are_refused_before_any_query(oxi, bad):
    with pytest.raises(ParameterError):
        queries.run(oxi, "credential_path", {"role": bad} if bad else {"role": " "})


@pytest.mark.parametrize("store_kind", ["memory", "oxigraph"])
def test_string_values_cannot_inject_sparql(store_kind, mem, oxi):
    store = mem if store_kind == "memory" else oxi
    evil = 'x")) } } SELECT * WHERE { ?s ?p ?o } #'
    assert queries.run(store, "search_labels", {"text": evil}).rows == ()
    rendered = queries.render("search_labels", {"text": evil})
    assert '"x\\")) } } SELECT' in rendered  # written in as one escaped literal


def test_render_writes_values_in_and_still_runs(oxi):
    text = queries.render("construct_subgraph", PARAMS["construct_subgraph"])
    assert "VALUES ?seed { <https://w3id.org/aesthetics-kg/resource/ncle> }" in text
    assert "$essential_only" not in _body(text)  # scalars are written in as terms
    assert '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>' in text
    direct = oxi.query(text)
    assert _ground(direct.triples) == _ground(
        queries.run(oxi, "construct_subgraph", PARAMS["construct_subgraph"]).triples
    )


def test_malformed_query_reports_line_and_column(oxi, mem):
    for store in (oxi, mem):
        with pytest.raises(QueryError) as info:
            store.query("SELECT * WHERE {\n  ?s ?p \n}")
        assert info.value.line is not None and info.value.column is not None


def test_labels_resolve_in_iri_parameters(oxi):
    from graph.workspace import Workspace

    ws = Workspace(oxi)
    got = ws.run("credential_path", {"role": "Medical Laser Repair Technician"}).dicts()
    assert any(r["credential"] == AKGR["certified-laser-repair-technician"] for r in got)


def test_search_with_no_match_returns_nothing_on_every_store(mem, oxi):
    """Regression: rdflib answered an aggregate over no match with an empty row, listing every entity."""
    for store in (mem, oxi):
        assert queries.run(store, "search_labels", {"text": "no such label zzz"}).rows == ()


def test_search_finds_only_entities_with_a_kind_on_every_store(tmp_path):
    """The kind is probed in an OPTIONAL and required by BOUND (faster on Oxigraph): a named thing
    whose class is no entity kind, or that has no type, is still not found; one with two kinds twice."""
    from graph.load import load_rdflib
    from graph.paths import ONTOLOGY
    from graph.stores.oxigraph import memory_oxigraph

    data = tmp_path / "kinds.ttl"
    data.write_text(
        "@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<urn:ex:kinded> a akg:Procedure , akg:Device ; skos:prefLabel "zqx kinded" .\n'
        '<urn:ex:kindless> a <urn:ex:Other> ; skos:prefLabel "zqx kindless" .\n'
        '<urn:ex:untyped> skos:prefLabel "zqx untyped" .\n',
        encoding="utf-8",
    )
    for store in (MemoryStore(load_rdflib([ONTOLOGY, data])), memory_oxigraph([ONTOLOGY, data])):
        rows = queries.run(store, "search_labels", {"text": "zqx"}).dicts()
        found = [(str(r["entity"]), str(r["kind"])) for r in rows]
        assert sorted(found) == [("urn:ex:kinded", str(AKG.Device)), ("urn:ex:kinded", str(AKG.Procedure))]


def test_scale_projections_answer_real_rows(oxi):
    """The small queries the app's first page runs instead of the whole index and role projection."""
    assert int(rows(oxi, "count_entities")[0]["count"]) > 100
    kinds = {str(r["kind"]) for r in rows(oxi, "kinds_present")}
    assert {str(AKG.Role), str(AKG.Procedure)} <= kinds
    assert "procedures" in {str(r["category"]) for r in rows(oxi, "link_categories")}


def test_role_classes_are_at_most_two_levels_below_role(oxi):
    """role_items.rq and roles_by_item.rq find roles by a UNION over depths 0-2 (Virtuoso mishandles
    a transitive path there): the ontology must have no role class deeper than that."""
    deep = "SELECT DISTINCT ?c WHERE { ?c rdfs:subClassOf* akg:Role }"
    shallow = (
        "SELECT DISTINCT ?c WHERE { { BIND(akg:Role AS ?c) } UNION { ?c rdfs:subClassOf akg:Role }"
        " UNION { ?c rdfs:subClassOf/rdfs:subClassOf akg:Role } }"
    )
    prefixes = (
        "PREFIX akg: <https://w3id.org/aesthetics-kg/ontology#>\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
    )
    found = [{str(r[0]) for r in oxi.query(prefixes + q).rows} for q in (deep, shallow)]
    assert len(found[0]) >= 3 and found[0] == found[1]


def test_every_roles_items_are_role_items_without_a_role_on_every_store(mem, oxi):
    """role_items_all.rq (labels hash-joined: the warm-up's whole store) and role_items.rq (each row's
    label probed: a few roles) are two shapes of one projection: the same rows, by itself and per role."""
    for store in (mem, oxi):
        every = sorted(map(_key, queries.run(store, "role_items_all").rows))
        assert every and every == sorted(map(_key, queries.run(store, "role_items").rows))
        one = [AKGR["medical-aesthetician"]]
        some = sorted(map(_key, queries.run(store, "role_items", {"role": one}).rows))
        assert some and some == [r for r in every if r[0] == _cell(one[0])]


def test_curriculum_sources_name_each_source_once_per_link(oxi):
    """Labels are looked up where each source is found (regression: a label joined after the BIND hashed
    every prefLabel of the combined graph, 0.6 s a plan), and each (role, item, source) comes once."""
    rows = queries.run(oxi, "curriculum_sources", {"role": [AKGR["medical-aesthetician"]]}).rows
    assert rows and len(rows) == len(set(rows))
    assert all(str(label) and not str(label).startswith("http") for *_, label in rows)


@pytest.mark.parametrize(
    "name", ["entity_index", "entity_synonyms", "role_items", "entity_edges", "filter_options", "neighbours"]
)
def test_rows_as_strings_are_the_lexical_forms_on_every_store(name, mem, oxi):
    """Store.strings (the name index reads 250k values with it, no rdflib terms) = str() of query's rows."""
    for store in (mem, oxi):
        result = queries.run(store, name, PARAMS[name])
        rows, rows_vars = result.rows, result.vars
        expected = [tuple(None if t is None else str(t) for t in r) for r in rows]
        got = queries.strings(store, name, PARAMS[name])
        key = lambda r: tuple("" if v is None else v for v in r)  # noqa: E731
        assert sorted(got, key=key) == sorted(expected, key=key)
        assert got and all(isinstance(v, str | None) for r in got for v in r)
        dicts = queries.string_dicts(store, name, PARAMS[name])  # the view's neighbours read these
        # rows in any order: two runs of a query with a hash join need not give the same order (SPARQL
        # defines none without ORDER BY; the projections sort what they read: network._in_order)
        assert sorted((tuple(d.values()) for d in dicts), key=key) == sorted(got, key=key)
        assert all(list(d) == list(rows_vars) for d in dicts)


def test_projections_from_strings_equal_those_from_terms(oxi):
    """The warm-up builds role items and the entity graph from Store.strings (no rdflib term per value:
    seconds on ESCO + O*NET); they must be what the terms give, essential flags included."""
    mappings = queries.run(oxi, "item_mappings")
    by_terms = role_items(queries.run(oxi, "role_items_all"), mappings)
    assert role_items(queries.strings(oxi, "role_items_all"), mappings) == by_terms
    assert any(any(v.values()) for v in by_terms.links.values())  # some essential links to compare
    a, b = entity_graph(queries.run(oxi, "entity_edges")), entity_graph(queries.strings(oxi, "entity_edges"))
    assert sorted(a.edges(keys=True, data=True)) == sorted(b.edges(keys=True, data=True))
    assert {d["essential"] for *_, d in a.edges(keys=True, data=True)} == {True, False, None}
