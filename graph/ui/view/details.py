"""The detail panel of a node: properties, sources and neighbours from node_properties rows (pure)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from rdflib import RDF, RDFS, Literal, URIRef

from graph.terms import DCTERMS, SKOS, best_labels, curie
from graph.ui.view.kinds import kind_style
from graph.ui.view.subgraph import as_bool


def safe_href(iri: str) -> str | None:
    """An IRI usable as a link: http(s) only; anything else (javascript:, data:, urn:) stays text."""
    text = str(iri).strip()
    lowered = text.lower()
    if not lowered.startswith(("http://", "https://")) or any(c in text for c in "\"'<> \t\n\r"):
        return None
    return text


@dataclass(frozen=True)
class Value:
    """One value in the detail panel: its text, a safe link or None, and the entity it names if any."""

    text: str
    href: str | None = None
    entity: str | None = None
    essential: bool | None = None  # for a neighbour: is its link essential (None: not said)
    source: str | None = None  # for a neighbour: who states the link (label)


class NeighbourGroup(NamedTuple):
    """The neighbours one relation reaches, of one kind: read as "<node> <relation> <neighbour>"."""

    relation: str
    kind: str
    values: list[Value]


@dataclass(frozen=True)
class Details:
    """A node's panel: its properties, its sources, its neighbours grouped by relation."""

    iri: str
    label: str
    kind: str
    properties: list[tuple[str, list[Value]]]
    sources: list[Value]
    neighbours: list[NeighbourGroup]


_SOURCE_PROPS = {str(DCTERMS.source), "http://www.w3.org/ns/prov#wasDerivedFrom"}
_LABEL_PROPS = {str(SKOS.prefLabel), str(RDFS.label)}


def _pretty_prop(iri: str, label: object) -> str:
    """A property's label, or its local name in words: altLabel -> alt label."""
    if label is not None:
        return str(label)
    local = str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() if local else curie(str(iri))


def details(
    iri: str, label: str, kind: str, rows: Iterable[Mapping], entities: Mapping[str, object]
) -> Details:
    """Group node_properties rows: literal and external values as properties, entity links as neighbours.

    `entities` is the set (or index) of known entity IRIs: a value in it is a neighbour, drawn
    as a name to click; other IRIs are external links (http/https only) or plain text.
    """
    props: dict[str, list[Value]] = defaultdict(list)
    neigh: dict[str, list[Value]] = defaultdict(list)
    sources: list[Value] = []
    seen: set = set()
    rows = list(rows)
    # a value with labels in several languages comes in several rows: it is named by one (terms.label_key)
    named = best_labels((r["value"], r["valueLabel"]) for r in rows if r.get("valueLabel") is not None)
    for r in rows:
        direction, prop, value = str(r["direction"]), str(r["property"]), r["value"]
        key = (direction, prop, str(value))
        if key in seen:
            continue
        seen.add(key)
        value_label = named.get(str(value))
        name = _pretty_prop(prop, r.get("propertyLabel"))
        if isinstance(value, URIRef) or (value is not None and not isinstance(value, Literal)):
            text = str(value_label) if value_label is not None else curie(str(value))
            if prop in _SOURCE_PROPS and direction == "out":
                sources.append(Value(text, safe_href(str(value))))
            elif str(value) in entities:
                inverse = r.get("inverseLabel")
                rel = (
                    name
                    if direction == "out"
                    else (str(inverse) if inverse is not None else f"{name} (from)")
                )
                src = r.get("sourceLabel") or r.get("source")
                neigh[(rel, _kind_of(entities, str(value)))].append(
                    Value(
                        text,
                        None,
                        str(value),
                        as_bool(r.get("essential")),
                        str(src) if src is not None else None,
                    )
                )
            elif prop == str(RDF.type):
                props["type"].append(Value(curie(str(value))))
            else:
                props[name].append(Value(text, safe_href(str(value))))
        elif (direction == "out" and prop not in _LABEL_PROPS) or direction == "out":
            props[name].append(Value(str(value)))
    return Details(
        iri,
        label,
        kind,
        sorted(props.items()),
        sources,
        [
            NeighbourGroup(rel, kind, sorted(v, key=lambda x: (x.text.lower(), x.entity or "")))
            for (rel, kind), v in sorted(neigh.items())
        ],
    )


def _kind_of(entities: Mapping[str, object] | set, iri: str) -> str:
    """The kind label of a known entity ('' when the index does not say)."""
    entry = entities.get(iri) if isinstance(entities, Mapping) else None
    return kind_style(getattr(entry, "kind", None)).label if getattr(entry, "kind", None) else ""
