"""The SPARQL tab's editor, served by the app itself: YASGUI's files from node_env/, and completions from this graph.

YASGUI (@zazuko/yasgui, installed from the npm registry by scripts/run.sh and scripts/test.sh into the
checkout's node_env/) is loaded by assets/sparql.js only when the SPARQL tab opens, never with the first
page. Completion asks /sparql/terms, answered from the graph's own vocabulary (graph.vocabulary), not from
the internet (YASQE's default asks Linked Open Vocabularies).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import TYPE_CHECKING

import flask

from graph.paths import ROOT
from graph.terms import PREFIXES
from graph.vocabulary import KINDS, Vocabulary, expand_start

if TYPE_CHECKING:
    from graph.workspace import Workspace

log = logging.getLogger(__name__)

FILES_ROUTE = "/yasgui/"
TERMS_ROUTE = "/sparql/terms"
BUILD = ROOT / "node_env" / "node_modules" / "@zazuko" / "yasgui" / "build"
FILES = {"yasgui.min.js": "text/javascript", "yasgui.min.css": "text/css"}
MISSING = "the SPARQL editor (YASGUI) is not installed: run scripts/run.sh (it installs it with npm)"


class _Terms:
    """The vocabulary, read in the background (the workspace's projection: on a persisted store the
    warm-up's child writes it and it is read back); asked for before it is ready, the caller waits."""

    def __init__(self, ws: Workspace):
        self._ws, self._value = ws, None
        self._ready = threading.Event()
        self._lock = threading.Lock()
        self._started = False

    def start(self) -> None:
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._build, name="vocabulary", daemon=True).start()

    def _build(self) -> None:
        t = time.perf_counter()
        try:
            self._value = self._ws.vocabulary
            log.info("%d terms for completion in %.2f s", self._value.size(), time.perf_counter() - t)
        except Exception:  # completion is a help: the editor works without it
            log.exception("could not read the vocabulary for completion")
            self._value = Vocabulary({})
        finally:
            self._ready.set()

    def get(self, timeout: float) -> Vocabulary | None:
        self.start()
        return self._value if self._ready.wait(timeout) else None


def register(server: flask.Flask, ws: Workspace) -> None:
    """Serve YASGUI's two files and the completion route on this Flask server."""
    terms = _Terms(ws)
    terms.start()

    def yasgui_file(name: str) -> flask.Response:
        if name not in FILES:
            return _line(f"no such file: {name[:100]}", 404)
        path = BUILD / name
        if not path.is_file():
            return _line(MISSING, 404)
        response = flask.send_file(path, mimetype=FILES[name], max_age=86_400)
        return response

    def complete() -> flask.Response:
        start = flask.request.args.get("prefix", "")
        kind = flask.request.args.get("kind", "any")
        if kind not in (*KINDS, "any") or len(start) > 2_000:
            return _line(
                "give prefix=<the start of an IRI or a CURIE> and kind=class|property|entity|any", 400
            )
        try:
            declared = json.loads(flask.request.args.get("declared", "{}"))
        except ValueError:
            declared = {}
        vocabulary = terms.get(timeout=5.0)  # a thread waits at most this long while it is read
        if vocabulary is None:
            return _line("the vocabulary is still being read; try again in a few seconds", 503)
        kinds = KINDS if kind == "any" else (kind,)
        iris = vocabulary.complete(
            expand_start(start, declared if isinstance(declared, dict) else {}), kinds=kinds
        )
        return flask.jsonify(iris)

    server.add_url_rule(FILES_ROUTE + "<path:name>", "akg_yasgui", yasgui_file)
    server.add_url_rule(TERMS_ROUTE, "akg_sparql_terms", complete)


def editor_config() -> dict:
    """What the page tells the editor: where YASGUI, the endpoint and completion are, the known prefixes."""
    return {
        "files": FILES_ROUTE,
        "endpoint": "/sparql",
        "terms": TERMS_ROUTE,
        "prefixes": dict(PREFIXES),
    }


def _line(message: str, status: int) -> flask.Response:
    return flask.Response(message + "\n", status, mimetype="text/plain")
