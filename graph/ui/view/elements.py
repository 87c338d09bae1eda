"""Subgraph + positions -> Cytoscape elements, every element's id derived from what it is (pure).

The last step of a view (state -> subgraph -> placement -> elements): it places nothing itself.
Cytoscape diffs the elements it is sent by id, so an id must name the thing itself (a node's IRI;
a link's subject, predicate and object), never its position in a list: a reused positional id
left removed links on the canvas and dropped new ones.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from graph.ui.view.cap import cap
from graph.ui.view.captions import label_sides
from graph.ui.view.labels import SHORT_CHARS, shorten
from graph.ui.view.layouts import positions
from graph.ui.view.subgraph import MAX_ELEMENTS, Subgraph, Triple

# links: a view this small shows every link label; a bigger one (41 "has essential skill" labels
# round one ESCO occupation hid its nodes' names) shows them on hover, on the selected node's links
# and on the path
EDGE_LABELS_UP_TO = 30


class View(NamedTuple):
    """What the browser draws: elements, the layout to run, a note when the view was cut, the subgraph."""

    elements: list[dict]
    layout: dict
    note: str
    drawn: Subgraph


def link_id(t: Triple) -> str:
    """A link's element id: a short stable hash of subject, predicate and object (IRIs hold no spaces).

    >>> link_id(Triple("a", "p", "b")) == link_id(Triple("a", "p", "b")) != link_id(Triple("b", "p", "a"))
    True
    """
    return "l" + hashlib.blake2b(f"{t.s} {t.p} {t.o}".encode(), digest_size=8).hexdigest()


def layout_options() -> dict:
    """The Cytoscape layout object: every layout's positions come from here (no randomness, no
    browser layout), so the same view draws the same picture."""
    return {"name": "preset", "fit": True, "padding": 30, "animate": False}


def _essential_class(essential: bool | None) -> str:
    return "essential" if essential else ("optional" if essential is False else "link")


def to_elements(
    kept: Subgraph,
    pos: Mapping[str, tuple[float, float]] | None,
    *,
    layout: str = "force",
    selected: str | None = None,
    marked: Iterable = (),
    seeds: Iterable[str] = (),
    left: Mapping[str, Mapping[str, int]] | None = None,
) -> list[dict]:
    """Elements for dash-cytoscape from a capped subgraph and its nodes' positions: kind and
    essential/optional classes; the seeds (or focus) `seed`, whose labels the browser names first;
    the selected node and its neighbours `near`, the path `path`. A node's `short` label is drawn,
    its whole `label` on hover. `left` counts each node's neighbours not drawn, by kind: the
    browser badges the node with the total and its context menu offers those kinds.
    """
    marked = set(marked)
    degree: dict[str, int] = defaultdict(int)
    for t in kept.edges:
        degree[t.s] += 1
        degree[t.o] += 1
    sides = (
        label_sides(kept, pos, sideways=layout != "grouped") if pos is not None else {}
    )  # blocks: no room beside
    near = {n for t in kept.edges for n in (t.s, t.o) if selected in (t.s, t.o)} | {selected}
    seeds = set(seeds)
    elements: list[dict] = []
    for iri, node in kept.nodes.items():
        classes = [f"k-{node.kind or 'Other'}"]
        if iri in seeds:
            classes.append("seed")
        if pos is not None and sides.get(iri):
            classes.append(sides[iri])
        if iri in near:
            classes.append("near")
        if iri in marked:
            classes.append("path")
        elif marked:
            classes.append("dim")
        more = kept.more.get(iri)
        el = {
            "data": {
                "id": iri,
                "label": shorten(node.label) + (f" (+{more} more)" if more else ""),
                "short": shorten(node.label, SHORT_CHARS),
                "kind": node.kind,
                "degree": degree[iri],
            },
            "classes": " ".join(classes),
        }
        if left is not None:  # always set: Cytoscape merges a redrawn node's data, keeping an old count
            by_kind = left.get(iri) or {}
            el["data"]["left"] = sum(by_kind.values())
            el["data"]["lk"] = dict(by_kind)
        if iri == selected:
            el["selected"] = True
        if pos is not None:
            x, y = pos[iri]
            el["position"] = {"x": round(x, 1), "y": round(y, 1)}
        elements.append(el)
    show_labels = len(kept.edges) <= EDGE_LABELS_UP_TO
    for t, link in kept.edges.items():
        classes = [_essential_class(link.essential)]
        if show_labels:
            classes.append("labelled")
        if t in marked:
            classes.append("path")
        elif marked:
            classes.append("dim")
        data = {"id": link_id(t), "source": t.s, "target": t.o, "label": shorten(link.label), "p": t.p}
        if link.essential is not None:
            data["essential"] = link.essential
        if link.source:
            data["src"] = link.source
        elements.append({"data": data, "classes": " ".join(classes)})
    return elements


def to_view(
    sub: Subgraph,
    *,
    layout: str = "force",
    selected: str | None = None,
    marked: Iterable = (),
    first: Iterable[str] = (),
    anchors: Sequence[str] = (),
    limit: int = MAX_ELEMENTS,
) -> View:
    """A view of a subgraph on its own (no URL state to keep positions for): capped, laid out around
    `anchors`, `first` nodes kept by the cap first."""
    kept, drawn, total = cap(sub, limit, first=[*([selected] if selected else []), *first])
    pos = positions(kept, layout, anchors)
    elements = to_elements(kept, pos, layout=layout, selected=selected, marked=marked, seeds=anchors)
    return View(elements, layout_options(), cut_note(drawn, total), kept)


def cut_note(drawn: int, total: int) -> str:
    """What a cut view says: how much of it is drawn."""
    return f"showing {drawn} of {total} elements — narrow the filters" if drawn < total else ""
