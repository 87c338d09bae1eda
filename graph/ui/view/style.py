"""The look of the graph: Cytoscape stylesheet and the legend's swatches (pure data)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from graph.ui.view.kinds import KINDS, OTHER

NODE_FONT, ROLE_FONT = 12, 19  # px at zoom 1: a node's label, a role's
LABEL_WIDTH = 120  # px a node's label wraps at


def stylesheet() -> list[dict]:
    """Colour and shape by kind; essential links thick and solid, optional thin and dashed."""
    base = [
        {
            "selector": "node",
            "style": {
                "label": "data(short)",
                "font-size": NODE_FONT,
                "text-wrap": "wrap",
                "text-max-width": LABEL_WIDTH,
                "text-valign": "bottom",
                "text-margin-y": 4,
                "width": 26,
                "height": 26,
                "border-width": 1,
                "border-color": "#ffffff",
                "min-zoomed-font-size": 0,
                "color": "#222",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.7,
                "text-background-padding": 1,
            },
        },
        {
            "selector": "node.k-Role",
            "style": {
                "width": 42,
                "height": 42,
                "font-size": ROLE_FONT,
                "font-weight": "bold",
                "text-max-width": 170,
            },
        },
        {"selector": "node.lbl-t", "style": {"text-valign": "top", "text-margin-y": -4}},
        {
            "selector": "node.lbl-l",
            "style": {
                "text-halign": "left",
                "text-valign": "center",
                "text-margin-x": -6,
                "text-margin-y": 0,
            },
        },
        {
            "selector": "node.lbl-r",
            "style": {
                "text-halign": "right",
                "text-valign": "center",
                "text-margin-x": 6,
                "text-margin-y": 0,
            },
        },
        {"selector": "node.near", "style": {"z-index": 5}},
        {"selector": "node.seed", "style": {"font-weight": "bold"}},
        {
            "selector": "edge",
            "style": {
                "curve-style": "bezier",
                "target-arrow-shape": "triangle",
                "arrow-scale": 0.8,
                "line-color": "#9aa3ad",
                "target-arrow-color": "#9aa3ad",
                "width": 1.2,
                "font-size": 11,
                "color": "#333",
                "text-rotation": "autorotate",
                "text-background-color": "#ffffff",
                "text-background-opacity": 0.85,
                "text-background-padding": 2,
            },
        },
        {
            "selector": "edge.essential",
            "style": {"width": 3.2, "line-color": "#3b4a5a", "target-arrow-color": "#3b4a5a"},
        },
        {
            "selector": "edge.optional",
            "style": {"width": 1.4, "line-style": "dashed", "line-dash-pattern": [6, 4]},
        },
        {
            "selector": "edge.labelled, edge:selected, edge.hover, edge.near",
            "style": {"label": "data(label)"},
        },
        {
            "selector": "node:selected",
            "style": {"border-width": 4, "border-color": "#111", "overlay-opacity": 0.1},
        },
        {"selector": "edge:selected", "style": {"line-color": "#111", "target-arrow-color": "#111"}},
        {"selector": ".dim", "style": {"opacity": 0.15}},
        {  # the path's nodes read at the view's zoom, above what is dimmed
            "selector": "node.path",
            "style": {"border-width": 4, "border-color": "#e6007e", "z-index": 6},
        },
        {
            "selector": "edge.path",
            "style": {
                "line-color": "#e6007e",
                "target-arrow-color": "#e6007e",
                "width": 4,
                "label": "data(label)",
            },
        },
        {"selector": ".path.unchosen", "style": {"opacity": 0.3}},
        {  # the path chosen in the finder's list, above the other paths
            "selector": "edge.chosen",
            "style": {"line-color": "#e6007e", "target-arrow-color": "#e6007e", "width": 5, "z-index": 8},
        },
        {"selector": "node.chosen", "style": {"border-width": 5, "border-color": "#e6007e", "z-index": 8}},
        # labels that would cover a node or a label of higher priority: hidden by the browser (graph-labels.js)
        {"selector": ".lbl-off", "style": {"text-opacity": 0, "text-background-opacity": 0}},
        {"selector": ".faded", "style": {"opacity": 0.25}},
        {
            "selector": "edge.hl",
            "style": {"line-color": "#1f6fb4", "target-arrow-color": "#1f6fb4", "z-index": 9},
        },
        {"selector": "node.hl", "style": {"text-opacity": 1, "text-background-opacity": 0.85, "z-index": 9}},
        {  # a link under the pointer, or a link of the node under it: its label, even a hidden one
            "selector": "edge.hover, edge.hl",
            "style": {"label": "data(label)", "text-opacity": 1, "text-background-opacity": 0.85},
        },
        {  # the node under the pointer: its whole label, above the rest
            "selector": "node.hover",
            "style": {
                "label": "data(label)",
                "text-opacity": 1,
                "text-background-opacity": 0.95,
                "z-index": 20,
                "overlay-opacity": 0.08,
            },
        },
    ]
    for name, kind in [*KINDS.items(), ("Other", OTHER)]:
        base.insert(
            1, {"selector": f"node.k-{name}", "style": {"background-color": kind.colour, "shape": kind.shape}}
        )
    return base


# CSS clip-paths that draw the legend swatches in the same shapes as the graph.
_CLIP = {
    "ellipse": "circle(50%)",
    "diamond": "polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "round-diamond": "polygon(50% 0,100% 50%,50% 100%,0 50%)",
    "triangle": "polygon(50% 0,100% 100%,0 100%)",
    "round-triangle": "polygon(50% 0,100% 100%,0 100%)",
    "star": "polygon(50% 0,61% 35%,98% 35%,68% 57%,79% 91%,50% 70%,21% 91%,32% 57%,2% 35%,39% 35%)",
    "hexagon": "polygon(25% 5%,75% 5%,100% 50%,75% 95%,25% 95%,0 50%)",
    "octagon": "polygon(30% 0,70% 0,100% 30%,100% 70%,70% 100%,30% 100%,0 70%,0 30%)",
    "pentagon": "polygon(50% 0,100% 38%,82% 100%,18% 100%,0 38%)",
    "round-pentagon": "polygon(50% 0,100% 38%,82% 100%,18% 100%,0 38%)",
    "heptagon": "polygon(50% 0,90% 20%,100% 60%,75% 100%,25% 100%,0 60%,10% 20%)",
    "tag": "polygon(0 0,70% 0,100% 50%,70% 100%,0 100%)",
    "vee": "polygon(0 0,50% 40%,100% 0,50% 100%)",
    "rhomboid": "polygon(25% 0,100% 0,75% 100%,0 100%)",
    "cut-rectangle": "polygon(20% 0,80% 0,100% 20%,100% 80%,80% 100%,20% 100%,0 80%,0 20%)",
    "barrel": "inset(0 round 30% / 15%)",
    "round-rectangle": "inset(0 round 25%)",
    "rectangle": "inset(0)",
}


class LegendEntry(NamedTuple):
    """One kind in the legend: its local name, label, colour and the CSS clip-path of its shape."""

    kind: str
    label: str
    colour: str
    clip: str


def legend(kinds_present: Iterable[str] | None = None) -> list[LegendEntry]:
    """Legend entries for the kinds drawn, in the palette's order."""
    present = set(kinds_present) if kinds_present is not None else set(KINDS)
    return [
        LegendEntry(name, k.label, k.colour, _CLIP.get(k.shape, "circle(50%)"))
        for name, k in [*KINDS.items(), ("Other", OTHER)]
        if name in present
    ]
