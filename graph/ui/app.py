"""The app factory: open the workspace and the sandbox, register the SPARQL endpoint, lay out the page."""

from __future__ import annotations

import functools
import logging
import os
import time
from dataclasses import replace
from pathlib import Path
from urllib.parse import urlsplit

import dash
import dash_cytoscape as cyto
import flask
from dash.exceptions import DependencyException

from graph import limits, queries
from graph.sandbox import Limits, Sandbox
from graph.stores import StoreSpec
from graph.ui import api, auth, callbacks, first_paint, guard, http_cache, layout, yasgui
from graph.ui import state as S
from graph.ui.callbacks import graph_tab
from graph.ui.context import CACHE_VIEWS, DEFAULT_SEED_ABOVE, Context, Lru
from graph.ui.tabs import TABS
from graph.ui.view import compose
from graph.users import Users
from graph.workspace import Workspace, settle

ASSETS = Path(__file__).resolve().parent / "assets"
MAX_REQUEST_BYTES = limits.MAX_REQUEST_BYTES  # Dash callback bodies (/sparql has its own, smaller limit)

log = logging.getLogger(__name__)


def create_app(
    spec: StoreSpec,
    *,
    limits: Limits | None = None,
    workers: int | None = None,
    default_seed_above: int = DEFAULT_SEED_ABOVE,
    curricula: Path | str | None = None,
    users: Path | None = None,
) -> dash.Dash:
    """A Dash app over one store; its callbacks find the workspace in server.extensions['akg'].

    The page needs only small projections (curated roles, kinds, categories); the big ones (name
    index, every role's items) are built before serving on a small store and in a background
    thread on a big one (or read back from beside a persisted store), so the first page never waits.
    """
    ws = Workspace.open(spec, memory_first=True)  # a first start of ESCO + O*NET serves from memory
    # while the warm-up writes the on-disk store, the endpoint's workers wait for it instead of building it
    sandbox = Sandbox(
        replace(spec, written_by=os.getpid() if ws.store_pending else 0), limits or Limits(), workers=workers
    )
    cyto.load_extra_layouts()  # the bundle with cytoscape-svg: the SVG export needs cy.svg()
    server = flask.Flask(__name__)
    # flask-compress (Dash's compress=True) keeps each versioned script compressed, once per encoding
    server.config.update(
        COMPRESS_CACHE_BACKEND=http_cache.Compressed, COMPRESS_CACHE_KEY=http_cache.static_key
    )
    app = dash.Dash(
        __name__,
        server=server,
        title=layout.TITLE,
        assets_folder=str(ASSETS),
        serve_locally=True,
        update_title=None,
        on_error=_callback_failed,
        compress=True,  # flask-compress: brotli or gzip, as the browser accepts
        # no ids checked by the renderer (only its dev tools would show a miss): the page then carries no
        # validation layout (92 KB of JSON, 4 ms of the server's time, a pass over it when the page
        # starts); tests/test_ui_callbacks.py checks every callback's ids against it, and --debug turns
        # the renderer's check on again
        suppress_callback_exceptions=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.server.register_error_handler(413, callbacks.curriculum_tab.too_big)  # a pasted 10 MB curriculum
    app.server.register_error_handler(DependencyException, _no_such_asset)
    guard.register(app)  # a malformed request is a one-line 4xx, never a 500
    context = Context(ws, sandbox, default_seed_above)
    app.server.extensions["akg"] = context
    # saved curricula: their own store (a path, or a SPARQL store's URL), opened on first use
    app.server.extensions["akg-curricula-path"] = api.curricula_location(curricula)
    auth.install(app.server, Users(users))  # designers sign in to write curricula
    api.register(app.server)  # /api/curricula and CASE 1.0's /ims/case/v1p0/
    if os.environ.get("AKG_PROXY"):  # behind a proxy: its X-Forwarded-For/-Proto/-Host are the client's
        from werkzeug.middleware.proxy_fix import ProxyFix

        hops = int(os.environ["AKG_PROXY"]) if os.environ["AKG_PROXY"].isdigit() else 1
        app.server.wsgi_app = ProxyFix(app.server.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    # a first start of big files: the workers' copy of the store (graph.sandbox.shared, 4 s of CPU) is
    # loaded once the warm-up's projections are ready, not beside them (a query before then starts it)
    _register_endpoint(app, sandbox, warm=not ws.store_pending)
    if not context.big():
        ws.warm_now()  # small: build the projections now, so that no click builds one
        context.labels()
        graph_tab.warm_first_view(context)  # the first page is served with its graph
    elif ws.cache_dir is not None:  # precomputed with the store: read back before serving
        t = time.perf_counter()
        log.info(
            "reading the precomputed answers (and the name index, once built) back from beside the store"
        )
        answers = ws.load_answers()
        entities = ws.prepare_search() if ws.on_disk("index") else 0  # else the warm-up's first projection
        if entities:
            context.labels()  # expand and focus label new nodes from it: built now, not on the first click
        log.info("%d answers and %d entities ready in %.2f s", answers, entities, time.perf_counter() - t)
        settle()  # the name index's 250k objects off the collector, as the warm-up does with the rest
    pages, copies = Lru(CACHE_VIEWS), Lru(CACHE_VIEWS)
    app.layout = functools.partial(_page, context, pages)
    app.interpolate_index = functools.partial(_index, app, context, pages, copies)
    app.validation_layout = layout.page(context, everything=True)
    callbacks.register(app)
    queries.catalogue()
    if context.big() or ws.store_pending:  # (the warm-up's child writes a pending store first)
        ws.warm(  # expand and focus label new nodes from the labels
            indexed=context.labels, warmed=sandbox.warm if ws.store_pending else None
        )
    ws.to_memory()  # a warm start of big files: served from disk now, from memory in a few seconds
    yasgui.register(app.server, ws)  # the SPARQL tab's editor files and completion from this graph
    return app


def _page(context: Context, pages: Lru):
    """The page for one visit: the view its URL asks for drawn in when the view cache holds it, so
    its first graph waits for no callback round trip (Dash fetches the layout from the page, whose
    URL is the request's referrer). Pages are kept by URL: a reload serves the same one."""
    query = ""
    if flask.has_request_context() and flask.request.referrer:
        ref = urlsplit(flask.request.referrer)
        query = ref.query if ref.netloc == flask.request.host else ""  # only this app's own pages
    return _page_for(context, pages, query)


def _index(app: dash.Dash, context: Context, pages: Lru, copies: Lru, **parts: str) -> str:
    """The HTML page: with a static copy of the page and its first view, drawn before Dash's renderer
    (graph.ui.first_paint), when the URL shows the Graph tab and its view is drawn already."""
    query = flask.request.query_string.decode("utf-8", "replace") if flask.has_request_context() else ""
    copy = None
    if S.decode(query).tab == TABS[0].name and graph_tab.first_view(context, query) is not None:
        warm = compose.badges_ready(context.ws)

        def make() -> first_paint.Index | None:
            # the page the layout request gets (kept by its URL)
            page = _page_for(context, pages, query, warm)
            canvas = {k: getattr(page["cy"], k) for k in first_paint.CANVAS_PROPS}
            return first_paint.index(page, canvas_props=canvas, scripts=parts["scripts"])

        # kept by URL as the page is (written out, it took 4-5 ms of the index's 9)
        copy = copies.get((query, warm, parts["scripts"]), make, keep=lambda c: c is not None)
    if copy is not None:
        parts.update(
            css=copy.head + parts["css"],
            app_entry=parts["app_entry"] + copy.entry,
            scripts=copy.scripts,
            renderer=copy.renderer,
        )
    return dash.Dash.interpolate_index(app, **parts)


def _page_for(context: Context, pages: Lru, query: str, warm: bool | None = None):
    """The page for a URL's query string, kept by it (see _page)."""
    if warm is None:  # a page drawn before the warm-up is drawn again after it
        warm = compose.badges_ready(context.ws)
    return pages.get(
        (query, warm),
        lambda: graph_tab.with_first_view(layout.page(context), context, query),
        keep=lambda page: graph_tab.has_first_view(page),  # a page without its graph: not kept
    )


def _callback_failed(exc: Exception) -> None:
    """Any callback input that still breaks a callback: no 500 and no change, a note on the page instead."""
    log.warning("callback %s failed on its input: %r", dash.ctx.triggered_id, exc)
    dash.set_props("page-note", {"children": "That input could not be used; the view is unchanged."})


def _no_such_asset(_exc: Exception) -> tuple[str, int, dict[str, str]]:
    """A component-suite path Dash does not serve (`..%2f..`, unknown files) is a 404, not a 500."""
    return "no such file\n", 404, {"Content-Type": "text/plain; charset=utf-8"}


def _register_endpoint(app: dash.Dash, sandbox: Sandbox, *, warm: bool = True) -> None:
    from graph.ui import endpoint

    # AKG_RATE_LIMIT: queries per minute per client address (default 120); load tests raise it
    rate = int(os.environ.get("AKG_RATE_LIMIT", "120"))
    endpoint.register(app.server, sandbox, rate_per_minute=rate, warm=warm)
