"""The Transitions tab: a role's transitions as stacked bars of the score's parts, a clicked one's gap,
ticks on its missing items as "what if they learned this". The tab's state lives in stores the URL follows."""

from __future__ import annotations

import html as html_text

import plotly.graph_objects as go
from dash import Input, Output, State, callback, html, no_update

from graph import analysis
from graph.terms import framework
from graph.transitions import PARTS, WITHIN, Transition, Transitions, rank
from graph.ui.context import app_context
from graph.ui.controls import role_picker
from graph.ui.layout.common import choices
from graph.ui.options import role_options
from graph.ui.view.labels import shorten

TOP = 15  # transitions drawn
TICKS = 25  # missing items offered as "what if" ticks
PART_NAMES = {
    "essential": "essential items already had",
    "optional": "optional items already had",
    "ratings": "skills & knowledge ratings alike",
    "tasks": "tasks in common words",
    "tools": "tools & technology alike",
    "skills": "skills & knowledge alike",
    "titles": "job titles alike",
    "credentials": "credentials lacking",
    "step": "step up in job zone",
}
COLOURS = {
    "essential": "#08519c",
    "optional": "#6baed6",
    "ratings": "#6a51a3",
    "tasks": "#238b45",
    "tools": "#74c476",
    "skills": "#0e7c86",
    "titles": "#8c6d31",
    "credentials": "#cb181d",
    "step": "#fc9272",
}


def _esc(text: str) -> str:
    """Plotly reads a few HTML tags in its strings: escape labels so they stay text."""
    return html_text.escape(str(text))


def labeller(ws):
    """Names for IRIs: items as the overlap names them, roles and the rest from the index."""
    items = ws.role_items.label
    return lambda iri: items.get(iri) or ws.label(iri)


def _row_name(t: Transition, label) -> str:
    moved = f" (was #{t.before[0]})" if t.before and t.before[0] != t.rank else ""
    return _esc(f"{t.rank}. {shorten(label(t.role))} · {framework(t.role)}{moved}")


def _detail(t: Transition, part: str, label) -> str:
    if part == "essential":
        return f"{t.shared_essential} of {t.essential_total} essential items already had"
    if part == "optional":
        return f"{t.shared_optional} of {t.optional_total} optional items already had"
    if part == "ratings":
        return "no ratings for both" if t.ratings is None else f"ratings cosine {t.ratings:.2f}"
    if part == "credentials":
        return "lacks " + (", ".join(label(c) for c in t.missing_credentials) or "no credential")
    if part == "step":
        return "job zone unknown" if t.step is None else f"job zone step {t.step:+d}"
    return "word similarity"


def bars_figure(result: Transitions, label) -> go.Figure:
    """One stacked horizontal bar per transition: each part's share of the score (penalties to the left)."""
    rows = result.rows
    names = [_row_name(t, label) for t in rows]
    fig = go.Figure()
    for part in PARTS:
        fig.add_bar(
            name=PART_NAMES[part],
            orientation="h",
            x=[round(t.parts[part], 4) for t in rows],
            y=names,
            marker_color=COLOURS[part],
            customdata=[[t.role, _esc(_detail(t, part, label))] for t in rows],
            hovertemplate="%{y}<br>" + PART_NAMES[part] + ": %{x:+.3f}<br>%{customdata[1]}<extra></extra>",
        )
    fig.add_scatter(
        name="score",
        x=[round(t.score, 4) for t in rows],
        y=names,
        mode="markers",
        marker={"symbol": "diamond", "size": 11, "color": "#111", "line": {"width": 1, "color": "#fff"}},
        customdata=[[t.role, ""] for t in rows],
        hovertemplate="%{y}<br>score: %{x:.3f}<extra></extra>",
    )
    if result.learned:
        fig.add_scatter(
            name="score before learning",
            x=[round(t.before[1], 4) if t.before else None for t in rows],
            y=names,
            mode="markers",
            marker={"symbol": "line-ns-open", "size": 22, "color": "#222", "line": {"width": 3}},
            customdata=[[t.role, ""] for t in rows],
            hovertemplate="%{y}<br>score before learning: %{x:.3f}<extra></extra>",
        )
    fig.update_layout(
        barmode="relative",
        title=_esc(f"Where {label(result.source)} can go: the score's parts")
        + "<br>(click a bar for its gap)",
        xaxis={
            "title": {
                "text": "each part's share of the score (◆ the score: the bar right of 0 less the penalties left of it)"
            },
            "zeroline": True,
        },
        yaxis={"autorange": "reversed", "automargin": True},
        legend={"orientation": "h", "y": -0.12},
        margin={"l": 20, "r": 20, "t": 70, "b": 40},
    )
    return fig


def summary_text(result: Transitions, label) -> str:
    """The answer in words, for everyone (and screen readers): the top few and what learning changed."""
    top = ", ".join(f"{label(t.role)} ({t.score:.2f})" for t in result.rows[:3])
    text = f"{len(result.rows)} of {result.ranked} roles shown; closest: {top}."
    if result.learned:
        opened = ", ".join(label(r) for r in result.opened) or "nothing new"
        closer = ", ".join(label(r) for r in result.closer) or "none"
        text += f" Learning the ticked items opens {opened}; brings closer {closer}."
    return text


