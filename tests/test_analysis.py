"""graph.analysis on small hand-built projections whose answers are worked out by hand beside each value."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from graph import analysis
from graph.analysis import GAP_ORDER, CredentialStep
from graph.network import RoleItems


def make(links: dict[str, dict[str, bool]], category: dict[str, str], label=None) -> RoleItems:
    """A RoleItems straight from role -> {item: essential} and item -> category."""
    return RoleItems(tuple(sorted(links)), tuple(sorted(category)), category, label or {}, links)


# ---------------------------------------------------------------- overlap_pair


@pytest.fixture
def pair() -> RoleItems:
    return make(
        {
            "A": {"p1": True, "p2": False, "d1": True},
            "B": {"p1": True, "p2": True, "d2": False},
        },
        {"p1": "procedures", "p2": "procedures", "d1": "devices", "d2": "devices"},
    )


def test_overlap_pair_per_category(pair):
    po = analysis.overlap_pair(pair, "A", "B")
    assert (po.a, po.b) == ("A", "B")
    assert [c.category for c in po.categories] == ["devices", "procedures"]  # sorted names
    devices, procedures = po.categories
    assert procedures.shared == ("p1", "p2")
    assert procedures.only_a == () and procedures.only_b == ()
    assert procedures.shared_essential == ("p1",)  # A_ess={p1}, B_ess={p1,p2}
    assert procedures.jaccard == 1.0  # |{p1,p2}| / |{p1,p2}| = 2/2
    assert procedures.essential_jaccard == 0.5  # |{p1}| / |{p1,p2}| = 1/2
    assert devices.shared == ()
    assert devices.only_a == ("d1",) and devices.only_b == ("d2",)
    assert devices.jaccard == 0.0  # 0 / |{d1,d2}|
    assert devices.essential_jaccard == 0.0  # A_ess={d1}, B_ess={} -> 0/1


def test_overlap_pair_total(pair):
    total = analysis.overlap_pair(pair, "A", "B").total
    assert total.category == "all"
    assert total.shared == ("p1", "p2")
    assert total.only_a == ("d1",) and total.only_b == ("d2",)
    assert total.shared_essential == ("p1",)
    assert total.jaccard == 0.5  # {p1,p2} / {p1,p2,d1,d2} = 2/4
    assert total.essential_jaccard == pytest.approx(1 / 3)  # {p1} / ({p1,d1} | {p1,p2}) = 1/3


def test_overlap_pair_with_no_essential_links_is_zero_not_nan():
    ri = make({"A": {"x": False}, "B": {"x": False}}, {"x": "skills"})
    total = analysis.overlap_pair(ri, "A", "B").total
    assert total.jaccard == 1.0  # {x}/{x}
    assert total.essential_jaccard == 0.0  # empty union -> 0 by definition


# ---------------------------------------------------------------- overlap_matrix


@pytest.fixture
def four() -> RoleItems:
    # R1: a ess, b opt, c ess | R2: a ess, b ess, d opt | R3: c opt, d opt | R4: nothing
    return make(
        {
            "R1": {"a": True, "b": False, "c": True},
            "R2": {"a": True, "b": True, "d": False},
            "R3": {"c": False, "d": False},
            "R4": {},
        },
        {"a": "training", "b": "training", "c": "procedures", "d": "procedures"},
    )


def test_overlap_matrix_shared_and_jaccard(four):
    m = analysis.overlap_matrix(four)
    assert m.roles == ("R1", "R2", "R3", "R4")
    assert m.category is None and m.weighted is False
    expected_shared = [
        [3, 2, 1, 0],  # R1&R2={a,b}, R1&R3={c}
        [2, 3, 1, 0],  # R2&R3={d}
        [1, 1, 2, 0],
        [0, 0, 0, 0],  # R4 has nothing
    ]
    assert m.shared.tolist() == expected_shared
    expected = [
        [1.0, 0.5, 0.25, 0.0],  # R1R2: 2/(3+3-2)=2/4; R1R3: 1/(3+2-1)=1/4
        [0.5, 1.0, 0.25, 0.0],  # R2R3: 1/(3+2-1)=1/4
        [0.25, 0.25, 1.0, 0.0],
        [0.0, 0.0, 0.0, 0.0],  # empty role: 0/0 -> 0, not NaN, even on the diagonal
    ]
    np.testing.assert_allclose(m.jaccard, expected)
    assert not np.isnan(m.jaccard).any()


def test_overlap_matrix_category_filter(four):
    m = analysis.overlap_matrix(four, ["R1", "R2", "R3"], category="training")
    assert m.category == "training"
    assert m.shared.tolist() == [[2, 2, 0], [2, 2, 0], [0, 0, 0]]  # R1,R2 training={a,b}; R3 none
    np.testing.assert_allclose(m.jaccard, [[1, 1, 0], [1, 1, 0], [0, 0, 0]])  # {a,b}/{a,b}=1


def test_overlap_matrix_essential_only(four):
    m = analysis.overlap_matrix(four, ["R1", "R2", "R3"], essential_only=True)
    # essential: R1={a,c}, R2={a,b}, R3={}
    assert m.shared.tolist() == [[2, 1, 0], [1, 2, 0], [0, 0, 0]]
    np.testing.assert_allclose(m.jaccard[0, 1], 1 / 3)  # {a} / {a,b,c}
    assert m.jaccard[2, 2] == 0.0  # R3 has no essential items


def test_overlap_matrix_weighted_jaccard(four):
    m = analysis.overlap_matrix(four, weighted=True)
    assert m.weighted is True
    # weights: R1 a=1 b=.5 c=1 | R2 a=1 b=1 d=.5 | R3 c=.5 d=.5
    # R1R2: min a1+b.5 = 1.5; max a1+b1+c1+d.5 = 3.5 -> 3/7
    assert m.jaccard[0, 1] == pytest.approx(3 / 7)
    # R1R3: min c.5 = .5; max a1+b.5+c1+d.5 = 3 -> 1/6
    assert m.jaccard[0, 2] == pytest.approx(1 / 6)
    # R2R3: min d.5 = .5; max a1+b1+c.5+d.5 = 3 -> 1/6
    assert m.jaccard[1, 2] == pytest.approx(1 / 6)
    np.testing.assert_allclose(np.diag(m.jaccard), [1, 1, 1, 0])  # self: sum(w)/sum(w); empty: 0
    np.testing.assert_allclose(m.jaccard, m.jaccard.T)


def test_top_pairs_order(four):
    m = analysis.overlap_matrix(four)
    # R1R2 .5 first; R1R3 and R2R3 tie at .25 and keep matrix order; zeros after
    assert m.top_pairs(3) == [("R1", "R2", 0.5, 2), ("R1", "R3", 0.25, 1), ("R2", "R3", 0.25, 1)]
    assert len(m.top_pairs()) == 6  # 4 roles -> 4*3/2 distinct pairs, fewer than 20
    assert all(score == 0.0 for _, _, score, _ in m.top_pairs()[3:])


def test_overlap_matrix_scale_3000_roles_by_sparse_products():
    rng = np.random.default_rng(2024)
    n_roles, n_items, per_role = 3000, 10_000, 40
    items = [f"i{j}" for j in range(n_items)]
    links = {}
    for r in range(n_roles):
        picks = rng.choice(n_items, size=per_role, replace=False)
        ess = rng.random(per_role) < 0.5
        links[f"r{r:04d}"] = {items[j]: bool(e) for j, e in zip(picks, ess, strict=True)}
    ri = make(links, {i: "skills" for i in items})
    m = analysis.overlap_matrix(ri)
    assert m.shared.shape == m.jaccard.shape == (n_roles, n_roles)
    np.testing.assert_allclose(np.diag(m.jaccard), 1.0)  # every role is non-empty
    assert (np.diag(m.shared) == per_role).all()
    # cross-check pairs that share something, and a few at random, by set intersection
    off = np.argwhere(np.triu(m.shared, k=1) > 0)[:5].tolist() + rng.integers(0, n_roles, (5, 2)).tolist()
    assert len(off) == 10
    for i, j in off:
        a, b = set(links[m.roles[i]]), set(links[m.roles[j]])
        assert m.shared[i, j] == len(a & b)
        assert m.jaccard[i, j] == pytest.approx(len(a & b) / len(a | b))


# ---------------------------------------------------------------- gap


@pytest.fixture
def career() -> RoleItems:
    return make(
        {
            "A": {"p1": True, "d1": True},
            "B": {
                "p1": True,
                "e1": True,
                "t1": False,  # optional, label sorts first
                "t2": True,  # essential, label sorts last
                "c1": False,
                "c2": True,
                "c3": True,
                "w1": False,
            },
        },
        {
            "p1": "procedures",
            "d1": "devices",
            "e1": "education",
            "t1": "training",
            "t2": "training",
            "c1": "credentials",
            "c2": "credentials",
            "c3": "credentials",
            "w1": "workplaces",
        },
        {
            "t1": "Anatomy refresher",
            "t2": "Laser safety",
            "c1": "Basic certificate",
            "c2": "Advanced certificate",
            "c3": "Zeta licence",
        },
    )


def cred(iri: str, *, prerequisites: tuple[str, ...] = (), essential: bool = True) -> CredentialStep:
    return CredentialStep(iri, iri.upper(), essential, ("body",), prerequisites, (), ())


def test_gap_orders_stage_then_prerequisite_then_essential(career):
    g = analysis.gap(career, "A", "B", [cred("c2", prerequisites=("c1",)), cred("c1"), cred("c3")])
    assert (g.a, g.b) == ("A", "B")
    assert [s.item for s in g.steps] == [
        "e1",  # education is the first stage
        "t2",  # training: essential before optional, though "Laser" sorts after "Anatomy"
        "t1",
        "c3",  # credentials: depth 0 essential
        "c1",  # depth 0 optional, and the prerequisite of c2
        "c2",  # depth 1: after its prerequisite c1
        "w1",  # workplaces last
    ]
    assert [s.order for s in g.steps] == [1, 2, 3, 4, 5, 6, 7]
    assert [s.essential for s in g.steps] == [True, True, False, True, False, True, False]
    assert g.steps[1].label == "Laser safety" and g.steps[0].label == "e1"  # no label: the item itself
    stages = [GAP_ORDER.index(s.category) for s in g.steps]
    assert stages == sorted(stages)
    assert [c.credential for c in g.credentials] == ["c1", "c3", "c2"]  # depth 0, 0, 1 (stable)
    assert g.already == ("p1",)  # d1 is A's own, not wanted by B


def test_gap_to_itself_is_empty(career):
    g = analysis.gap(career, "B", "B", [cred("c1")])
    assert g.steps == () and g.credentials == ()
    assert g.already == ("c1", "c2", "c3", "e1", "p1", "t1", "t2", "w1")


def test_gap_with_cyclic_prerequisites_still_orders_by_stage(career):
    # c1 needs c2 and c2 needs c1: no depth is trusted, so essential-first and label decide
    steps = [cred("c1", prerequisites=("c2",)), cred("c2", prerequisites=("c1",)), cred("c3")]
    g = analysis.gap(career, "A", "B", steps)
    creds = [s.item for s in g.steps if s.category == "credentials"]
    assert creds == ["c2", "c3", "c1"]  # essential "Advanced…", "Zeta…", then optional "Basic…"
    assert [c.credential for c in g.credentials] == ["c1", "c2", "c3"]  # as given


# ---------------------------------------------------------------- cover


@pytest.fixture
def trap() -> RoleItems:
    # "big" reaches r1 r2 r4 r5 (greedy's first pick); "left" r1 r2 r3; "right" r4 r5 r6.
    # Optimum: {left, right} = 2. Greedy: big, then left (r3), then right (r6) = 3.
    # "all" is a skills item that reaches every role, and must not count by default.
    # r7 has only skills: uncoverable by training and credentials.
    reach = {
        "big": ("training", ["r1", "r2", "r4", "r5"]),
        "left": ("credentials", ["r1", "r2", "r3"]),
        "right": ("training", ["r4", "r5", "r6"]),
        "all": ("skills", ["r1", "r2", "r3", "r4", "r5", "r6", "r7"]),
    }
    links = {f"r{n}": {} for n in range(1, 8)}
    for item, (_, roles) in reach.items():
        for r in roles:
            links[r][item] = True
    return make(links, {item: cat for item, (cat, _) in reach.items()})


ROLES = [f"r{n}" for n in range(1, 8)]


def test_cover_exact_beats_greedy(trap):
    cv = analysis.cover(trap, ROLES[:6])
    assert cv.exact is True and cv.bound == "optimal"
    cv = analysis.cover(trap, ROLES)
    assert cv.chosen == ("left", "right")
    assert cv.uncoverable == ("r7",)
    assert cv.covered_by == {
        "r1": ("left",),
        "r2": ("left",),
        "r3": ("left",),
        "r4": ("right",),
        "r5": ("right",),
        "r6": ("right",),
        "r7": (),
    }


def test_cover_falls_back_to_greedy_with_its_bound(trap):
    cv = analysis.cover(trap, ROLES, exact_limit=0)
    assert cv.exact is False
    assert cv.chosen == ("big", "left", "right")  # greedy's 3 against the optimum 2
    # H(6) = 1 + 1/2 + 1/3 + 1/4 + 1/5 + 1/6 = 49/20 = 2.45
    assert cv.bound.startswith("greedy: at most H(6) = 2.45 x optimal for the 6 role(s) reached")
    assert cv.covered_by["r1"] == ("big", "left") and cv.covered_by["r6"] == ("right",)
    assert cv.uncoverable == ("r7",)


def test_cover_counts_only_the_categories_asked(trap):
    cv = analysis.cover(trap, ROLES, categories=("skills",))
    assert cv.chosen == ("all",) and cv.uncoverable == () and cv.exact is True


def test_cover_of_roles_without_training_or_credentials():
    ri = make({"x": {"s": True}, "y": {}}, {"s": "skills"})
    cv = analysis.cover(ri, ["x", "y", "x"])  # duplicates are dropped
    assert cv.roles == ("x", "y")
    assert cv.chosen == () and cv.uncoverable == ("x", "y")
    assert cv.exact is True and cv.covered_by == {"x": (), "y": ()}


def test_cover_never_says_optimal_while_roles_are_unreached(trap):
    cv = analysis.cover(trap, ROLES)
    assert cv.bound == "optimal for the 6 role(s) reached; 1 reached by no training or credentials item"
    cv = analysis.cover(
        make({"x": {"s": True}, "y": {"t": True}}, {"s": "skills", "t": "training"}), ["x", "y"]
    )
    assert cv.chosen == ("t",) and cv.bound.startswith("optimal for the 1 role(s) reached; 1 reached by no")


# ---------------------------------------------------------------- paths

PP, OD = "akg:performsProcedure", "akg:operatesDevice"


def entity_graph(*edges: tuple[str, str, str, str]) -> nx.MultiDiGraph:
    G = nx.MultiDiGraph()
    for s, p, label, o in edges:
        G.add_edge(s, o, key=p, label=label)
    return G


LABELS = {"A": "aesthetic nurse", "B": "dermatologist", "X": "botulinum toxin injection"}


def test_shortest_path_follows_links_either_way_and_reads_as_a_sentence():
    G = entity_graph(("A", PP, "performs procedure", "X"), ("B", PP, "performs procedure", "X"))
    paths = analysis.shortest_paths(G, "A", "B")
    assert paths == [
        (
            analysis.Step("A", PP, "performs procedure", "X"),
            analysis.Step("B", PP, "performs procedure", "X"),  # told in the data's direction
        )
    ]
    assert analysis.sentence(paths[0], LABELS) == (
        "Aesthetic nurse performs procedure botulinum toxin injection, "
        "and dermatologist performs procedure botulinum toxin injection."
    )
    assert analysis.sentence(paths[0]) == "A performs procedure X, and B performs procedure X."


def test_sentence_of_one_and_three_links():
    one = (analysis.Step("a", "p", "uses", "b"),)
    assert analysis.sentence(one) == "A uses b."
    three = (*one, analysis.Step("c", "p", "uses", "b"), analysis.Step("c", "q", "holds", "d"))
    assert analysis.sentence(three) == "A uses b, c uses b, and c holds d."
    assert analysis.sentence(()) == ""


def test_shortest_paths_limit_and_first_key_of_parallel_links():
    G = entity_graph(
        ("A", PP, "performs procedure", "X"),
        ("A", OD, "operates device", "X"),  # parallel link: the smaller key is told
        ("B", PP, "performs procedure", "X"),
        ("A", OD, "operates device", "D"),
        ("B", OD, "operates device", "D"),
    )
    paths = analysis.shortest_paths(G, "A", "B")
    assert len(paths) == 2  # A-X-B and A-D-B, both of two links
    assert {p[0].object for p in paths} == {"X", "D"}
    via_x = next(p for p in paths if p[0].object == "X")
    assert via_x[0].predicate == OD  # "akg:operatesDevice" < "akg:performsProcedure"
    assert len(analysis.shortest_paths(G, "A", "B", limit=1)) == 1


def test_no_path_and_unknown_node_give_nothing():
    G = entity_graph(("A", PP, "performs procedure", "X"), ("B", PP, "performs procedure", "Y"))
    assert analysis.shortest_paths(G, "A", "B") == []  # two components
    assert analysis.shortest_paths(G, "A", "nobody") == []
    assert analysis.shortest_paths(G, "nobody", "A") == []
    assert analysis.shortest_paths(G, "A", "A") == []  # was one empty path, printed "1. (0 links) "


def test_sentence_does_not_capitalise_an_iri_or_curie():
    step = (analysis.Step("akgr:nurse", "p", "performs procedure", "akgr:botox"),)
    assert analysis.sentence(step) == "akgr:nurse performs procedure akgr:botox."
    iri = "https://w3id.org/aesthetics-kg/resource/nurse"
    assert analysis.sentence((analysis.Step(iri, "p", "uses", "b"),)) == f"{iri} uses b."


# ---------------------------------------------------------------- transferable and communities


def test_transferable_ranks_the_shared_item_first_with_hand_betweenness():
    ri = make(
        {"r1": {"x": True, "y": False}, "r2": {"x": True}, "r3": {"x": False}},
        {"x": "skills", "y": "devices"},
        {"x": "hygiene"},
    )
    # Graph: x-r1, x-r2, x-r3, r1-y; 5 nodes; normalised by (n-1)(n-2)/2 = 6 pairs.
    # x lies on r1-r2, r1-r3, r2-r3, y-r2, y-r3: 5/6. y is a leaf: 0.
    top = analysis.transferable(ri)
    assert [b.item for b in top] == ["x", "y"]
    assert top[0] == analysis.Bridge("x", "hygiene", "skills", 3, pytest.approx(5 / 6))
    assert top[1] == analysis.Bridge("y", "y", "devices", 1, 0.0)
    assert analysis.transferable(ri, top=1) == top[:1]


def test_communities_finds_two_clusters():
    shared_left, shared_right = {"a": True, "b": True, "c": True}, {"d": True, "e": True, "f": True}
    links = {r: dict(shared_left) for r in ("r1", "r2", "r3")}
    links |= {r: dict(shared_right) for r in ("r4", "r5", "r6")}
    links["r3"]["g"] = links["r4"]["g"] = False  # one weak bridge between the clusters
    ri = make(links, {i: "skills" for i in "abcdefg"})
    found = analysis.communities(ri)
    assert found == [("r1", "r2", "r3"), ("r4", "r5", "r6")]
    assert analysis.communities(ri) == found  # seeded: the same every time


def test_predecessors_stop_at_the_target_level_and_agree_with_networkx():
    """Regression (issue 22): nx.predecessor walked the whole component (1.7 s on ESCO + O*NET for a
    path of 4 steps); the walk that stops at b's level must give every node on a shortest path the same
    nearer neighbours."""
    import random

    from graph.analysis.connections import predecessors

    rng = random.Random(7)
    G = nx.MultiDiGraph()
    nodes = [f"n{i:03d}" for i in range(300)]
    for _ in range(700):
        s, o = rng.sample(nodes, 2)
        G.add_edge(s, o, key=rng.choice(["p", "q"]), label="x")
    G.add_edge("n000", "n001", key="q", label="x")
    G.add_edge("n001", "n000", key="p", label="x")  # a link each way: n000 once in n001's list
    full = nx.predecessor(G.to_undirected(as_view=True), "n000")
    for b in nodes[1:80]:
        mine = predecessors(G, "n000", b)
        assert (b in mine) == (b in full)
        if b in full:
            level = len(nx.shortest_path(G.to_undirected(as_view=True), "n000", b)) - 1
            on_the_way = [
                n
                for n in mine
                if len(nx.shortest_path(G.to_undirected(as_view=True), "n000", n)) - 1 <= level
            ]
            assert all(sorted(mine[n]) == sorted(full[n]) for n in on_the_way)
    assert predecessors(G, "n000", "n001")["n001"] == ["n000"]
