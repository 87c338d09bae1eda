"""What people in some roles must learn, from a workspace: credential paths, gaps, curricula, coverage."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from rdflib import URIRef

from graph import analysis, queries
from graph.network import canonical_items

if TYPE_CHECKING:
    from graph.curriculum import Plan, RoleCoverage
    from graph.workspace import Workspace


def credential_steps(ws: Workspace, role: str) -> list[analysis.CredentialStep]:
    """A role's credential path from credential_path.rq, grouped per credential."""
    rows = queries.run(ws.store, "credential_path", {"role": URIRef(role)})
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


def gap(ws: Workspace, a: str, b: str) -> analysis.Gap:
    """What a person in role a must add to reach role b."""
    return analysis.gap(ws.role_items_for([a, b]), a, b, credential_steps(ws, b))


def curriculum(ws: Workspace, roles: Sequence[str]) -> tuple[Plan, dict[str, str]]:
    """The plan for training people for some roles, and a label for every IRI it names."""
    from graph.curriculum import Prerequisite, plan

    roles = list(dict.fromkeys(roles))
    ri = ws.role_items_for(roles)
    canon = canonical_items(ws.item_mappings, set(ws.role_names))
    key = lambda iri: canon.get(str(iri), str(iri))  # noqa: E731
    members: dict[str, set[str]] = {}
    for role in roles:
        for item in ri.items_of(role):
            members.setdefault(item, {item})
    for original, rep in canon.items():
        if rep in members:
            members[rep].add(original)
    originals = sorted({m for ms in members.values() for m in ms})
    rows = queries.run(ws.store, "curriculum_prerequisites", {"item": [URIRef(i) for i in originals]})
    prerequisites = [
        Prerequisite(key(r[0]), key(r[1]), str(r[2]), str(r[3])) for r in rows.rows if key(r[0]) != key(r[1])
    ]
    labels = {r: ws.label(r) for r in roles}
    sources: dict[str, set[str]] = {}
    for r in queries.run(ws.store, "curriculum_sources", {"role": [URIRef(x) for x in roles]}).rows:
        sources.setdefault(key(r[1]), set()).add(str(r[2]))
        labels[str(r[2])] = str(r[3])
    steps, earned_by = [], {}
    for role in roles:
        for c in credential_steps(ws, role):
            c = replace(c, credential=key(c.credential))
            steps.append(c)
            earned_by.setdefault(c.credential, []).append(role)
            for x in (*c.bodies, *c.prerequisites, *c.requirements, *c.programs):
                labels.setdefault(x, ws.label(x))
    p = plan(
        ri,
        roles,
        prerequisites=prerequisites,
        credentials=steps,
        credential_roles=earned_by,
        sources={k: tuple(v) for k, v in sources.items()},
        labels=labels,
    )
    return p, labels


def coverage(
    ws: Workspace, roles: Sequence[str], taught: Iterable[str]
) -> tuple[list[RoleCoverage], tuple[str, ...], dict[str, str]]:
    """Per role, what a curriculum teaching `taught` covers; what no role needs; labels of all."""
    from graph.curriculum import coverage as role_coverage
    from graph.curriculum import not_needed

    canon = canonical_items(ws.item_mappings, set(ws.role_names))
    taught = [canon.get(t, t) for t in taught]
    plans, labels = [], {}
    for role in dict.fromkeys(roles):
        p, lab = curriculum(ws, [role])
        plans.append(p)
        labels.update(lab)
        labels.update({i.item: i.label for i in p.items})
    for t in taught:
        labels.setdefault(t, ws.label(t))
    return [role_coverage(p, taught) for p in plans], not_needed(plans, taught), labels