def gap_view(ws, start: str, target: str, learned: list[str], label) -> tuple[list[dict], list]:
    """The ticks to offer (what the target needs that the role lacks, in learning order) and the gap's story."""
    g = analysis.gap(ws.role_items, start, target)
    offered = [s.item for s in g.steps[:TICKS]]
    offered += [i for i in learned if i not in offered]
    step = {s.item: s for s in g.steps}
    opts = [
        {
            "label": f"{label(i)} · {step[i].category}, {'essential' if step[i].essential else 'optional'}"
            if i in step
            else label(i),
            "value": i,
        }
        for i in offered
    ]
    head = f"From {label(start)} to {label(target)}: {len(g.steps)} items to add, {len(g.already)} already shared"
    more = (
        f" (the first {TICKS} in learning order below)"
        if len(g.steps) > TICKS
        else " (in learning order below)"
    )
    return choices(opts), [html.P(head + more, className="tr-gap-head")]


def _ready(start) -> bool:
    ws = app_context().ws
    return isinstance(start, str) and start in ws.role_items.links


# ---------------------------------------------------------------- the tab's controls <-> its stores (the URL)
# The stores are always in the page (the URL sets them before the tab is built); the controls exist once
# the tab is. A control takes its store's value when the tab is built (its `id` appears) and writes every
# change back; a callback with a control and a store both as inputs would fail while the tab is unbuilt.


@callback(
    Output(role_picker("tr-role"), "value"),
    Output(role_picker("tr-role"), "options", allow_duplicate=True),
    Output("tr-within", "value"),
    Output("tr-learn", "value"),
    Input("tr-within", "id"),
    State("transition-start", "data"),
    State("transition-within", "data"),
    State("transition-learn", "data"),
    prevent_initial_call="initial_duplicate",
)
def restore(_built, start, within, learn):
    """When the tab is built, its controls show what the link (the stores) says."""
    roles = role_options(app_context().ws, None, [start] if isinstance(start, str) else [])
    return (
        start if isinstance(start, str) else None,
        choices(roles),
        within if within in WITHIN else "all",
        [i for i in learn or [] if isinstance(i, str)],
    )


@callback(
    Output("transition-start", "data"), Input(role_picker("tr-role"), "value"), prevent_initial_call=True
)
def store_start(value):
    """A picked role goes to the URL."""
    return value


@callback(Output("transition-within", "data"), Input("tr-within", "value"), prevent_initial_call=True)
def store_within(value):
    """The scope goes to the URL."""
    return value if value in WITHIN else "all"


@callback(Output("transition-learn", "data"), Input("tr-learn", "value"), prevent_initial_call=True)
def store_learn(value):
    """The ticks go to the URL."""
    return [i for i in value or [] if isinstance(i, str)]


# ---------------------------------------------------------------- the answer


def waiting_figure(message: str) -> go.Figure:
    """A chart with nothing to show yet says what to do, in its middle: not empty axes from -1 to 6."""
    hidden = {"visible": False, "fixedrange": True}
    return go.Figure(
        layout={
            "xaxis": hidden,
            "yaxis": hidden,
            "plot_bgcolor": "rgba(0,0,0,0)",
            "paper_bgcolor": "rgba(0,0,0,0)",
            "annotations": [
                {
                    "text": message,
                    "showarrow": False,
                    "xref": "paper",
                    "yref": "paper",
                    "x": 0.5,
                    "y": 0.5,
                    "font": {"size": 16, "color": "#4a5563"},
                }
            ],
        }
    )


@callback(
    Output("tr-bars", "figure"),
    Output("tr-summary", "children"),
    Input("transition-start", "data"),
    Input("transition-within", "data"),
    Input("transition-learn", "data"),
)
def show(start, within, learn):
    """The role's transitions as bars of the score's parts, and the answer in words."""
    if not _ready(start):
        return waiting_figure("Choose a role above to see where it can go"), "Choose a role."
    ws = app_context().ws
    learned = [i for i in learn or [] if isinstance(i, str)]
    result = rank(ws, start, top=TOP, within=within if within in WITHIN else "all", learn=learned)
    label = labeller(ws)
    return bars_figure(result, label), summary_text(result, label)


@callback(Output("transition-target", "data"), Input("tr-bars", "clickData"), prevent_initial_call=True)
def pick(click):
    """Clicking a bar chooses that transition for its gap."""
    if not click or not click.get("points"):
        return no_update
    data = click["points"][0].get("customdata")
    return data[0] if isinstance(data, list) and data else no_update


@callback(
    Output("tr-learn", "options"),
    Output("tr-gap", "children"),
    Input("transition-start", "data"),
    Input("transition-target", "data"),
    State("transition-learn", "data"),
)
def gap(start, target, learn):
    """The chosen transition's gap: its missing items in learning order, each a tick for "what if"."""
    ws = app_context().ws
    learned = [i for i in learn or [] if isinstance(i, str)]
    if (
        not _ready(start)
        or not isinstance(target, str)
        or target not in ws.role_items.links
        or target == start
    ):
        opts = [{"label": labeller(ws)(i), "value": i} for i in learned]
        return opts, html.P("Click a bar to see what that role needs.", className="hint")
    return gap_view(ws, start, target, learned, labeller(ws))
