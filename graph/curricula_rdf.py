"""A curriculum as RDF quads in its own named graph, and back (the vocabulary: graph.curricula)."""

from __future__ import annotations

import pyoxigraph as ox

from graph import limits
from graph.curricula_model import (
    AKG,
    BASE,
    DCT,
    DECISIONS,
    RDF_TYPE,
    XSD,
    Curriculum,
    CurriculumError,
    Decision,
    Outcome,
    new_id,
)


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_n(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_n(XSD + "double"))
    return ox.Literal(str(value))


def to_quads(c: Curriculum) -> list[ox.Quad]:
    """A curriculum as quads in its own named graph."""
    g = _n(c.iri)
    me = _n(c.iri)
    q = [
        ox.Quad(me, _n(RDF_TYPE), _n(AKG + "Curriculum"), g),
        ox.Quad(me, _n(DCT + "title"), _lit(c.title), g),
        ox.Quad(me, _n(AKG + "version"), _lit(c.version), g),
        ox.Quad(me, _n(DCT + "modified"), ox.Literal(c.modified, datatype=_n(XSD + "dateTime")), g),
    ]
    for n, r in enumerate(c.roles, 1):  # target roles in the designer's order (it orders the role modules)
        t = _n(f"{c.iri}/target/{n}")
        q += [
            ox.Quad(me, _n(AKG + "hasTarget"), t, g),
            ox.Quad(t, _n(AKG + "targetRole"), _n(r), g),
            ox.Quad(t, _n(AKG + "position"), _lit(n), g),
        ]
    for n, o in enumerate(c.outcomes, 1):
        node = _n(f"{c.iri}/outcome/{n}")
        q += [
            ox.Quad(me, _n(AKG + "hasOutcome"), node, g),
            ox.Quad(node, _n(RDF_TYPE), _n(AKG + "LearningOutcome"), g),
            ox.Quad(node, _n(AKG + "position"), _lit(n), g),
            ox.Quad(node, _n(AKG + "module"), _lit(o.module), g),
            ox.Quad(node, _n(AKG + "outcomeText"), _lit(o.text), g),
        ]
        for k, m in enumerate(o.matches, 1):
            mn = _n(f"{c.iri}/outcome/{n}/match/{k}")
            q += [
                ox.Quad(node, _n(AKG + "hasMatch"), mn, g),
                ox.Quad(mn, _n(RDF_TYPE), _n(AKG + "Match"), g),
                ox.Quad(mn, _n(AKG + "position"), _lit(k), g),
                ox.Quad(mn, _n(AKG + "matchedItem"), _n(m.item), g),
                ox.Quad(mn, _n(AKG + "matchedLabel"), _lit(m.label), g),
                ox.Quad(mn, _n(AKG + "score"), _lit(float(m.score)), g),
                ox.Quad(mn, _n(AKG + "decision"), _lit(m.decision), g),
                ox.Quad(mn, _n(AKG + "matchMethod"), _lit(m.method), g),
            ]
            q += [
                ox.Quad(mn, _n(AKG + p), _lit(v), g)
                for p, v in (
                    ("matchedKind", m.kind),
                    ("matchedFramework", m.framework),
                    ("matchReason", m.why),
                    ("decidedBy", m.decided_by),
                )
                if v
            ]
            if m.decided_at:
                q.append(
                    ox.Quad(
                        mn, _n(AKG + "decidedAt"), ox.Literal(m.decided_at, datatype=_n(XSD + "dateTime")), g
                    )
                )
    return q


def from_quads(quads: list[ox.Quad], cid: str | None = None, *, strict: bool = False) -> Curriculum:
    """A curriculum back from its quads (of one graph); a CurriculumError when they do not hold one.

    Reading a saved curriculum tolerates legacy bad numbers (a NaN score reads as 0), so a stored
    curriculum can always be opened; `strict` (imports) refuses them in one line instead.
    """
    by: dict[str, dict[str, list]] = {}
    for q in quads:
        by.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    heads = [s for s, p in by.items() if any(o.value == AKG + "Curriculum" for o in p.get(RDF_TYPE, ()))]
    if len(heads) != 1:
        raise CurriculumError(f"expected one akg:Curriculum, found {len(heads)}")
    head = by[heads[0]]
    score = limits.finite if strict else lambda v, _what: limits.tolerant(v)
    one = lambda props, p, default="": props[p][0].value if props.get(p) else default  # noqa: E731
    outcomes = []
    for node in sorted((o.value for o in head.get(AKG + "hasOutcome", ())), key=lambda s: _pos(by, s)):
        props = by.get(node, {})
        matches = []
        for mn in sorted((o.value for o in props.get(AKG + "hasMatch", ())), key=lambda s: _pos(by, s)):
            mp = by.get(mn, {})
            decision = one(mp, AKG + "decision", "proposed")
            if decision not in DECISIONS or not mp.get(AKG + "matchedItem"):
                raise CurriculumError(f"match {mn}: decision {decision!r} or item missing")
            matches.append(
                Decision(
                    one(mp, AKG + "matchedItem"),
                    one(mp, AKG + "matchedLabel"),
                    score(one(mp, AKG + "score", "0"), f"the score of match {mn}"),
                    decision,
                    one(mp, AKG + "matchedKind"),
                    one(mp, AKG + "matchedFramework"),
                    one(mp, AKG + "matchMethod", "lexical"),
                    one(mp, AKG + "matchReason"),
                    one(mp, AKG + "decidedBy"),
                    one(mp, AKG + "decidedAt"),
                )
            )
        outcomes.append(Outcome(one(props, AKG + "outcomeText"), one(props, AKG + "module"), tuple(matches)))
    iri = heads[0]
    return Curriculum(
        cid or (iri[len(BASE) :] if iri.startswith(BASE) else new_id()),
        one(head, DCT + "title", "untitled curriculum"),
        tuple(
            one(by.get(t, {}), AKG + "targetRole")
            for t in sorted((o.value for o in head.get(AKG + "hasTarget", ())), key=lambda s: _pos(by, s))
            if by.get(t, {}).get(AKG + "targetRole")
        ),
        tuple(outcomes),
        int(limits.tolerant(one(head, AKG + "version", "0"))),
        one(head, DCT + "modified"),
    )


def _pos(by: dict[str, dict[str, list]], node: str) -> tuple[int, str]:
    p = by.get(node, {}).get(AKG + "position")
    try:
        return (int(p[0].value) if p else 0, node)
    except ValueError:
        return (0, node)
