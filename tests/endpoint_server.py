"""A real HTTP server for tests and benchmarks: a plain Flask app with /sparql, served by werkzeug in a thread."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import flask
import requests
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


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections made from one local (loopback) address, so one machine can play several clients."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: object, **kwargs: object) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str) -> requests.Session:
    """A requests session whose connections come from `address` (e.g. 127.0.0.2: another client)."""
    session = requests.Session()
    adapter = _FromAddress(address)
    session.mount("http://", adapter)
    return session


def dash_payload(base: str, output: str, values: dict[tuple[str, str], object], changed: str) -> dict:
    """The body the browser posts for the callback writing `output` (read from the app's own dependencies)."""
    deps = requests.get(base + "/_dash-dependencies", timeout=30).json()
    dep = next(d for d in deps if output in d["output"].strip(".").split("..."))
    outputs = [
        dict(zip(("id", "property"), o.rsplit(".", 1), strict=True))
        for o in dep["output"].strip(".").split("...")
    ]

    def fill(items: list[dict]) -> list:
        out: list = []
        for d in items:
            ident = json.loads(d["id"]) if d["id"].startswith("{") else d["id"]
            if isinstance(ident, dict) and any(isinstance(v, list) for v in ident.values()):
                out.append([])  # a wildcard (ALL/MATCH) that matches nothing on this page
            else:
                key = ident.get("name", d["id"]) if isinstance(ident, dict) else ident
                out.append(
                    {"id": ident, "property": d["property"], "value": values.get((key, d["property"]))}
                )
        return out

    return {
        "output": dep["output"],
        "outputs": outputs if dep["output"].startswith("..") else outputs[0],
        "inputs": fill(dep["inputs"]),
        "state": fill(dep["state"]),
        "changedPropIds": [changed],
    }


def sparql_tab_payload(base: str, text: str) -> dict:
    """The body the browser posts when the SPARQL tab's query is run to be drawn."""
    return dash_payload(
        base, "q-result.data", {("q-draw", "n_clicks"): 1, ("q-editor", "data"): text}, "q-draw.n_clicks"
    )


def graph_draw_payload(base: str, role: str) -> dict:
    """The body the browser posts when a role is picked in the graph's filters (the graph redraws)."""
    changed = '{"name":"f-role","type":"role-picker"}.value'
    values = {("f-role", "value"): [role], ("url-ready", "data"): True}  # the URL's state is in place
    return dash_payload(base, "cy.elements", values, changed)


class Listener:
    """A TCP listener on a free loopback port that records every connection made to it (and answers 200)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self.connections: list[tuple[str, int]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="listener", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, addr = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections.append(addr)
            with conn:
                conn.settimeout(1)
                with contextlib.suppress(OSError):
                    conn.recv(65536)
                    conn.sendall(
                        b'HTTP/1.0 200 OK\r\nContent-Type: application/ld+json\r\n\r\n{"@context": {}}'
                    )

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
