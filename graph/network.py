"""SPARQL rows to NetworkX graphs and sparse matrices: the projections the analytics work on.

Nothing here queries a store: functions take the rows of catalogue queries and return new values.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from graph.stores import Result
from graph.terms import AKGR, SKOS

if TYPE_CHECKING:  # NumPy, SciPy and NetworkX load only when a projection needs them
    import networkx as nx
    from scipy import sparse

# A category of item that describes the item better than "skills" wins when ESCO skills are merged in.
_GENERIC_CATEGORIES = ("skills", "tools", "technology")
#: SKOS relations that make two items one (exact, close) and those that only link them (partial credit)
SAME = (str(SKOS.exactMatch), str(SKOS.closeMatch))
PARTIAL = {
    str(SKOS.broadMatch): "broader",
    str(SKOS.narrowMatch): "narrower",
    str(SKOS.relatedMatch): "related",
}
#: a partial link read from the other end: A broadMatch B (B broader) is B narrower-than A
_REVERSE = {"broader": "narrower", "narrower": "broader", "related": "related"}


@dataclass(frozen=True)
class RoleItems:
    """Which items each role needs, essential or not, with items merged across frameworks by SKOS matches."""

    roles: tuple[str, ...]
    items: tuple[str, ...]
    category: dict[str, str]
    label: dict[str, str]
    links: dict[str, dict[str, bool]]
    #: item -> {other item: "broader" | "narrower" | "related"} (how the other stands to it), from SKOS matches
    partial: dict[str, dict[str, str]] = field(default_factory=dict)

    def items_of(
        self, role: str, *, category: str | None = None, essential_only: bool = False
    ) -> dict[str, bool]:
        """A role's items (item -> essential), optionally of one category or essential only."""
        return {
            item: ess
            for item, ess in self.links.get(role, {}).items()
            if (category is None or self.category[item] == category) and (ess or not essential_only)
        }

    def categories(self) -> list[str]:
        """The categories present, in a stable order."""
        return sorted(set(self.category.values()))


def canonical_items(mapping_rows: Result | None, roles: set[str]) -> dict[str, str]:
    """Merge items that SKOS exact/close matches say are the same, roles excepted: item -> representative."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    curated: dict[str, bool] = {}
    for row in _in_order(mapping_rows) if mapping_rows else ():  # sorted: never row order
        if str(row[2]) not in SAME:
            continue
        a, b = str(row[0]), str(row[1])
        if a in roles or b in roles:
            continue
        ra, rb = find(a), find(b)
        ca, cb = curated.get(ra, _ours(a)), curated.get(rb, _ours(b))
        if ra == rb or (ca and cb):  # two curated items stay distinct even if they map to one concept
            continue
        # the external standard's IRI represents the group, so curated items meet imported ones
        keep, drop = (rb, ra) if _ours(ra) else (ra, rb)
        parent[drop] = keep
        curated[keep] = ca or cb
    return {x: find(x) for x in parent}


Rows = Result | Sequence[Sequence[object]]  # a Result's terms, or Store.strings' lexical forms


def _in_order(rows: Rows) -> list[tuple]:
    """Rows sorted by their text: stores return rows in no fixed order, and first-seen choices must not vary."""
    return sorted(
        rows.rows if isinstance(rows, Result) else rows,
        key=lambda row: tuple("" if v is None else str(v) for v in row),
    )


def _flag(value: object) -> bool:
    """An xsd:boolean as a term or as its lexical form ("true" or "1"), as rdflib's toPython reads it."""
    return str(value).lower() in ("true", "1")


def _ours(iri: str) -> bool:
    """Curated (akgr:), not imported: O*NET tasks, tools and technologies live under aesthetics-kg/onet/."""
    return iri.startswith(str(AKGR))


def _rank(category: str) -> tuple[bool, str]:
    """Specific categories (procedures, duties, …) before generic ones (skills, tools, technology)."""
    return (category in _GENERIC_CATEGORIES, category)


