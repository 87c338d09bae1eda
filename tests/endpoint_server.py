"""A real HTTP server for tests and benchmarks: a plain Flask app with /sparql, served by werkzeug in a thread."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import flask
from werkzeug.serving import make_server

from graph.sandbox import Sandbox
from graph.ui.endpoint import register


def make_app(sandbox: Sandbox, **options: int) -> flask.Flask:
    """A bare Flask server with the SPARQL endpoint registered on it."""
    server = flask.Flask(__name__)
    register(server, sandbox, **options)
    return server


@contextmanager
def serving(server: flask.Flask) -> Iterator[str]:
    """Serve on a free loopback port in a thread; yield the /sparql URL; shut down after."""
    httpd = make_server("127.0.0.1", 0, server, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, name="endpoint-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}/sparql"
    finally:
        httpd.shutdown()
        thread.join(5)
        httpd.server_close()
