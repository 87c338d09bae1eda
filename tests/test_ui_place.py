"""Stable layouts: placed nodes keep their positions, new ones go on free slots around a neighbour."""

from __future__ import annotations

import math

from graph.ui.view.place import SLOT, grow
from graph.ui.view.subgraph import Subgraph


def star(centre: str, leaves: list[str]) -> Subgraph:
    sub = Subgraph()
    sub.add_node(centre, centre, "Role")
    for leaf in leaves:
        sub.add_node(leaf, leaf, "Procedure")
        sub.add_edge(centre, "p", leaf, "p", None, None)
    return sub


def test_placed_nodes_keep_their_positions_and_new_ones_go_around_their_hub():
    sub = star("r", ["a", "b", "c"])
    placed = {"r": (0.0, 0.0), "a": (500.0, 0.0)}
    pos = grow(sub, placed, ["r"])
    assert pos["r"] == (0.0, 0.0) and pos["a"] == (500.0, 0.0)
    assert set(pos) == {"r", "a", "b", "c"}
    for n in ("b", "c"):
        assert 0 < math.dist(pos[n], pos["r"]) <= 3 * SLOT, "a new node goes near the node that brought it"


def test_new_nodes_keep_clear_of_every_placed_point_even_hidden_ones():
    sub = star("r", ["a", "b"])
    placed = {"r": (0.0, 0.0), "gone": (0.0, -108.0)}  # `gone` is hidden: not in sub, its slot stays taken
    pos = grow(sub, placed, ["r"])
    points = [*pos.values(), placed["gone"]]
    assert all(math.dist(p, q) >= SLOT * 0.8 for i, p in enumerate(points) for q in points[i + 1 :])
    assert "gone" not in pos


def test_growing_twice_places_the_first_steps_nodes_where_they_were():
    one = star("r", ["a", "b"])
    one.add_node("x", "x", "Device")
    one.add_edge("a", "q", "x", "q", None, None)
    placed = {"r": (0.0, 0.0)}
    first = grow(one, placed, ["r"])
    two = one.copy()
    for leaf in ("y", "z"):
        two.add_node(leaf, leaf, "Device")
        two.add_edge("a", "q", leaf, "q", None, None)
    second = grow(two, placed, ["r", "a"])
    assert {n: second[n] for n in first} == first
    assert grow(two, placed, ["r", "a"]) == second, "the same steps, the same picture"


def test_unlinked_nodes_go_in_rows_below_the_placed_ones():
    sub = star("r", [])
    sub.add_node("lonely", "lonely", "Device")
    pos = grow(sub, {"r": (0.0, 0.0)})
    assert pos["lonely"][1] > 0


def test_every_layout_extends_without_moving_what_is_placed():
    from graph.ui.view.kinds import LAYOUTS
    from graph.ui.view.place import extend

    one = star("r", ["a", "b"])
    two = star("r", ["a", "b", "c"])
    two.add_node("s", "s", "Role")
    two.add_edge("s", "p", "c", "p", None, None)
    for layout in LAYOUTS:
        placed = (
            extend(one, {}, ["r"], layout)
            if layout != "force"
            else {"r": (0.0, 0.0), **grow(one, {"r": (0.0, 0.0)}, ["r"])}
        )
        grown = extend(two, placed, ["s"], layout)
        assert {n: grown[n] for n in placed} == placed, layout
        assert set(grown) == set(two.nodes) and grown == extend(two, placed, ["s"], layout), layout
        points = list(grown.values())
        assert len(set(points)) == len(points), f"{layout}: two nodes on one point"


