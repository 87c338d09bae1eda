"""The curated graph and ESCO/O*NET answer together: on a fixture cut from the real files by the real importers.

tests/fixtures/esco-cut.nt and onet-cut.nt come from scripts/make_alignment_fixture.py: every
concept roles.ttl maps to, the whole skill lists of ESCO's aesthetician and hair removal
technician, and the tasks and alternate titles of the O*NET occupations our roles map to.
"""

from __future__ import annotations

import io

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

from graph import analysis
from graph.cli import main
from graph.paths import ONTOLOGY, ROOT
from graph.resolve import search
from graph.stores import StoreSpec
from graph.terms import AKGR
from graph.workspace import Workspace

FIXTURES = ROOT / "tests" / "fixtures"
DATA = (FIXTURES / "esco-cut.nt", FIXTURES / "onet-cut.nt")
ESCO_AESTHETICIAN = "http://data.europa.eu/esco/occupation/a1e1a788-2352-4172-8fcf-1f985a6968b0"
HAIR_REMOVAL_TECHNICIAN = "http://data.europa.eu/esco/occupation/72413d91-f212-4ad6-bf95-8b78a37c041a"
ESCO_ESSENTIAL = URIRef("http://data.europa.eu/esco/model#relatedEssentialSkill")
ESCO_OPTIONAL = URIRef("http://data.europa.eu/esco/model#relatedOptionalSkill")


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("stores")
    return Workspace.open(StoreSpec("oxigraph", DATA, root=root))


@pytest.fixture(scope="module")
def rdf() -> Graph:
    kg = Graph()
    kg.parse(ONTOLOGY)
    for f in DATA:
        kg.parse(f, format="nt")
    return kg


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--data", *map(str, DATA)], out, err)
    return code, out.getvalue(), err.getvalue()


