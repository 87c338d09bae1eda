"""A view state -> the drawn view and the SPARQL behind it: state -> subgraph -> placement -> elements."""

from __future__ import annotations

from rdflib import URIRef

from graph import queries
from graph.terms import curie
from graph.ui.state import State
from graph.ui.view.badges import left_to_draw
from graph.ui.view.cap import cap
from graph.ui.view.elements import View, cut_note, layout_options, to_elements
from graph.ui.view.placement import place
from graph.ui.view.select import first_screen, path_steps, select, select_params

FIRST_SCREEN_NOTE = (
    "The three roles of the seed documents and what at least two of them share; "
    "+N on a node: neighbours not drawn yet (select it and Expand, or right-click it)."
)


def compose(c, st: State) -> tuple[View, str]:
    """Run the queries a state asks for and build the view, and the SPARQL behind it.

    `c` is the app's Context (workspace, cached subgraphs, entity labels).
    """
    params, default_note = select_params(c, st)
    path = path_steps(c.ws, st.path_from, st.path_to)
    sub, marked = select(c, st, params, path)
    first = [*params["seed"], *st.add]
    kept, drawn, total = cap(sub, first=[*([st.node] if st.node else []), *first])
    pos = place(kept, c, st, path)
    anchors = [st.focus] if st.focus else params["seed"]
    left = left_to_draw(c.ws.entity_graph, c.labels(), kept.nodes, st.hide) if badges_ready(c.ws) else None
    elements = to_elements(
        kept, pos, layout=st.layout, selected=st.node, marked=marked, seeds=anchors, left=left
    )
    if first_screen(c, st) and not (st.expand or st.add or st.hide):
        default_note = FIRST_SCREEN_NOTE
    if not kept.nodes:
        default_note = empty_note(c, st, params)
    note = " ".join(x for x in (default_note, path.waiting, cut_note(drawn, total)) if x)
    return View(elements, layout_options(), note, kept), queries.render(
        "construct_subgraph", params, c.ws.resolve
    )


def badges_ready(ws) -> bool:
    """Whether the neighbours left to draw can be counted without building anything (after the warm-up)."""
    return ws.available("index") and ws.available("entity_graph")


def empty_note(c, st: State, params: dict) -> str:
    """Why a view draws nothing, and what to try: an entity the graph does not know is named."""
    known = c.ws.index.entries
    missing = [i for i in [*params["seed"], *([st.focus] if st.focus else [])] if i not in known]
    # in the graph without a preferred label (the explorer draws named entities) or not there at all
    unnamed = [i for i in missing if queries.run(c.ws.store, "node_properties", {"node": URIRef(i)}).rows]
    unknown = [curie(i) for i in missing if i not in unnamed]
    if unnamed:
        return (
            f"Nothing to draw: {', '.join(map(curie, unnamed))} {'is' if len(unnamed) == 1 else 'are'} in this "
            "graph without a skos:prefLabel, and the explorer draws named entities only "
            "(python -m graph validate lists what lacks one)."
            + (f" This graph has no entity {', '.join(unknown)}." if unknown else "")
        )
    if unknown:
        return (
            f"Nothing to draw: this graph has no entity {', '.join(unknown)}. "
            "Check the link, or search for it by name under Find."
        )
    if st.kinds or st.essential:
        return "Nothing to draw with these filters: tick more kinds or clear “essential links only”."
    if st.hide:
        return "Nothing to draw: everything here is hidden. Reset view shows it again."
    return (
        "Nothing to draw: these choices have no links in this graph. Choose another role or clear a filter."
    )