def test_free_slots_checked_together_are_the_slots_checked_one_by_one():
    """Regression (issue 22): clear_all (one NumPy pass a ring) must say what the point-by-point check says."""
    import random

    from graph.ui.view.place import SLOT, _Free

    rng = random.Random(3)
    held = [(round(rng.uniform(-600, 600), 1), round(rng.uniform(-400, 400), 1)) for _ in range(150)]
    free = _Free(held)
    probes = [(round(rng.uniform(-700, 700), 1), round(rng.uniform(-500, 500), 1)) for _ in range(400)]

    def one_by_one(p):
        return all(((p[0] - x) / (SLOT * 1.3)) ** 2 + ((p[1] - y) / (SLOT * 0.75)) ** 2 >= 1 for x, y in held)

    assert free.clear_all(probes) == [one_by_one(p) for p in probes]
    edge = _Free([(10.0, 20.0)]).clear_all([(10.0 + SLOT * 1.3, 20.0), (10.0 + SLOT * 1.3 - 0.1, 20.0)])
    assert edge == [True, False]  # the ellipse's edge is clear, just inside is not
    assert _Free([]).clear_all(probes[:3]) == [True, True, True]


_WHOLE_GRAPH_POSITIONS = """
import json
from graph.stores import StoreSpec
from graph.ui import state as S
from graph.ui.context import Context
from graph.ui.view.compose import compose
from graph.workspace import Workspace
ws = Workspace.open(StoreSpec())
ws.warm_now()
out = {}
for layout in ("force", "grouped", "concentric", "hierarchy"):
    view, _ = compose(Context(ws, None), S.State(everything=True).with_(layout=layout))
    out[layout] = sorted((e["data"]["id"], e["position"]) for e in view.elements if "position" in e)
print(json.dumps(out))
"""


def test_the_whole_graph_stands_the_same_whatever_the_hash_seed():
    """Regression: radial averaged an anchor group's x over a frozenset, so the float sum's order (and,
    at a tie, a band's row) followed the process's hash seed: 13 of 129 nodes moved 96 px between runs."""
    import json
    import os
    import subprocess
    import sys

    from graph.paths import ROOT

    def run(seed: str) -> dict:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run(
            [sys.executable, "-c", _WHOLE_GRAPH_POSITIONS], env=env, cwd=ROOT, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return json.loads(done.stdout.splitlines()[-1])

    first = run("1")
    assert len(first["force"]) > 100
    for seed in ("7", "8"):
        assert run(seed) == first, seed


def test_rings_skipped_as_full_and_annulus_checks_give_the_points_of_the_plain_walk():
    """Regression (issue 22): _around skips rings whose every slot is surely taken and compares a ring's
    slots only with the held points near it; the points must be those of the plain ring-by-ring walk."""
    import math
    import random

    from graph.ui.view.place import RING_GAP, SLOT, _around, _Free

    def blocked(p, held):
        return any(((p[0] - x) / (SLOT * 1.3)) ** 2 + ((p[1] - y) / (SLOT * 0.75)) ** 2 < 1 for x, y in held)

    def plain(centre, count, held, away=None, first=RING_GAP * 1.5, turn=0.0):
        out, r = [], first
        start = -math.pi / 2 if away is None else math.atan2(centre[1] - away[1], centre[0] - away[0])
        shift = 0.5 if away is None else turn
        while len(out) < count:
            room = max(6, int(2 * math.pi * r / SLOT))
            steps = range(room) if away is None else sorted(range(room), key=lambda k: (min(k, room - k), k))
            for a in (start + 2 * math.pi * (k + shift) / room for k in steps):
                p = (round(centre[0] + r * math.cos(a), 1), round(centre[1] + r * math.sin(a), 1))
                if not blocked(p, held):
                    held.append(p)
                    out.append(p)
                    if len(out) == count:
                        break
            r += RING_GAP
        return out

    rng = random.Random(7)
    held = [(round(rng.uniform(-500, 500), 1), round(rng.uniform(-500, 500), 1)) for _ in range(120)]
    free, reference = _Free(held), list(held)
    for i in range(40):  # hubs one after another, as grow() puts them: later ones walk crowded rings
        centre = (round(rng.uniform(-400, 400), 1), round(rng.uniform(-400, 400), 1))
        away = None if i % 3 == 0 else (0.0, 0.0)
        count = rng.randint(1, 25)
        assert _around(centre, count, free, away, turn=0.5 * (i % 2)) == plain(
            centre, count, reference, away, turn=0.5 * (i % 2)
        ), i
    assert free.xs == [p[0] for p in reference] and free.ys == [p[1] for p in reference]
