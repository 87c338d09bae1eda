"""The command line: validate, stats, queries, query, sparql, overlap, gap, cover, path, export, import, bench.

Global options (--data, --store, --format) may stand before or after the subcommand. Exit codes:
0 success, 1 a data, query or name error (one line, never a traceback), 2 a usage error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from graph.errors import GraphError
from graph.load import FORMATS as RDF_SUFFIXES
from graph.output import FORMATS, emit

EXPORT_FORMATS = ("turtle", "jsonld", "graphml", "csv")
_GLOBALS = ("--data", "--store", "--format")


def extract_globals(argv: Sequence[str]) -> tuple[dict[str, object], list[str]]:
    """Pull --data FILE…, --store S and --format F out of argv wherever they stand."""
    found: dict[str, object] = {"data": []}
    rest: list[str] = []
    args = list(argv)
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name not in _GLOBALS or arg == "--":
            rest.append(arg)
            i += 1
            continue
        values = [value] if eq else []
        i += 1
        if name == "--data":
            # take every following argument that names an RDF file, so `--data a.ttl b.nt gap A B` works
            while not eq and i < len(args) and Path(args[i]).suffix.lower() in RDF_SUFFIXES:
                values.append(args[i])
                i += 1
            if not values:
                raise UsageError(f"--data expects RDF files ({', '.join(sorted(RDF_SUFFIXES))})")
            found["data"].extend(values)
        else:
            if not eq:
                if i >= len(args):
                    raise UsageError(f"{name} expects a value")
                values = [args[i]]
                i += 1
            found[name[2:]] = values[0]
    return found, rest


class UsageError(Exception):
    """A command line that cannot be understood (exit 2)."""


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    p = argparse.ArgumentParser(
        prog="python -m graph",
        description="Explore the medical-aesthetics workforce knowledge graph.",
        epilog="Global options, before or after the subcommand: --data FILE… (more RDF beside the ontology), "
        "--store oxigraph|memory|URL (default oxigraph), --format table|json|csv|tsv "
        "(export: turtle|jsonld|graphml|csv).",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    v = sub.add_parser("validate", help="check RDF files against the SHACL shapes (default: the ontology)")
    v.add_argument("files", nargs="*", help="RDF files to validate together")
    sub.add_parser("stats", help="counts of triples, classes and links")
    sub.add_parser("queries", help="the catalogue of named queries with summaries and parameters")
    q = sub.add_parser("query", help="run a named query")
    q.add_argument("name")
    q.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter; repeat a key to give a list; IRIs may be labels or CURIEs",
    )
    s = sub.add_parser("sparql", help="run your own SPARQL query from a file or - (stdin), sandboxed")
    s.add_argument("file")
    s.add_argument("--timeout", type=float, default=10.0, help="seconds before the query is stopped")
    s.add_argument("--max-rows", type=int, default=10_000)
    o = sub.add_parser("overlap", help="what roles share: a pair in detail, or a matrix / top pairs")
    o.add_argument("--roles", nargs="+", metavar="ROLE", help="roles (IRI, CURIE or label); default: all")
    o.add_argument("--category", help="one category (procedures, devices, training, credentials, duties, …)")
    o.add_argument("--weighted", action="store_true", help="essential links weigh 1, optional 0.5")
    o.add_argument("--top", type=int, default=20, help="pairs to list when more than two roles")
    g = sub.add_parser("gap", help="what a person in role A must add to reach role B, in order")
    g.add_argument("a")
    g.add_argument("b")
    c = sub.add_parser("cover", help="fewest training topics and credentials that reach every role given")
    c.add_argument("roles", nargs="+", metavar="ROLE")
    pa = sub.add_parser("path", help="how two entities are connected: shortest paths as sentences")
    pa.add_argument("a")
    pa.add_argument("b")
    pa.add_argument("--limit", type=int, default=5)
    e = sub.add_parser("export", help="the graph as Turtle or JSON-LD, its entity network as GraphML or CSV")
    e.add_argument("--out", "-o", help="file (turtle, jsonld, graphml) or directory (csv); default stdout")
    im = sub.add_parser("import", help="convert ESCO or O*NET to RDF aligned with the ontology")
    im.add_argument("framework", choices=("esco", "onet"))
    im.add_argument("src", help="directory of the framework's CSV/TXT files")
    im.add_argument("--out", "-o", required=True, help="output .nt or .ttl file (written atomically)")
    im.add_argument("--quiet", action="store_true", help="no progress bar")
    b = sub.add_parser("bench", help="benchmark stores, queries, callbacks and overlap (prints figures)")
    from graph import bench

    bench.configure(b)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        found, rest = extract_globals(argv)
    except UsageError as exc:
        err.write(f"python -m graph: error: {exc}\n")
        return 2
    try:
        args = parser().parse_args(rest)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.data = [Path(d) for d in found["data"]]
    args.store = str(found.get("store", "oxigraph"))
    fmt = found.get("format")
    allowed = EXPORT_FORMATS if args.command == "export" else FORMATS
    if fmt is not None and fmt not in allowed:
        err.write(
            f"python -m graph: error: --format {fmt!r} for {args.command}: choose {', '.join(allowed)}\n"
        )
        return 2
    args.format = fmt or allowed[0]
    try:
        from graph import commands

        return getattr(commands, f"cmd_{args.command}")(args, out, err)
    except GraphError as exc:
        err.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0


def emit_rows(
    rows: Sequence[Sequence[object]], columns: Sequence[str], args: argparse.Namespace, out: TextIO
) -> None:
    """Write a result table in the format the user asked for."""
    emit(rows, columns, args.format, out)