def partial_links(mapping_rows: Result | None, canon: dict[str, str]) -> dict[str, dict[str, str]]:
    """Broad, narrow and related matches between items, both ways round, on canonical items."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for row in sorted(
        mapping_rows.rows if mapping_rows else (), key=lambda r: (str(r[0]), str(r[1]), str(r[2]))
    ):
        kind = PARTIAL.get(str(row[2]))
        if kind is None:
            continue
        a, b = canon.get(str(row[0]), str(row[0])), canon.get(str(row[1]), str(row[1]))
        if a != b:
            out[a].setdefault(b, kind)
            out[b].setdefault(a, _REVERSE[kind])
    return out


def role_items(rows: Rows, mapping_rows: Result | None = None) -> RoleItems:
    """Build RoleItems from role_items.rq rows (role, category, item, itemLabel, essential)."""
    ordered = _in_order(rows)
    roles = {str(r[0]) for r in ordered}
    canon = canonical_items(mapping_rows, roles)
    links: dict[str, dict[str, bool]] = defaultdict(dict)
    category: dict[str, str] = {}
    label: dict[str, str] = {}
    fixed: set[str] = set()
    fixed_label: set[str] = set()
    for role, cat, item, item_label, essential in ordered:
        key = canon.get(str(item), str(item))
        ess = essential is not None and _flag(essential)
        links[str(role)][key] = links[str(role)].get(key, False) or ess
        cat = str(cat)
        # a merged group takes its curated member's category, else the most specific one: never row order
        if _ours(str(item)):
            category[key] = cat
            fixed.add(key)
        elif key not in fixed and (key not in category or _rank(cat) < _rank(category[key])):
            category[key] = cat
        if item_label is not None and key not in fixed_label:
            if _ours(str(item)):  # a merged group is named by its curated member
                label[key] = str(item_label)
                fixed_label.add(key)
            elif key not in label or str(item_label) < label[key]:
                label[key] = str(item_label)
    items = tuple(sorted(category))
    partial = {
        i: {o: k for o, k in sorted(others.items()) if o in category}
        for i, others in sorted(partial_links(mapping_rows, canon).items())
        if i in category
    }
    return RoleItems(
        tuple(sorted(links)),
        items,
        category,
        label,
        {r: dict(v) for r, v in links.items()},
        {i: o for i, o in partial.items() if o},
    )


def incidence(
    ri: RoleItems, roles: tuple[str, ...], *, category: str | None = None, essential_only: bool = False
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """Roles x items presence and essential matrices (0/1, sparse), for overlap at any scale."""
    import numpy as np
    from scipy import sparse

    col = {item: j for j, item in enumerate(ri.items)}
    r_idx, c_idx, ess = [], [], []
    for i, role in enumerate(roles):
        for item, e in ri.items_of(role, category=category, essential_only=essential_only).items():
            r_idx.append(i)
            c_idx.append(col[item])
            ess.append(1.0 if e else 0.0)
    shape = (len(roles), len(ri.items))
    presence = sparse.csr_matrix((np.ones(len(r_idx)), (r_idx, c_idx)), shape=shape)
    essential = sparse.csr_matrix((np.array(ess), (r_idx, c_idx)), shape=shape)
    essential.eliminate_zeros()
    return presence, essential


def role_item_graph(ri: RoleItems) -> nx.Graph:
    """The bipartite role-item graph: nodes typed role or item, edges marked essential."""
    import networkx as nx

    G = nx.Graph()
    for role, items in ri.links.items():
        G.add_node(role, type="role")
        for item, ess in items.items():
            G.add_node(item, type="item", category=ri.category[item], label=ri.label.get(item, item))
            G.add_edge(role, item, essential=ess)
    return G


def entity_graph(rows: Rows) -> nx.MultiDiGraph:
    """Entity links from entity_edges.rq rows (s, p, o, propertyLabel, essential), keyed by predicate."""
    import networkx as nx

    G = nx.MultiDiGraph()
    for s, p, o, plabel, essential in _in_order(rows):
        G.add_edge(
            str(s),
            str(o),
            key=str(p),
            label=str(plabel) if plabel is not None else str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1],
            essential=None if essential is None else _flag(essential),
        )
    return G