def cli_env(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AKG_VAR", str(tmp_path))


# ---------------------------------------------------------------- overlap follows the alignment


def same_as(rdf: Graph, item: URIRef) -> set[URIRef]:
    """What the alignment says an item is: itself and its exact and close matches."""
    return {item} | set(rdf.objects(item, SKOS.exactMatch)) | set(rdf.objects(item, SKOS.closeMatch))


def test_esthetician_and_esco_aesthetician_share_what_the_alignment_says(ws, rdf):
    a, b = str(AKGR.esthetician), ESCO_AESTHETICIAN
    ours = {
        o
        for p, o in rdf.predicate_objects(AKGR.esthetician)
        if isinstance(o, URIRef) and str(o).startswith(str(AKGR))
    }
    theirs = set(rdf.objects(URIRef(b), ESCO_ESSENTIAL)) | set(rdf.objects(URIRef(b), ESCO_OPTIONAL))
    expected = {c for item in ours for c in same_as(rdf, item) & theirs}
    assert URIRef("http://data.europa.eu/esco/skill/2c349a48-7102-4621-a430-0972e84d3db9") in expected
    po = analysis.overlap_pair(ws.role_items_for([a, b]), a, b)
    assert set(po.total.shared) == {str(c) for c in expected}
    assert (
        ws.role_items_for([a, b]).label[po.total.shared[0]] == "provide skincare treatments to face and body"
    )


def test_narrower_and_related_matches_are_partial_credit_not_shared(ws):
    a, b = str(AKGR.esthetician), ESCO_AESTHETICIAN
    ri = ws.role_items_for([a, b])
    po = analysis.overlap_pair(ri, a, b)
    determine_skin_type = "http://data.europa.eu/esco/skill/c4671551-a0f8-49fd-92fd-c190863a0154"
    # our duty is merged with the O*NET task it closely matches: the group is named by the curated member
    named = {(ri.label[x], kind, y) for x, kind, y in po.total.partial}
    assert ("perform skin assessments", "narrower", determine_skin_type) in named
    assert determine_skin_type not in po.total.shared
    assert po.total.jaccard < po.total.partial_jaccard < 1


def test_esthetician_and_onet_skincare_specialists_share_the_tasks_matched_to_our_duties(ws):
    a, b = str(AKGR.esthetician), "https://www.onetonline.org/link/summary/39-5094.00"
    ri = ws.role_items_for([a, b])
    shared = {ri.label[i] for i in analysis.overlap_pair(ri, a, b).total.shared}
    assert {"sterilize equipment and clean work areas", "chemical peel", "perform skin assessments"} <= shared


def test_gap_names_what_the_target_role_partly_has(ws):
    g = ws.gap(ESCO_AESTHETICIAN, str(AKGR.esthetician))
    step = next(s for s in g.steps if s.label == "perform skin assessments")
    # the aesthetician has "determine skin type", which ESCO's concept makes narrower than our duty
    assert step.partly == (
        ("http://data.europa.eu/esco/skill/c4671551-a0f8-49fd-92fd-c190863a0154", "narrower"),
    )


# ---------------------------------------------------------------- paths cross mappings


def test_path_from_our_aesthetician_to_esco_hair_removal_technician_crosses_a_mapping(monkeypatch, tmp_path):
    cli_env(monkeypatch, tmp_path)
    code, out, err = run("path", "medical aesthetician", "hair removal technician")
    assert code == 0, err
    first = out.splitlines()[0]
    assert (
        "corresponds to ESCO's hair removal technician" in first or "ESCO's use hair removal lasers" in first
    )
    assert any(p in out for p in ("corresponds to", "falls under", "covers", "is related to"))


def test_mapping_step_reads_as_a_relative_clause():
    path = (
        analysis.Step("me", "p:performs", "performs procedure", "lhr"),
        analysis.Step("lhr", str(SKOS.closeMatch), "corresponds to", "esco-skill"),
        analysis.Step("hrt", "esco:opt", "has optional skill", "esco-skill"),
    )
    labels = {
        "me": "medical aesthetician",
        "lhr": "laser hair removal",
        "esco-skill": "ESCO's use hair removal lasers",
        "hrt": "ESCO's hair removal technician",
    }
    assert analysis.sentence(path, labels) == (
        "Medical aesthetician performs procedure laser hair removal, which corresponds to ESCO's use hair "
        "removal lasers, and ESCO's hair removal technician has optional skill ESCO's use hair removal lasers."
    )
    backwards = (analysis.Step("x", str(SKOS.broadMatch), "falls under", "esco"),)
    assert analysis.sentence(backwards[::-1], {"x": "a", "esco": "B"}) == "A falls under B."


# ---------------------------------------------------------------- names resolve as people expect


@pytest.mark.parametrize(
    "argv",
    [
        ("overlap", "--roles", "medical aesthetician", "aesthetic medical laser technician"),
        ("overlap", "--roles", "esthetician", "aesthetician"),
        ("gap", "medical aesthetician", "dermatologist"),
        ("curriculum", "medical aesthetician", "esthetician", "aesthetician"),
        ("path", "medical aesthetician", "NCLE", "--limit", "1"),
    ],
)
def test_readme_examples_work_with_plain_labels_when_frameworks_are_loaded(monkeypatch, tmp_path, argv):
    cli_env(monkeypatch, tmp_path)
    code, out, err = run(*argv)
    assert code == 0, err
    assert out


def test_exact_preferred_label_beats_another_entitys_synonym(ws):
    # "aesthetician" is ESCO's preferred label and a synonym of our esthetician (and of O*NET 39-5094.00)
    assert str(ws.resolve_role("aesthetician")) == ESCO_AESTHETICIAN
    # "esthetician" and "medical aesthetician" are O*NET alternate titles but our preferred labels
    assert ws.resolve_role("esthetician") == AKGR.esthetician
    assert ws.resolve_role("medical aesthetician") == AKGR["medical-aesthetician"]


# ---------------------------------------------------------------- one search


def test_search_ranks_exact_then_prefix_then_word_start_then_substring(ws):
    hits = ws.search("aesthetician")
    assert [h["entity"] for h in hits[:2]] == [ESCO_AESTHETICIAN, str(AKGR.esthetician)]
    assert hits[1]["matched"] == "aesthetician" and hits[1]["match"] == "exact"
    assert [h["match"] for h in hits] == sorted(
        (h["match"] for h in hits), key=["exact", "prefix", "word start", "substring"].index
    )
    medical = next(n for n, h in enumerate(hits) if h["entity"] == str(AKGR["medical-aesthetician"]))
    assert medical > 1 and hits[medical]["match"] == "word start"


def test_search_puts_acronyms_before_words_that_merely_contain_them(ws):
    ncle = ws.search("NCLE")
    assert (
        ncle[0]["entity"] == str(AKGR.ncle) and ncle[0]["match"] == "exact" and ncle[0]["matched"] == "NCLE"
    )
    assert all(h["match"] == "substring" for h in ncle[1:])  # "inclement" and the like come after
    # no ESCO or O*NET label has "IPL" as a word (only descriptions do): every hit is a substring one
    ipl = ws.search("IPL")
    assert ipl and {h["match"] for h in ipl} == {"substring"}


@pytest.mark.parametrize(
    "text", ["aesthetician", "NCLE", "IPL", "laser", "skin type", "hair", "med spa", "zzz"]
)
def test_sparql_search_and_index_search_agree(ws, text):
    from graph import queries

    rows = queries.run(ws.store, "search_labels", {"text": text}).rows
    first: dict[str, tuple] = {}
    for r in rows:
        first.setdefault(str(r[0]), (str(r[0]), str(r[2])))
    by_sparql = list(first.values())[:50]
    by_index = [(h.entity, h.matched) for h in search(ws.index, text, limit=50)]
    assert by_sparql == by_index


def test_every_suggestion_names_its_framework_and_kind(ws):
    from graph.errors import ResolveError

    with pytest.raises(ResolveError) as err:
        ws.resolve_role("aesthetican")
    assert err.value.candidates
    assert all(
        ", curated role)" in c or ", ESCO role)" in c or ", O*NET role)" in c for c in err.value.candidates
    )


def test_the_explorer_path_sentence_names_the_framework_as_the_cli_does(ws):
    """Regression: the app's path finder wrote imported names bare ("hair removal technician")."""
    from graph.ui.view.select import path_steps

    assert ws.entity_graph.number_of_edges()  # built as the app's warm-up builds it before any path
    found = path_steps(ws, str(AKGR["medical-aesthetician"]), HAIR_REMOVAL_TECHNICIAN)
    assert found.sentences and all("ESCO's " in s for s in found.sentences)
    assert "ESCO's hair removal technician" in found.sentences[0]
