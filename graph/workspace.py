"""A store with the projections derived from it, built once and shared by the CLI, the app and benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from functools import cached_property

import networkx as nx
from rdflib import URIRef

from graph import analysis, queries
from graph.network import RoleItems, entity_graph, role_items
from graph.resolve import EntityIndex, build_index, resolve
from graph.store import Result, Store, StoreSpec, open_store
from graph.terms import AKG


class Workspace:
    """One open store and its cached projections; projections are built on first use, not per click."""

    def __init__(self, store: Store, spec: StoreSpec | None = None):
        self.store = store
        self.spec = spec
        self._lock = threading.RLock()

    @classmethod
    def open(cls, spec: StoreSpec | None = None) -> Workspace:
        """Open the store a spec names and wrap it."""
        spec = spec or StoreSpec()
        return cls(open_store(spec), spec)

    def run(self, name: str, params: Mapping[str, object] | None = None) -> Result:
        """Run a catalogue query; IRI parameters may also be labels, synonyms or CURIEs."""
        return queries.run(self.store, name, params, resolve=self.resolve)

    def resolve(self, name: str, kinds: tuple[str, ...] | None = None) -> URIRef:
        """The entity a name means (IRI, CURIE, label or synonym), or a ResolveError with suggestions."""
        return resolve(self.index, name, kinds=kinds)

    def resolve_role(self, name: str) -> URIRef:
        """The role a name means."""
        return self.resolve(name, (str(AKG.Role),))

    @cached_property
    def index(self) -> EntityIndex:
        """Every entity by IRI and name."""
        with self._lock:
            return build_index(queries.run(self.store, "entity_index"))

    @cached_property
    def role_items(self) -> RoleItems:
        """Every role's items, merged across frameworks by SKOS matches."""
        with self._lock:
            return role_items(queries.run(self.store, "role_items"), queries.run(self.store, "item_mappings"))

    @cached_property
    def entity_graph(self) -> nx.MultiDiGraph:
        """Every link between entities, for paths."""
        with self._lock:
            return entity_graph(queries.run(self.store, "entity_edges"))

    def label(self, iri: str) -> str:
        """A person's name for an IRI."""
        return self.index.label(iri)

    def credential_steps(self, role: str) -> list[analysis.CredentialStep]:
        """A role's credential path from credential_path.rq, grouped per credential."""
        rows = queries.run(self.store, "credential_path", {"role": URIRef(role)})
        grouped: dict[str, dict] = {}
        for r in rows.dicts():
            c = grouped.setdefault(
                str(r["credential"]),
                {
                    "label": str(r["credentialLabel"]),
                    "essential": bool(r["essential"].toPython()),
                    "bodies": set(),
                    "prerequisites": set(),
                    "requirements": set(),
                    "programs": set(),
                },
            )
            for key, var in (
                ("bodies", "body"),
                ("prerequisites", "prerequisite"),
                ("requirements", "requirement"),
                ("programs", "program"),
            ):
                if r[var] is not None:
                    c[key].add(str(r[var]))
        return [
            analysis.CredentialStep(
                iri,
                c["label"],
                c["essential"],
                *(tuple(sorted(c[k])) for k in ("bodies", "prerequisites", "requirements", "programs")),
            )
            for iri, c in grouped.items()
        ]

    def gap(self, a: str, b: str) -> analysis.Gap:
        """What a person in role a must add to reach role b."""
        return analysis.gap(self.role_items, a, b, self.credential_steps(b))

    def curated_roles(self) -> list[str]:
        """The roles of the curated graph (not imported frameworks), for default views."""
        return [r for r in self.role_items.roles if r.startswith("https://w3id.org/aesthetics-kg/resource/")]
