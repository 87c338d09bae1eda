"""The plan for "I must train people for these roles": common core, shared and role modules, in learning order.

Pure: the plan is computed from a RoleItems projection, prerequisite edges (credential prerequisites
and requirements, programs before the credentials they prepare for, ESCO's broader skill before the
narrower one), the roles' credential steps and the sources of each link; small hand-built inputs test it.

Ordering: an item needed before another is pulled into the plan and into every role that needs the
later one, and counts as essential when what needs it is; then, inside each group, essential before
optional, prerequisites before what needs them, and the usual stages (education, training, skills, …
credentials) break ties.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import networkx as nx

from graph import cells
from graph.analysis import GAP_ORDER, CredentialStep
from graph.network import RoleItems

CORE, SHARED, ROLE = "common core", "shared by some roles", "role module"
#: where and with whom people work: facts about a role, not things a programme teaches
NOT_TAUGHT = ("workplaces", "collaborations")
PULLED_CATEGORY = "credentials"  # prerequisites pulled in from outside the roles' links are credentials


@dataclass(frozen=True)
class Prerequisite:
    """`before` must come before `item` in a programme, and why (from curriculum_prerequisites.rq)."""

    item: str
    before: str
    before_label: str
    reason: str


@dataclass(frozen=True)
class PlanItem:
    """One thing the programme teaches or prepares for, where it stands and why it is there."""

    order: int
    group: str  # CORE, SHARED or ROLE
    module: str  # "common core", "shared: a, b", or the role's label
    item: str
    label: str
    category: str
    essential: bool
    needed_by: tuple[str, ...]
    essential_for: tuple[str, ...]
    after: tuple[str, ...]  # plan items that come before this one (labels)
    sources: tuple[str, ...]
    note: str  # "needed before …" when a role needs it only because of what comes after it


@dataclass(frozen=True)
class CredentialPlan:
    """A credential the programme prepares for, who issues it, what it needs, and which roles earn it."""

    credential: str
    label: str
    bodies: tuple[str, ...]
    prerequisites: tuple[str, ...]
    requirements: tuple[str, ...]
    programs: tuple[str, ...]
    roles: tuple[str, ...]
    essential_for: tuple[str, ...]


@dataclass(frozen=True)
class Plan:
    """The curriculum for a set of roles: items in order, grouped, and the credentials."""

    roles: tuple[str, ...]
    items: tuple[PlanItem, ...]
    credentials: tuple[CredentialPlan, ...]

    def group(self, name: str) -> tuple[PlanItem, ...]:
        """The items of one group (CORE, SHARED or ROLE), in order."""
        return tuple(i for i in self.items if i.group == name)


def plan(
    ri: RoleItems,
    roles: Sequence[str],
    *,
    prerequisites: Iterable[Prerequisite] = (),
    credentials: Iterable[CredentialStep] = (),
    credential_roles: Mapping[str, Sequence[str]] | None = None,
    sources: Mapping[tuple[str, str], Sequence[str]] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Plan:
    """The plan for training people for `roles` (role IRIs, in the order given; duplicates dropped)."""
    targets = tuple(dict.fromkeys(roles))
    labels = dict(labels or {})
    need: dict[str, set[str]] = {}
    essential: dict[str, set[str]] = {}
    for role in targets:
        for item, ess in ri.items_of(role).items():
            if ri.category[item] in NOT_TAUGHT:
                continue
            need.setdefault(item, set()).add(role)
            if ess:
                essential.setdefault(item, set()).add(role)
    category = {i: ri.category[i] for i in need}
    label = {i: ri.label.get(i, labels.get(i, i)) for i in need}
    G = _prerequisite_graph(need, prerequisites, category, label)
    pulled = _propagate(G, need, essential)
    depth = _depth(G)
    n_roles = len(targets)
    rank = {c: n for n, c in enumerate(GAP_ORDER)}
    group_rank = {CORE: 0, SHARED: 1, ROLE: 2}
    role_pos = {r: n for n, r in enumerate(targets)}

    def group_of(item: str) -> tuple[str, str]:
        who = need[item]
        if len(who) == n_roles:
            return CORE, CORE
        if len(who) == 1:
            (role,) = who
            return ROLE, labels.get(role, role)
        return SHARED, "shared: " + ", ".join(labels.get(r, r) for r in sorted(who, key=role_pos.get))

    def key(item: str) -> tuple:
        g, _ = group_of(item)
        first_role = min(role_pos[r] for r in need[item])
        return (
            group_rank[g],
            first_role if g == ROLE else 0,
            group_of(item)[1] if g == SHARED else "",
            not essential.get(item),
            depth.get(item, 0),
            rank.get(category[item], len(rank)),
            label[item].casefold(),
            item,
        )

    ordered = sorted(need, key=key)
    items = []
    for n, item in enumerate(ordered, 1):
        g, module = group_of(item)
        items.append(
            PlanItem(
                n,
                g,
                module,
                item,
                label[item],
                category[item],
                bool(essential.get(item)),
                tuple(sorted(need[item], key=role_pos.get)),
                tuple(sorted(essential.get(item, ()), key=role_pos.get)),
                tuple(label[b] for b in sorted(G.predecessors(item), key=ordered.index) if b in need),
                tuple(sorted(set((sources or {}).get(item, ())))),
                f"needed before {label[pulled[item]]}" if item in pulled else "",
            )
        )
    return Plan(
        targets, tuple(items), _credentials(credentials, credential_roles, ordered, essential, role_pos)
    )


def _prerequisite_graph(
    need: dict[str, set[str]],
    prerequisites: Iterable[Prerequisite],
    category: dict[str, str],
    label: dict[str, str],
) -> nx.DiGraph:
    """Edges before -> item among plan items; credential prerequisites from outside are pulled in."""
    G = nx.DiGraph()
    G.add_nodes_from(need)
    edges = sorted(set(prerequisites), key=lambda p: (p.item, p.before, p.reason))
    changed = True
    while changed:  # a pulled-in prerequisite may have prerequisites of its own
        changed = False
        for p in edges:
            if p.item not in G or G.has_edge(p.before, p.item) or p.before == p.item:
                continue
            if p.before not in G:
                if p.reason != "prerequisite":
                    continue
                need[p.before] = set()
                category[p.before] = PULLED_CATEGORY
                label[p.before] = p.before_label
            G.add_edge(p.before, p.item, reason=p.reason)
            changed = True
    return G


def _propagate(G: nx.DiGraph, need: dict[str, set[str]], essential: dict[str, set[str]]) -> dict[str, str]:
    """A prerequisite is needed by every role that needs what comes after it, and essential where that is.

    Returns, for each item some role needs only because of what comes after it, that later item.
    """
    pulled_by: dict[str, str] = {}
    order = list(nx.lexicographical_topological_sort(G)) if nx.is_directed_acyclic_graph(G) else sorted(G)
    for item in reversed(order):  # from what is learnt last back to its prerequisites
        for before in sorted(G.predecessors(item)):
            if not need[item] <= need[before]:
                pulled_by.setdefault(before, item)
            need[before] |= need[item]
            if essential.get(item):
                essential.setdefault(before, set()).update(essential[item])
    return pulled_by


def _depth(G: nx.DiGraph) -> dict[str, int]:
    """How many steps of prerequisites stand before each item (cycles count as one step)."""
    C = nx.condensation(G)
    depth: dict[int, int] = {}
    for c in nx.topological_sort(C):
        depth[c] = max((depth[p] + 1 for p in C.predecessors(c)), default=0)
    return {n: depth[C.graph["mapping"][n]] for n in G}


def _credentials(
    steps: Iterable[CredentialStep],
    roles_of: Mapping[str, Sequence[str]] | None,
    ordered: list[str],
    essential: dict[str, set[str]],
    role_pos: dict[str, int],
) -> tuple[CredentialPlan, ...]:
    merged: dict[str, CredentialStep] = {}
    for s in steps:
        merged.setdefault(s.credential, s)
    pos = {item: n for n, item in enumerate(ordered)}
    out = []
    for iri in sorted(merged, key=lambda c: (pos.get(c, len(pos)), c)):
        s = merged[iri]
        who = tuple(sorted((roles_of or {}).get(iri, ()), key=lambda r: role_pos.get(r, 0)))
        out.append(
            CredentialPlan(
                iri,
                s.label,
                s.bodies,
                s.prerequisites,
                s.requirements,
                s.programs,
                who,
                tuple(sorted(essential.get(iri, ()), key=lambda r: role_pos.get(r, 0))),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- the brief


COLUMNS = ("step", "module", "category", "item", "need", "needed_by", "comes_after", "source", "iri")


def rows(p: Plan, label: Mapping[str, str]) -> list[tuple[object, ...]]:
    """The plan as table rows (COLUMNS), names for people."""
    name = lambda x: label.get(x, x)  # noqa: E731
    return [
        (
            i.order,
            i.module,
            i.category,
            i.label,
            ("essential" if i.essential else "optional") + (f" ({i.note})" if i.note else ""),
            ", ".join(map(name, i.needed_by)),
            "; ".join(i.after),
            "; ".join(map(name, i.sources)),
            i.item,
        )
        for i in p.items
    ]


def to_csv(p: Plan, label: Mapping[str, str]) -> str:
    """The plan as CSV, one row per item, for a spreadsheet."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(COLUMNS)
    w.writerows(cells.row(r) for r in rows(p, label))  # labels that begin with = open as text
    return buf.getvalue()


