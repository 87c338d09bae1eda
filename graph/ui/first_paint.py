"""The first view drawn before Dash's renderer: the page as static HTML with the canvas in it.

A page served with its first graph (a cached view, graph_tab.with_first_view) still waited for the
renderer: evaluating every component library (AG Grid, dash-bootstrap-components, dcc…), fetching the
layout and mounting its ~200 components. The index page now carries the layout's HTML parts as static
HTML (html.* components; other components are empty boxes of their class, so the CSS places the
canvas where the live page has it), with the first view's elements, and React, ReactDOM,
dash-cytoscape's bundle, graph-labels.js and graph.js first among the scripts: graph.js draws the
view there with dash_cytoscape.Cytoscape (same elements, stylesheet and camera) as soon as they are
evaluated, and removes that copy once the live canvas, mounted by Dash, holds the same view, fitted
and labelled (`assets/graph.js`, predraw).
"""

from __future__ import annotations

import html as _html
import json
import re
from dataclasses import dataclass

from dash.development.base_component import Component

from graph.ui.callbacks.graph_tab import has_first_view

# the component libraries' scripts drawn with, in this order, before every other script
FIRST_SCRIPTS = (
    "deps/polyfill",
    "deps/react@",
    "deps/react-dom@",
    "deps/prop-types@",
    "dash_cytoscape/",
    "graph-labels.js",
    "graph.js",
)
_SCRIPT = re.compile(r"<script\b[^>]*\bsrc=\"[^\"]*\"[^>]*>\s*</script>")

# React's unitless style properties (others, given as numbers, are px)
_UNITLESS = {
    "opacity",
    "zIndex",
    "flex",
    "flexGrow",
    "flexShrink",
    "fontWeight",
    "lineHeight",
    "order",
    "zoom",
}
_NO_ATTR = {
    "children",
    "style",
    "className",
    "id",
    "n_clicks",
    "n_clicks_timestamp",
    "disable_n_clicks",
    "key",
}
_CAMEL = re.compile(r"[A-Z]")
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "area", "col", "embed", "source", "track"}
CANVAS_ID = "cy"
# the canvas's props its copy is drawn with (the camera is graph.js's fit, as on the live canvas)
CANVAS_PROPS = (
    "elements",
    "stylesheet",
    "layout",
    "minZoom",
    "maxZoom",
    "boxSelectionEnabled",
    "autoRefreshLayout",
)
# ids the copy keeps: the counter (what it shows) and those the stylesheet selects by; no other is repeated
KEEP_IDS = {"view-count", "view-note", "intro-close", "cy-busy"}


def static_html(node) -> str:
    """A layout as static HTML: html.* components as their tags; the canvas as the box the first view
    is drawn in; any other component an empty box of its class (Stores, Locations: nothing)."""
    if node is None or isinstance(node, bool):
        return ""
    if isinstance(node, (str, int, float)):
        return _html.escape(str(node))
    if isinstance(node, (list, tuple)):
        return "".join(static_html(n) for n in node)
    if not isinstance(node, Component):
        return ""
    if node._namespace != "dash_html_components":
        if getattr(node, "id", None) == CANVAS_ID:
            return '<div class="akg-pre-canvas"></div>'  # graph.js draws the view in it
        cls = getattr(node, "className", None)
        return f'<div class="{_html.escape(cls)}"></div>' if cls else ""
    tag = {"MapEl": "map", "ObjectEl": "object"}.get(node._type, node._type.lower())
    attrs = _attributes(node)
    if tag in _VOID:
        return f"<{tag}{attrs}>"
    return f"<{tag}{attrs}>{static_html(getattr(node, 'children', None))}</{tag}>"


def _attributes(node) -> str:
    out = []
    cid = getattr(node, "id", None)
    if isinstance(cid, str) and cid in KEEP_IDS:
        out.append(("id", cid))
    if getattr(node, "className", None):
        out.append(("class", node.className))
    if getattr(node, "style", None):
        out.append(("style", _style(node.style)))
    for name in node._prop_names:
        value = getattr(node, name, None)
        if name in _NO_ATTR or value is None or value is False:
            continue
        attr = {"htmlFor": "for", "tabIndex": "tabindex"}.get(name, name)
        out.append((attr, "" if value is True else str(value)))
    out += [(k, str(v)) for k, v in vars(node).items() if k.startswith(("aria-", "data-")) and v is not None]
    return "".join(f' {k}="{_html.escape(v)}"' for k, v in out)


