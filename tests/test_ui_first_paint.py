"""The static copy of a page served with its first view (graph.ui.first_paint): pure HTML functions."""

from __future__ import annotations

import re

import dash
import dash_cytoscape as cyto
from dash import dcc, html

from graph.ui import first_paint as F

SCRIPTS = (
    "\n".join(
        f'<script src="/_dash-component-suites/{p}"></script>'
        for p in (
            "dash/deps/polyfill@7.js",
            "dash/deps/react@18.js",
            "dash/deps/react-dom@18.js",
            "dash/deps/prop-types@15.js",
            "dash_cytoscape/dash_cytoscape_extra.js",
            "dash_ag_grid/dash_ag_grid.js",
            "../assets/graph-labels.js",
            "../assets/graph.js",
            "dash/dash-renderer/build/dash_renderer.js",
            "dash/dcc/dash_core_components.js",
        )
    )
    + "\n<script>window.x = 1;</script>"
)


def test_static_html_writes_html_components_and_boxes_the_others():
    page = html.Div(
        [
            html.Span("3 < 4 & <b>", id="view-count", className="count"),
            html.Button("x", id="act", disabled=True, title='say "hi"', **{"aria-label": "act"}),
            html.Div(id={"type": "legend", "kind": "Role"}, style={"marginTop": 4, "opacity": 0.5}),
            dcc.Store(id="tabs", data="graph"),
            dcc.Input(id="q", className="picker-search"),
            cyto.Cytoscape(id="cy", elements=[{"data": {"id": "a"}}]),
            html.Br(),
        ],
        className="page",
    )
    assert F.static_html(page) == (
        '<div class="page">'
        '<span id="view-count" class="count">3 &lt; 4 &amp; &lt;b&gt;</span>'  # text escaped; a kept id
        '<button disabled="" title="say &quot;hi&quot;" aria-label="act">x</button>'  # no other id repeated
        '<div style="margin-top:4px;opacity:0.5"></div>'
        '<div class="picker-search"></div>'  # a component not html.*: an empty box of its class
        '<div class="akg-pre-canvas"></div>'  # where graph.js draws the first view
        "<br>"
        "</div>"
    )


def test_the_canvas_scripts_come_first_and_the_others_wait_inert_but_fetched():
    first, rest = F.scripts_first(SCRIPTS)
    assert [re.search(r'src="[^"]*/([^/"]+)"', t).group(1) for t in first.splitlines()] == [
        "polyfill@7.js",
        "react@18.js",
        "react-dom@18.js",
        "prop-types@15.js",
        "dash_cytoscape_extra.js",
        "graph-labels.js",
        "graph.js",
    ]
    srcs, inert = F.later(rest)
    assert [s.rsplit("/", 1)[1] for s in srcs] == [
        "dash_ag_grid.js",
        "dash_renderer.js",
        "dash_core_components.js",
    ]
    assert inert.count('<script type="text/plain" data-akg-later src=') == 3
    assert "<script>window.x = 1;</script>" in inert  # inline scripts (clientside functions) run as before
    # Dash's own checks of an index page still find its renderer's script
    assert re.search(dash.dash._re_index_scripts_id[0], inert)


def test_a_page_without_its_first_view_has_no_copy():
    page = html.Div([html.Span(id="view-count"), cyto.Cytoscape(id="cy", elements=[])])
    assert F.index(page, canvas_props={}, scripts=SCRIPTS) is None


def test_the_first_view_data_cannot_close_its_script():
    page = html.Div(
        [html.Span("1 node", id="view-count"), cyto.Cytoscape(id="cy", elements=[{"data": {"id": "a"}}])]
    )
    evil = {"elements": [{"data": {"id": "a", "label": "</script><!--<script>alert(1)</script>"}}]}
    copy = F.index(page, canvas_props=evil, scripts=SCRIPTS)
    data = copy.entry.split('<script id="akg-first" type="application/json">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and "\\u003c/script>" in data
    assert 'id="_dash-renderer"' in copy.renderer and "new DashRenderer()" in copy.renderer
    # the head fetches the scripts that draw it, and the others once dash-cytoscape's bundle is in
    assert copy.head.count('rel="preload" as="script"') == 7
    # dash-cytoscape's bundle (the biggest) asked for first: a browser opens 6 connections to a host
    assert copy.head.index("dash_cytoscape/") < copy.head.index(
        'rel="preload" as="script" href="/_dash-component-suites/dash/deps/react@'
    )
    assert "window.akgFetchLater" in copy.head  # the others: fetched by graph.js once the view is drawn
    assert '"/_dash-component-suites/dash_ag_grid/dash_ag_grid.js"' in copy.head
