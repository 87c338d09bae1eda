"""A view state -> where its nodes stand: its base view's layout grown by its steps (no Dash).

The second step of a view (state -> subgraph -> placement -> elements): positions are a function of
the URL, so a fresh load draws the same picture and nodes stay put while the view grows or shrinks.
"""

from __future__ import annotations

from graph.ui.state import State
from graph.ui.view.cap import cap
from graph.ui.view.layouts import positions, seeded_positions
from graph.ui.view.place import extend
from graph.ui.view.select import Path, select, select_params, view_params
from graph.ui.view.subgraph import Subgraph


def hubs(st: State) -> list[str]:
    """The nodes a state's steps grow the picture around: expanded, added, the focus."""
    return [*st.expand, *st.add, *([st.focus] if st.focus else [])]


def stable_positions(c, st: State, path: Path) -> dict[str, tuple[float, float]]:
    """Where every node of a state's view goes: its base view's layout, grown by its steps.

    The base is the state without its steps and without what only removes (focus, expand, add,
    path; hide, kinds, essential only, path only): those change which nodes show, never where a
    node stands. The base itself grows seed by seed in the URL's order (seeded_positions), so
    adding a seed, or removing the last one, leaves every other node in place. So the positions are
    a function of the URL (a fresh load draws the same picture) and stay put while the view grows
    or shrinks.
    """
    base = st.with_(
        focus=None,
        expand=(),
        add=(),
        hide=(),
        kinds=(),
        essential=False,
        path_from=None,
        path_to=None,
        path_only=False,
    )
    params, _ = select_params(c, base)
    sub, _ = select(c, base, params, Path([], []))
    shown = cap(sub, first=params["seed"]).sub
    chosen = view_params(base)["seed"]  # the URL's own seeds, in order; none: the default view
    placed = (
        seeded_positions(shown, st.layout, chosen) if chosen else positions(shown, st.layout, params["seed"])
    ) or {}
    if base == st:
        return placed
    grown = st.with_(hide=(), kinds=(), essential=False, path_only=False)  # every node the steps may show
    whole, _ = select(c, grown, select_params(c, grown)[0], path)
    return extend(whole, placed, hubs(st), st.layout)


def place(kept: Subgraph, c, st: State, path: Path) -> dict[str, tuple[float, float]] | None:
    """Positions of the drawn (capped) nodes: the state's stable positions, any node they miss placed
    as its step places it; None for an empty view."""
    if not kept.nodes:
        return None
    return extend(kept, stable_positions(c, st, path), hubs(st), st.layout)