def _style(style: dict) -> str:
    """A React style object as CSS text (camelCase names, numbers in px but for unitless ones)."""
    parts = []
    for k, v in style.items():
        value = f"{v}px" if isinstance(v, (int, float)) and v and k not in _UNITLESS else str(v)
        parts.append(_CAMEL.sub(lambda m: "-" + m.group(0).lower(), k) + ":" + value)
    return ";".join(parts)


def scripts_first(scripts: str) -> tuple[str, str]:
    """Dash's script tags split in two: React, ReactDOM, dash-cytoscape, graph-labels.js and graph.js
    (in that order), and the rest of the HTML, in Dash's order."""
    tags = _SCRIPT.findall(scripts)
    first = [t for key in FIRST_SCRIPTS for t in tags if key in t]
    rest = scripts
    for t in first:
        rest = rest.replace(t, "", 1)
    return "\n".join(first), rest


def later(rest: str) -> tuple[list[str], str]:
    """The other scripts, run only after the first view is on screen: their URLs, and the HTML with
    their tags kept inert, which graph.js turns into scripts, in order, then starts Dash's renderer.
    (Parser-blocking, they ran back to back and held the first view's frame ~300 ms.)"""
    srcs = re.findall(r'<script\b[^>]*\bsrc="([^"]*)"', rest)
    inert = _SCRIPT.sub(
        lambda m: m.group(0).replace("<script", '<script type="text/plain" data-akg-later', 1), rest
    )
    return srcs, inert


# In the head: the first scripts fetched from the page's first bytes; graph.js fetches the others once
# the first view's frame is drawn (fetched and compiled beside dash-cytoscape's bundle and the first
# view's drawing, they made that drawing 3-4 times slower on two cores: 160-240 ms instead of 50-65;
# fetched as it was drawn, they held its frame 100-120 ms instead of 25). The mark times the fetch.
HEAD = """<script>window.akgFetchLater = function () {{
  performance.mark('akg-fetch-later');
  {later}.forEach(function (src) {{
    var l = document.createElement('link'); l.rel = 'preload'; l.as = 'script'; l.href = src;
    document.head.appendChild(l);
  }});
  window.akgFetchLater = function () {{}};
}};</script>
{first}"""


@dataclass(frozen=True)
class Index:
    """What a page with its first view drawn first changes in Dash's index parts."""

    head: str  # preload links for the scripts that draw it, then for the others (HEAD)
    entry: str  # after Dash's entry point: the copy, its view's data, the scripts that draw it
    scripts: str  # the other scripts, inert until graph.js runs them
    renderer: str  # Dash's renderer, started by graph.js once they ran


def index(page, *, canvas_props: dict, scripts: str) -> Index | None:
    """A page served with its first view drawn before Dash's renderer, or None when the page has no
    first view drawn in (nothing to draw before the renderer)."""
    if not has_first_view(page):
        return None
    first, rest = scripts_first(scripts)
    if any(key not in first for key in ("dash_cytoscape/", "graph-labels.js", "graph.js")):  # what draws it
        return None
    later_srcs, rest = later(rest)
    data = json.dumps(canvas_props, separators=(",", ":")).replace("<", "\\u003c")  # no tag in a script
    entry = (
        f'<div id="akg-pre" class="akg-pre" aria-hidden="true" inert>{static_html(page)}</div>\n'
        f'<script id="akg-first" type="application/json">{data}</script>\n{first}'
    )
    renderer = '<script id="_dash-renderer" type="text/plain">var renderer = new DashRenderer();</script>'
    srcs = re.findall(r'\bsrc="([^"]*)"', first)
    srcs.sort(key=lambda s: "dash_cytoscape/" not in s)
    links = [f'<link rel="preload" as="script" href="{src}">' for src in srcs]
    head = HEAD.format(later=json.dumps(later_srcs).replace("<", "\\u003c"), first="".join(links))
    return Index(head=head, entry=entry, scripts=rest, renderer=renderer)