def to_markdown(p: Plan, label: Mapping[str, str]) -> str:
    """The plan as a Markdown brief a designer can hand to colleagues."""
    name = lambda x: label.get(x, x)  # noqa: E731
    esc = lambda s: str(s).replace("|", "\\|")  # noqa: E731
    out = [f"# Curriculum for {', '.join(map(name, p.roles))}", ""]
    counts = {g: len(p.group(g)) for g in (CORE, SHARED, ROLE)}
    out.append(
        f"{len(p.items)} items: {counts[CORE]} in the common core, {counts[SHARED]} shared by some roles, "
        f"{counts[ROLE]} in role modules. Essential items come first in each module, and what must be "
        "learnt or earned first comes before what needs it."
    )
    module = None
    for i in p.items:
        if i.module != module:
            module = i.module
            title = module if i.group != ROLE else f"module for {module}"
            out += [
                "",
                f"## {title[0].upper() + title[1:]}",
                "",
                "| step | item | category | need | comes after | source |",
            ]
            out.append("| --- | --- | --- | --- | --- | --- |")
        need = "essential" if i.essential else "optional"
        if i.note:
            need += f" ({i.note})"
        out.append(
            f"| {i.order} | {esc(i.label)} | {i.category} | {esc(need)} | {esc('; '.join(i.after))} | "
            f"{esc('; '.join(map(name, i.sources)))} |"
        )
    if p.credentials:
        out += ["", "## Credentials the programme prepares for", ""]
        for c in p.credentials:
            bodies = ", ".join(map(name, c.bodies)) or "no issuing body recorded"
            needs = "; ".join(map(name, (*c.prerequisites, *c.requirements))) or "nothing recorded"
            roles = ", ".join(map(name, c.roles))
            ess = f"; essential for {', '.join(map(name, c.essential_for))}" if c.essential_for else ""
            out.append(f"- **{esc(c.label)}**: issued by {bodies}; requires {needs}; for {roles}{ess}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- coverage of a designer's curriculum


@dataclass(frozen=True)
class RoleCoverage:
    """How much of one role's plan a curriculum teaches: essential items covered, missing (in order)."""

    role: str
    essential: tuple[str, ...]
    covered: tuple[str, ...]
    missing: tuple[str, ...]
    optional_covered: tuple[str, ...]

    @property
    def share(self) -> float:
        """Covered essential items over all essential items (0 when the role has none)."""
        return len(self.covered) / len(self.essential) if self.essential else 0.0


def coverage(role_plan: Plan, taught: Iterable[str]) -> RoleCoverage:
    """What a curriculum teaching `taught` covers of one role's plan (its items in learning order)."""
    taught = set(taught)
    essential = tuple(i.item for i in role_plan.items if i.essential)
    return RoleCoverage(
        role_plan.roles[0],
        essential,
        tuple(i for i in essential if i in taught),
        tuple(i for i in essential if i not in taught),
        tuple(i.item for i in role_plan.items if not i.essential and i.item in taught),
    )


def not_needed(plans: Iterable[Plan], taught: Iterable[str]) -> tuple[str, ...]:
    """What the curriculum teaches that no target role's plan holds, in the order taught."""
    needed = {i.item for p in plans for i in p.items}
    return tuple(t for t in dict.fromkeys(taught) if t not in needed)
