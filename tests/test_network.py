"""graph.network on hand-built query rows: SKOS merging, role-item projections, incidence, entity graph."""

from __future__ import annotations

from rdflib import Literal, URIRef

from graph import analysis
from graph.network import canonical_items, entity_graph, incidence, role_item_graph, role_items
from graph.stores import Result
from graph.terms import AKG, AKGR, SKOS

ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ESCO_OCC = "http://data.europa.eu/esco/occupation/"
ONET = "https://www.onetonline.org/link/summary/"

BOTOX, FILLER, NURSE = str(AKGR.botox), str(AKGR.filler), str(AKGR.nurse)
INJECT, OTHER, ESCO_NURSE = ESCO_SKILL + "inject", ESCO_SKILL + "other", ESCO_OCC + "nurse"


def mappings(*pairs: tuple[str, str]) -> Result:
    """item_mappings.rq rows (entity, match, relation)."""
    return Result(
        "SELECT",
        ("entity", "match", "relation"),
        tuple((URIRef(a), URIRef(b), SKOS.exactMatch) for a, b in pairs),
    )


def links(*rows: tuple[str, str, str, str | None, bool | None]) -> Result:
    """role_items.rq rows (role, category, item, itemLabel, essential)."""
    return Result(
        "SELECT",
        ("role", "category", "item", "itemLabel", "essential"),
        tuple(
            (
                URIRef(r),
                Literal(c),
                URIRef(i),
                None if lab is None else Literal(lab, lang="en"),
                None if e is None else Literal(e),
            )
            for r, c, i, lab, e in rows
        ),
    )


# ---------------------------------------------------------------- canonical_items


def test_external_iri_represents_a_curated_item_either_way_round():
    assert canonical_items(mappings((BOTOX, INJECT)), set()) == {BOTOX: INJECT, INJECT: INJECT}
    assert canonical_items(mappings((INJECT, BOTOX)), set()) == {BOTOX: INJECT, INJECT: INJECT}


def test_two_curated_items_mapped_to_one_concept_stay_distinct():
    canon = canonical_items(mappings((BOTOX, INJECT), (FILLER, INJECT)), set())
    assert canon[BOTOX] == INJECT  # the first curated item joins the external concept
    assert canon[FILLER] == FILLER  # the second would meet the first: kept apart
    assert canonical_items(mappings((BOTOX, FILLER)), set()) == {BOTOX: BOTOX, FILLER: FILLER}


def test_chain_of_external_matches_keeps_an_external_representative():
    onet = ONET + "inject"
    # ESCO exactMatch O*NET: both external, the first kept; then the curated item joins that group
    canon = canonical_items(mappings((INJECT, onet), (BOTOX, onet)), set())
    assert canon == {INJECT: INJECT, onet: INJECT, BOTOX: INJECT}


def test_roles_are_never_merged():
    assert canonical_items(mappings((NURSE, ESCO_NURSE)), {NURSE}) == {}
    assert canonical_items(mappings((ESCO_NURSE, NURSE)), {NURSE}) == {}
    assert canonical_items(None, {NURSE}) == {}


# ---------------------------------------------------------------- role_items


CURATED_ROW = (NURSE, "procedures", BOTOX, "botulinum toxin injection", True)
ESCO_ROWS = (
    (ESCO_NURSE, "skills", INJECT, "inject botulinum toxin", False),
    (ESCO_NURSE, "skills", OTHER, "other skill", True),
)


def test_role_items_merges_a_mapped_item_so_curated_and_esco_roles_share_it():
    ri = role_items(links(CURATED_ROW, *ESCO_ROWS), mappings((BOTOX, INJECT)))
    assert ri.roles == (ESCO_NURSE, NURSE)  # sorted; roles themselves are never merged
    assert ri.items == (INJECT, OTHER)  # BOTOX is represented by INJECT
    assert ri.links == {NURSE: {INJECT: True}, ESCO_NURSE: {INJECT: False, OTHER: True}}
    assert ri.category[INJECT] == "procedures"  # curated "procedures" wins over ESCO "skills"
    assert ri.label[INJECT] == "botulinum toxin injection"  # the curated label wins too
    assert analysis.overlap_pair(ri, NURSE, ESCO_NURSE).total.shared == (INJECT,)


