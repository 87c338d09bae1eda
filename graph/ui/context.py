"""What the callbacks of one app share (workspace, sandbox, caches), found through Flask's app context."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from flask import current_app

from graph.ui.view.kinds import kind_name
from graph.ui.view.subgraph import Node, Subgraph, subgraph_from_triples

CACHE_VIEWS, CACHE_TRIPLES = 64, 50_000
DEFAULT_SEED_ABOVE = 20_000  # entities: above this, a view without seeds starts from the curated roles


@dataclass
class Context:
    """The open workspace, the query sandbox and a small view cache of one app.

    The store does not change while the app runs, so the subgraph of a filter setting is computed
    once (bounded: CACHE_VIEWS settings, each under CACHE_TRIPLES triples).
    """

    ws: object
    sandbox: object
    default_seed_above: int = DEFAULT_SEED_ABOVE
    _views: OrderedDict = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _labels: dict | None = None
    _neighbours: OrderedDict = field(default_factory=OrderedDict)

    def labels(self) -> dict[str, Node]:
        """(label, kind name) of every entity, built once from the index (not per click)."""
        if self._labels is None:
            self._labels = {iri: Node(e.label, kind_name(e.kind)) for iri, e in self.ws.index.entries.items()}
        return self._labels

    def big(self) -> bool:
        """Whether the store is too big to draw without seeds."""
        return self.ws.entity_count > self.default_seed_above

    def subgraph(self, params: dict) -> Subgraph:
        """construct_subgraph for these parameters, parsed; a copy, so callers may change it."""
        key = json.dumps(params, sort_keys=True)
        with self._lock:
            hit = self._views.get(key)
            if hit is not None:
                self._views.move_to_end(key)
        if hit is None:
            result = self.ws.run("construct_subgraph", params)
            hit = subgraph_from_triples(result.triples)
            if len(result.triples) <= CACHE_TRIPLES:
                with self._lock:
                    self._views[key] = hit
                    while len(self._views) > CACHE_VIEWS:
                        self._views.popitem(last=False)
        return hit.copy()

    def neighbours(self, iris: list[str]) -> list[dict]:
        """neighbours.rq rows for some nodes, cached: expand and focus ask for the same ones again."""
        key = tuple(sorted(iris))
        with self._lock:
            hit = self._neighbours.get(key)
            if hit is not None:
                self._neighbours.move_to_end(key)
                return hit
        rows = self.ws.run("neighbours", {"node": list(key)}).dicts()
        with self._lock:
            self._neighbours[key] = rows
            while len(self._neighbours) > CACHE_VIEWS * 4:
                self._neighbours.popitem(last=False)
        return rows


def app_context() -> Context:
    """This app's workspace and sandbox."""
    return current_app.extensions["akg"]
