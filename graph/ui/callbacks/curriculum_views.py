"""The Curriculum tab's views: proposals a designer ticks, coverage of the target roles, numbers that open.

Pure functions from a curriculum (or a workspace's answers) to Dash components; the callbacks in
curriculum_tab, curriculum_saved and curriculum_export call them.
"""

from __future__ import annotations

import csv
import io

import dash_bootstrap_components as dbc
from dash import html

from graph import curricula as K
from graph.ui.view.labels import counted
from graph.workspace import kind_name

PAGE = 50  # outcomes shown (and sent) at once; the rest are a page away


def items_list(iris, labels: dict[str, str], *, ordered: bool = False) -> html.Ol | html.Ul:
    """Labels of some items as a list (numbered when the order means something)."""
    kind = html.Ol if ordered else html.Ul
    return kind([html.Li(labels.get(i, i)) for i in iris] or [html.Li("none")])


def count(summary: str, iris, labels: dict[str, str], *, ordered: bool = False) -> html.Details:
    """A number people can open to see the items behind it."""
    return html.Details([html.Summary(summary), items_list(iris, labels, ordered=ordered)], className="count")


def proposal_label(m: K.Decision) -> html.Span:
    """One proposal as a designer judges it: label, kind and framework, the score, why, and the decision."""
    what = ", ".join(x for x in (kind_name(m.kind) if m.kind else "", m.framework) if x)
    return html.Span(
        [
            html.Span(f"{round(m.score * 100)} %", className="proposal-score"),
            html.Strong(m.label, className="proposal-label"),
            html.Span(f" {what}" if what else "", className="proposal-kind"),
            html.Span(f" — {m.why}" if m.why else "", className="proposal-why"),
            html.Span(m.decision, className=f"proposal-decision {m.decision}"),
        ]
    )


def proposals_view(c: K.Curriculum, page: int = 1) -> list:
    """One page of outcomes with their proposals as ticks, best score first (ticked: accepted; unticked: rejected).

    Only the page shown is sent: a 2,000-outcome curriculum is 40 pages, not 2,000 checklists at once.
    """
    pages = max(1, -(-len(c.outcomes) // PAGE))
    page = min(max(1, int(page or 1)), pages)
    first = (page - 1) * PAGE
    blocks = []
    for n, o in enumerate(c.outcomes[first : first + PAGE], first):
        options = proposal_options(o)
        head = f"{o.module}: {o.text}" if o.module else o.text
        blocks.append(
            html.Fieldset(
                [
                    html.Legend(head, className="outcome-text"),
                    dbc.Checklist(
                        id={"type": "cur-accept", "outcome": n},
                        options=options,
                        value=list(o.accepted()),
                        className="proposals",
                    )
                    if options
                    else html.Div("no proposal: no known word or similar meaning", className="hint"),
                ],
                className="outcome",
            )
        )
    if not blocks:
        return []
    shown = f" (outcomes {first + 1}–{first + len(blocks)})" if pages > 1 else ""
    pager = (
        [dbc.Pagination(id={"type": "cur-page", "of": "proposals"}, max_value=pages, active_page=page)]
        if pages > 1
        else []
    )
    hint = html.P(
        "Tick every item an outcome teaches (several are fine); once you tick, the outcome's unticked "
        "proposals count as rejected. The score is what orders them: shared words and, when the model "
        "is installed, similar meaning.",
        className="hint",
    )
    return [html.H4(f"Proposals for {len(c.outcomes)} outcomes{shown}"), hint, *pager, *blocks]


def proposal_options(o: K.Outcome) -> list[dict]:
    """An outcome's proposals as checklist options, best score first."""
    ranked = sorted(o.matches, key=lambda m: (-m.score, m.label, m.item))
    return [{"label": proposal_label(m), "value": m.item} for m in ranked]


def outcomes_text(c: K.Curriculum) -> str:
    """The outcomes as the editor shows them: plain lines, or a module,outcome CSV when modules are named."""
    if not any(o.module for o in c.outcomes):
        return "\n".join(o.text for o in c.outcomes)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(("module", "outcome"))
    w.writerows((o.module, o.text) for o in c.outcomes)
    return buf.getvalue()


def coverage_view(ws, roles: list[str], taught: tuple[str, ...]) -> list:
    """Per target role: share of essential items covered, what is missing in learning order; then extras."""
    per_role, extra, labels = ws.coverage(roles, taught)
    out = []
    for cov in per_role:
        n, total = len(cov.covered), len(cov.essential)
        pct = f" ({round(100 * n / total)} %)" if total else ""
        out.append(
            html.Div(
                [
                    html.Strong(labels.get(cov.role, cov.role)),
                    count(f"covers {n} of {total} essential items{pct}", cov.covered, labels),
                    count(
                        f"missing {len(cov.missing)}, in learning order", cov.missing, labels, ordered=True
                    ),
                    count(
                        f"also covers {counted(len(cov.optional_covered), 'optional item')}",
                        cov.optional_covered,
                        labels,
                    ),
                ],
                className="role-coverage",
            )
        )
    out.append(count(f"taught but no target role needs it: {len(extra)} items", extra, labels))
    return out
