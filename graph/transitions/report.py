"""Transitions as rows for people (a table and sentences) and for programs (JSON with IRIs, flat CSV)."""

from __future__ import annotations

from collections.abc import Callable

from graph.terms import framework
from graph.transitions.explain import Transition, Transitions
from graph.transitions.model import TEXT_SIGNALS
from graph.transitions.score import PARTS

TABLE_COLUMNS = (
    "rank",
    "role",
    "framework",
    "score",
    "essential",
    "optional",
    "ratings",
    "words",
    "credentials",
    "step",
    "gap",
    "first_missing",
    "sources",
)
CSV_COLUMNS = (
    "rank",
    "iri",
    "role",
    "framework",
    "score",
    *(f"part_{p}" for p in PARTS),
    "shared_essential",
    "essential_total",
    "shared_optional",
    "optional_total",
    "ratings_cosine",
    "missing_credentials",
    "job_zone_step",
    "gap",
    "first_missing",
    "sources",
    "rank_before",
    "score_before",
)

Label = Callable[[str], str]


def _sources(t: Transition, label: Label) -> str:
    """The target's sources, and the occupation its ratings and job zone come from when borrowed."""
    borrowed = (f"ratings and job zone of O*NET's {label(t.borrowed)}",) if t.borrowed else ()
    return "; ".join((*t.sources, *borrowed))


def _words(t: Transition) -> float:
    return sum(t.parts[s] for s in TEXT_SIGNALS)


def table_rows(result: Transitions, label: Label) -> list[tuple]:
    """One row per transition: counts as shared/needed, the words' share of the score, the first missing items."""
    rows = []
    for t in result.rows:
        moved = ""
        if t.before is not None:
            moved = f" (was #{t.before[0]})" if t.before[0] != t.rank else ""
        rows.append(
            (
                f"{t.rank}{moved}",
                label(t.role),
                framework(t.role),
                round(t.score, 3),
                f"{t.shared_essential}/{t.essential_total}",
                f"{t.shared_optional}/{t.optional_total}",
                "-" if t.ratings is None else f"{t.ratings:.2f}",
                round(_words(t), 3),
                len(t.missing_credentials),
                "-" if t.step is None else f"{t.step:+d}",
                t.gap,
                "; ".join(label(i) for i in t.first_missing),
                _sources(t, label),
            )
        )
    return rows


def csv_rows(result: Transitions, label: Label) -> list[tuple]:
    """Flat rows: every part's contribution in its own column, IRIs in full."""
    return [
        (
            t.rank,
            t.role,
            label(t.role),
            framework(t.role),
            t.score,
            *(t.parts[p] for p in PARTS),
            t.shared_essential,
            t.essential_total,
            t.shared_optional,
            t.optional_total,
            t.ratings,
            "; ".join(label(c) for c in t.missing_credentials),
            t.step,
            t.gap,
            "; ".join(label(i) for i in t.first_missing),
            _sources(t, label),
            t.before[0] if t.before else None,
            t.before[1] if t.before else None,
        )
        for t in result.rows
    ]


def document(result: Transitions, label: Label) -> dict:
    """The whole answer as JSON: the source, what was learned, and each transition with its target's IRI."""

    def named(iri: str) -> dict[str, str]:
        return {"iri": iri, "label": label(iri)}

    return {
        "role": named(result.source),
        "within": result.within,
        "ranked": result.ranked,
        "learned": [named(i) for i in result.learned],
        "opened": [named(i) for i in result.opened],
        "closer": [named(i) for i in result.closer],
        "unused": [named(i) for i in result.unused],
        "transitions": [
            {
                "rank": t.rank,
                "iri": t.role,
                "label": label(t.role),
                "framework": framework(t.role),
                "score": round(t.score, 6),
                "parts": {p: round(v, 6) for p, v in t.parts.items()},
                "shared_essential": t.shared_essential,
                "essential_total": t.essential_total,
                "shared_optional": t.shared_optional,
                "optional_total": t.optional_total,
                "ratings_cosine": None if t.ratings is None else round(t.ratings, 6),
                "missing_credentials": [named(c) for c in t.missing_credentials],
                "job_zone_step": t.step,
                "gap": t.gap,
                "first_missing": [named(i) for i in t.first_missing],
                "sources": list(t.sources),
                "ratings_from": named(t.borrowed) if t.borrowed else None,
                "before": None if t.before is None else {"rank": t.before[0], "score": round(t.before[1], 6)},
            }
            for t in result.rows
        ],
    }


def summary(result: Transitions, label: Label) -> list[str]:
    """Sentences under the table: what was ranked and, with learning, what it opens or brings closer."""
    lines = [f"transitions from {label(result.source)} among {result.ranked} roles ({result.within})"]
    if not result.learned:
        return lines
    learned = ", ".join(label(i) for i in result.learned)
    by_role = {t.role: t for t in result.rows}

    def moved(role: str) -> str:
        t = by_role[role]
        was = f"#{t.before[0]}" if t.before else "?"
        return f"{label(role)} ({was} -> #{t.rank}, score {t.before[1]:.3f} -> {t.score:.3f})"

    opened = "; ".join(moved(r) for r in result.opened) or "nothing new in the top"
    closer = "; ".join(moved(r) for r in result.closer) or "none"
    lines.append(f"learning {learned} opens: {opened}")
    lines.append(f"brings closer: {closer}")
    if result.unused:
        lines.append(
            f"no role needs {', '.join(label(i) for i in result.unused)}: learning it changes nothing here"
        )
    return lines
