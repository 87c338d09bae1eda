"""Serve the explorer: waitress by default (production, debug off); --debug runs Dash's development server.

    python app.py [--host 127.0.0.1] [--port 8050] [--data FILE…] [--store oxigraph|memory|URL]
                  [--curricula PATH|URL] [--debug]

Under another WSGI server use the factory: `waitress-serve --call app:create_server` or
`gunicorn 'app:create_server()'` (the AKG_STORE and AKG_DATA environment variables name the store
and extra files, data files separated by the path separator; AKG_CURRICULA where saved curricula live,
AKG_USERS the designers' file, AKG_SECRET the session key, AKG_PROXY=1 behind a reverse proxy). Nothing
is opened at import time.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from graph.cli import Parser, data_files, port
from graph.errors import GraphError
from graph.stores import StoreSpec, open_store


def create_server(spec: StoreSpec | None = None, curricula: str | None = None):
    """The Flask server of a new app (a WSGI factory: under gunicorn the store opens in the worker)."""
    from graph.ui.app import create_app

    if spec is None:
        data = [d for d in os.environ.get("AKG_DATA", "").split(os.pathsep) if d]
        spec = StoreSpec.parse(os.environ.get("AKG_STORE", "oxigraph"), data)
    return create_app(spec, curricula=None if curricula is None else _where(curricula)).server


def _where(curricula: str) -> Path | str:
    """--curricula: a SPARQL endpoint URL as given, else a directory."""
    return curricula if curricula.startswith(("http://", "https://")) else Path(curricula)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Options in any order; --data takes one or more files and may repeat."""
    p = Parser(prog="app.py", description="Aesthetics workforce knowledge-graph explorer")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=port, default=8050, help="TCP port, 1-65535 (default 8050)")
    p.add_argument("--data", nargs="+", action="extend", default=[], metavar="FILE", help="extra RDF files")
    p.add_argument("--store", default="oxigraph", help="oxigraph (default), memory, or a SPARQL endpoint URL")
    p.add_argument(
        "--curricula",
        metavar="PATH|URL",
        help="where saved curricula live: a directory (default var/curricula, one process) or a SPARQL 1.1 "
        "endpoint URL taking queries and updates (shared by several processes)",
    )
    p.add_argument(
        "--debug", action="store_true", help="development mode: Dash's dev server with debug tools"
    )
    p.add_argument("--threads", type=int, default=48, help=argparse.SUPPRESS)
    return p.parse_args(argv)


def serve(spec: StoreSpec, host: str, port: int, threads: int = 48, curricula: str | None = None) -> None:
    """Production: one process, waitress reading requests in its event loop, a few threads answering."""
    from graph.serving import ServerLimits
    from graph.serving import serve as run

    run(lambda: create_server(spec, curricula), host, port, ServerLimits(threads=threads))


def check_store(spec: StoreSpec) -> None:
    """Open the store once (building it on a cold start) in a forked child; GraphError if it cannot open.

    Big files not yet built are left to the app, which serves them from memory at once (graph.workspace).

    The serving process must not open a persisted store before a server forks workers from it (as
    gunicorn does): a worker would inherit RocksDB's background threads half-alive and crash when it
    exits (SIGSEGV, SIGABRT).
    """
    if spec.kind == "oxigraph" and spec.data:
        from graph.stores.oxigraph import memory_first

        if memory_first(spec.sources(), spec.root):  # (a missing or unknown file fails here already)
            return  # the app loads these in memory, with the same one-line errors, and writes them after
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: report the error (if any) through the pipe, exit without finalizers
        from graph.lifeline import die_with_parent

        die_with_parent(parent)  # a killed parent leaves no store builder running
        os.close(read)
        message = b""
        try:
            open_store(spec).close()
        except GraphError as exc:
            message = str(exc).encode()
        except BaseException as exc:
            message = f"cannot open the store: {exc!r}".encode()
        os.write(write, message)
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as f:
        message = f.read().decode()
    _, status = os.waitpid(pid, 0)
    if message:
        raise GraphError(message)
    if os.waitstatus_to_exitcode(status) != 0:
        raise GraphError(
            f"opening the store stopped ({os.waitstatus_to_exitcode(status)}): out of memory or killed?"
        )


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # start-up says what it builds and how far it is (stores, precomputed answers, projections)
    from graph.serving import configure_logging

    configure_logging(logging.INFO)  # each record cut to a few hundred characters; AKG_LOG_FILE rotates
    try:
        spec = StoreSpec.parse(args.store, data_files(args.data))
        check_store(spec)  # bad --data or --store fails here with one line, before any server starts
        if args.debug:
            from graph.serving import check_port
            from graph.ui.app import create_app

            # (the reloader's child, WERKZEUG_RUN_MAIN, serves the port its parent checked and holds)
            if os.environ.get("WERKZEUG_RUN_MAIN") != "true":
                check_port(args.host, args.port)
            where = None if args.curricula is None else _where(args.curricula)
            app = create_app(spec, curricula=where)
            app.config.suppress_callback_exceptions = False  # the renderer checks every callback's ids
            app.run(host=args.host, port=args.port, debug=True)
        else:
            serve(spec, args.host, args.port, args.threads, args.curricula)
    except GraphError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
