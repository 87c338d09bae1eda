"""The explorer's tabs. Adding a tab: a line here, graph/ui/layout/<name>_tab.py with `panel(c)`, and
graph/ui/callbacks/<name>_tab.py with its callbacks (both found by name)."""

from __future__ import annotations

from typing import NamedTuple


class Tab(NamedTuple):
    """A tab: its name (in the URL, module and component ids) and its label."""

    name: str
    label: str
    lazy: bool = True  # built when first opened, so its components' code loads then (plotly, AG Grid)


TABS: tuple[Tab, ...] = (
    Tab("graph", "Graph", lazy=False),
    Tab("sparql", "SPARQL"),
    Tab("overlap", "Overlap & gap"),
    Tab("curriculum", "Curriculum"),
    Tab("transitions", "Transitions"),
)
TAB_NAMES = tuple(t.name for t in TABS)
