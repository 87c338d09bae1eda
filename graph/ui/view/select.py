"""A view state -> the subgraph it draws: seeds, kinds, the first screen, focus, expand, path (no Dash)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

from graph import analysis
from graph.ui.state import State
from graph.ui.view.kinds import FILTERS, KINDS, kind_name
from graph.ui.view.subgraph import Node, Subgraph, add_neighbours, add_path, neighbourhood


def kinds_present(ws) -> list[str]:
    """The kinds that have entities, in the palette's order."""
    have = {kind_name(k) for k in ws.kinds}
    return [k for k in KINDS if k in have]


def view_params(st: State, present: list[str] | None = None) -> dict:
    """construct_subgraph's parameters for a state: every chosen entity a seed, kinds at both ends.

    Choosing every kind the store has is no restriction, so no kind list is sent (a 16 x 16 kind
    VALUES join made the unfiltered view 4x slower).
    """
    seeds = [iri for key in FILTERS for iri in st.seeds.get(key, ())]
    every = set(KINDS) if present is None else set(present)
    kinds = [] if not st.kinds or set(st.kinds) >= every else [f"akg:{k}" for k in st.kinds]
    return {"seed": seeds, "kind": kinds, "essential_only": st.essential}


# The three roles the seed documents describe: the first screen starts from them.
START_ROLES = tuple(
    "https://w3id.org/aesthetics-kg/resource/" + r
    for r in ("aesthetic-medical-laser-technician", "medical-laser-repair-technician", "medical-aesthetician")
)


def default_seeds(c, st: State) -> tuple[list[str], str]:
    """Seeds for a view that names none: the seed documents' three roles (the curated roles when
    they are missing), unless everything is asked for on a store small enough to draw it.

    Drawing "everything" of a million triples would construct 370k triples for 1,500 drawn elements.
    """
    if st.focus or any(st.seeds.get(k) for k in FILTERS) or (st.everything and not c.big()):
        return [], ""
    known = set(c.ws.role_names)
    roles = [r for r in START_ROLES if r in known] or c.ws.curated_roles()
    if c.big() and st.everything:
        return c.ws.curated_roles(), (
            f"Large graph ({c.ws.entity_count:,} entities): showing the curated roles; "
            "choose filters or search to explore the rest."
        )
    return roles, ""


def first_screen(c, st: State) -> bool:
    """Whether a state is the first screen: no seeds, nothing focused, the seed documents' roles present."""
    if st.focus or any(st.seeds.get(k) for k in FILTERS) or st.everything:
        return False
    return set(START_ROLES) <= set(c.ws.role_names)


class Path(NamedTuple):
    """The shortest paths between two entities: links to draw ([s, p, label, o]) and sentences to read."""

    steps: list[list[str]]
    sentences: list[str]
    waiting: str = ""  # why no path is found yet (the entity graph is still being built after a start)
    each: tuple = ()  # each path's own steps, in the order of its sentence


WAITING_FOR_PATHS = "Paths are being prepared (once, in the first seconds after a start); try again shortly."


def path_steps(ws, a: str | None, b: str | None) -> Path:
    """Shortest paths between two entities (none when either end is missing or unknown)."""
    if not a or not b:
        return Path([], [])
    if not ws.available("entity_graph"):  # never built on a click: the warm-up builds it (after the index)
        return Path([], [], WAITING_FOR_PATHS)
    if a not in ws.index.entries or b not in ws.index.entries:
        return Path([], [])
    paths = analysis.shortest_paths(ws.entity_graph, a, b)
    labels = {
        n: ws.named(n) for p in paths for s in p for n in (s.subject, s.object)
    }  # "ESCO's …", as the CLI
    each = tuple([[s.subject, s.predicate, s.label, s.object] for s in p] for p in paths)
    return Path([step for p in each for step in p], [analysis.sentence(p, labels) for p in paths], each=each)


def select(c, st: State, params: dict, path: Path) -> tuple[Subgraph, set]:
    """The subgraph a state draws (before capping) and the path's keys to highlight."""
    needs_labels = st.focus or st.expand or st.add or path.steps
    labels: Mapping[str, Node] = c.labels() if needs_labels else {}
    if st.focus:
        sub = neighbourhood(c.neighbours, st.focus, st.depth, labels=labels)
    else:  # kinds filtered here, as the shown query does: Oxigraph plans 4+ seeds x kinds VALUES badly
        # (> 60 s on the combined graph, 31 ms for 2 seeds); a kind change is then served from the cache
        sub = c.subgraph({**params, "kind": []})
        if first_screen(c, st):
            sub = sub.shared(START_ROLES)
        if params["kind"]:
            sub = sub.of_kinds(k.removeprefix("akg:") for k in params["kind"])
    for n in st.expand:  # an expanded node shows its neighbours: no "+N more" unless its expand is cut
        sub.more.pop(n, None)
    if st.expand:
        add_neighbours(sub, c.neighbours(list(st.expand)), labels=labels)
    missing = [n for n in st.add if n not in sub.nodes and n in labels]
    for n in missing:
        sub.add_node(n, *labels[n])
    if missing:
        add_neighbours(sub, c.neighbours(missing), only_present=True)
    marked = add_path(sub, path.steps, labels)
    sub = sub.without(st.hide)
    return (sub.only(marked) if st.path_only and marked else sub), marked


def select_params(c, st: State) -> tuple[dict, str]:
    """construct_subgraph's parameters for a state, with the first screen's seeds when it names none."""
    params = view_params(st, kinds_present(c.ws))
    seeds, default_note = default_seeds(c, st)
    if seeds:
        params["seed"] = seeds
    return params, default_note