def test_role_items_curated_category_and_label_win_in_any_row_order():
    ri = role_items(links(*ESCO_ROWS, CURATED_ROW), mappings((BOTOX, INJECT)))
    assert ri.category[INJECT] == "procedures"  # "skills" came first, then was replaced
    assert ri.label[INJECT] == "botulinum toxin injection"
    assert ri.categories() == ["procedures", "skills"]


def test_role_items_without_mappings_keeps_items_apart():
    ri = role_items(links(CURATED_ROW, *ESCO_ROWS))
    assert ri.items == (INJECT, OTHER, BOTOX)  # sorted IRIs: data.europa.eu < w3id.org
    assert ri.category[BOTOX] == "procedures" and ri.category[INJECT] == "skills"
    assert analysis.overlap_pair(ri, NURSE, ESCO_NURSE).total.shared == ()


def test_role_items_essential_is_true_if_any_link_says_so_and_none_is_optional():
    rows = links(
        (NURSE, "procedures", BOTOX, None, False),
        (NURSE, "skills", INJECT, None, True),  # the same merged item, essential this time
        (NURSE, "devices", str(AKGR.laser), None, None),  # no flag: optional
    )
    ri = role_items(rows, mappings((BOTOX, INJECT)))
    assert ri.links[NURSE] == {INJECT: True, str(AKGR.laser): False}
    assert ri.label == {}  # no labels in the rows
    assert ri.items_of(NURSE, essential_only=True) == {INJECT: True}
    assert ri.items_of(NURSE, category="devices") == {str(AKGR.laser): False}


def test_incidence_shapes_and_values():
    ri = role_items(links(CURATED_ROW, *ESCO_ROWS), mappings((BOTOX, INJECT)))
    P, E = incidence(ri, ri.roles)
    assert P.shape == E.shape == (2, 2)  # roles (ESCO_NURSE, NURSE) x items (INJECT, OTHER)
    assert P.toarray().tolist() == [[1, 1], [1, 0]]
    assert E.toarray().tolist() == [[0, 1], [1, 0]]  # ESCO nurse: OTHER essential; nurse: INJECT
    assert E.nnz == 2  # optional links are not stored as zeros
    P, E = incidence(ri, (NURSE, "unknown"), category="skills")
    assert P.shape == (2, 2) and P.nnz == 0  # INJECT is "procedures" now; unknown role: empty row
    P, _ = incidence(ri, ri.roles, essential_only=True)
    assert P.toarray().tolist() == [[0, 1], [1, 0]]


def test_role_item_graph_is_typed_bipartite():
    ri = role_items(links(CURATED_ROW, *ESCO_ROWS), mappings((BOTOX, INJECT)))
    G = role_item_graph(ri)
    assert G.nodes[NURSE]["type"] == "role" and G.nodes[INJECT]["type"] == "item"
    assert G.nodes[INJECT]["category"] == "procedures"
    assert G.nodes[OTHER]["label"] == "other skill"
    assert G.degree(INJECT) == 2
    assert G.edges[ESCO_NURSE, INJECT]["essential"] is False


# ---------------------------------------------------------------- entity_graph


def test_entity_graph_keys_labels_and_essential():
    uses = "http://example.org/rel/usesDevice"
    rows = Result(
        "SELECT",
        ("s", "p", "o", "propertyLabel", "essential"),
        (
            (
                AKGR.nurse,
                AKG.performsProcedure,
                AKGR.botox,
                Literal("performs procedure", lang="en"),
                Literal(True),
            ),
            (AKGR.nurse, AKG.operatesDevice, AKGR.botox, None, Literal(False)),
            (AKGR.nurse, URIRef(uses), AKGR.laser, None, None),
        ),
    )
    G = entity_graph(rows)
    assert set(G[NURSE][BOTOX]) == {str(AKG.performsProcedure), str(AKG.operatesDevice)}  # keyed by predicate
    pp = G[NURSE][BOTOX][str(AKG.performsProcedure)]
    assert pp == {"label": "performs procedure", "essential": True}  # label from the row
    od = G[NURSE][BOTOX][str(AKG.operatesDevice)]
    assert od == {"label": "operatesDevice", "essential": False}  # local name after '#'
    assert G[NURSE][str(AKGR.laser)][uses] == {"label": "usesDevice", "essential": None}  # after '/'
    assert G.number_of_edges() == 3 and G.number_of_nodes() == 3
