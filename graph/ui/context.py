"""What the callbacks of one app share (workspace, sandbox, caches), found through Flask's app context."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import current_app

from graph import queries
from graph.ui.view.kinds import kind_name
from graph.ui.view.subgraph import Node, Subgraph, subgraph_from_triples

CACHE_VIEWS, CACHE_TRIPLES = 64, 50_000
PER_SEED = 12  # up to this many seeds, each seed's links are asked for (and kept) on their own
DEFAULT_SEED_ABOVE = 20_000  # entities: above this, a view without seeds starts from the curated roles

T = TypeVar("T")


class Lru(Generic[T]):
    """A bounded, thread-safe memo: the store is read-only, so an answer stays right until evicted."""

    def __init__(self, size: int):
        self.size, self._items, self._lock = size, OrderedDict(), threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T], keep: Callable[[T], bool] = lambda _v: True) -> T:
        """The remembered value for `key`, else `make()` (remembered when `keep` says so)."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = make()  # outside the lock: two first calls may both compute, neither waits
        if keep(value):
            with self._lock:
                self._items[key] = value
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        return value

    def peek(self, key: Hashable) -> T | None:
        """The remembered value for `key`, or None: never computes."""
        with self._lock:
            return self._items.get(key)


@dataclass
class Context:
    """The open workspace, the query sandbox and a small view cache of one app.

    The store does not change while the app runs, so the subgraph of a filter setting is computed
    once (bounded: CACHE_VIEWS settings, each under CACHE_TRIPLES triples).
    """

    ws: object
    sandbox: object
    default_seed_above: int = DEFAULT_SEED_ABOVE
    _subgraphs: Lru = field(default_factory=lambda: Lru(CACHE_VIEWS))
    _seed_triples: Lru = field(default_factory=lambda: Lru(CACHE_VIEWS * 4))
    _neighbours: Lru = field(default_factory=lambda: Lru(CACHE_VIEWS * 4))
    _views: Lru = field(default_factory=lambda: Lru(CACHE_VIEWS))
    _labels: dict | None = None

    def labels(self) -> dict[str, Node]:
        """(label, kind name) of every entity, built once from the index (not per click)."""
        if self._labels is None:
            names: dict = {}  # a few kinds for 64k entities: name each kind once
            self._labels = {
                iri: Node(e.label, names.get(e.kind) or names.setdefault(e.kind, kind_name(e.kind)))
                for iri, e in self.ws.index.entries.items()
            }
        return self._labels

    def big(self) -> bool:
        """Whether the store is too big to draw without seeds."""
        return self.ws.entity_count > self.default_seed_above

    def subgraph(self, params: dict) -> Subgraph:
        """construct_subgraph for these parameters, parsed; a copy, so callers may change it."""

        def make() -> tuple[Subgraph, bool]:
            triples = self.triples(params)
            return subgraph_from_triples(triples), len(triples) <= CACHE_TRIPLES

        hit, _ = self._subgraphs.get(json.dumps(params, sort_keys=True), make, keep=lambda v: v[1])
        return hit.copy()

    def triples(self, params: dict) -> list[tuple]:
        """construct_subgraph's triples for these parameters. A few seeds' are the union of each seed's
        own (its VALUES rows are independent solutions), each asked for once and kept: ticking a role
        asks only for that role's links (50-126 ms for three or four roles on ESCO + O*NET, ~20 for one)."""
        seeds = params.get("seed") or []
        if not 0 < len(seeds) <= PER_SEED:
            return list(self.ws.run("construct_subgraph", params).triples)
        union: set[tuple] = set()
        for seed in sorted(seeds):
            one = {**params, "seed": [seed]}
            union.update(
                self._seed_triples.get(
                    json.dumps(one, sort_keys=True),
                    lambda one=one: tuple(self.ws.run("construct_subgraph", one).triples),
                    keep=lambda t: len(t) <= CACHE_TRIPLES,
                )
            )
        return sorted(union, key=lambda t: tuple(map(str, t)))  # never hash order

    def neighbours(self, iris: list[str]) -> list[dict]:
        """neighbours.rq rows for some nodes as plain strings (no rdflib term per value: a third of a
        focus at depth 2's 2,700 rows), cached: expand and focus ask for the same ones again."""
        key = tuple(sorted(iris))

        return self._neighbours.get(
            key,
            lambda: queries.string_dicts(
                self.ws.store, "neighbours", {"node": list(key)}, resolve=self.ws.resolve
            ),
        )

    def view(self, key: Hashable, make: Callable[[], T]) -> T:
        """A drawn view, by its whole state: a Back, a reload or a second visitor is not laid out again."""
        return self._views.get(key, make)

    def peek_view(self, key: Hashable):
        """A drawn view if it is in the cache, else None (the page's first view never waits for one)."""
        return self._views.peek(key)


def app_context() -> Context:
    """This app's workspace and sandbox."""
    return current_app.extensions["akg"]
