"""The subcommands on the store, the catalogue and local files, and the one list of every subcommand for cli.py."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from graph import queries
from graph.commands_analysis import (
    cmd_align_report,
    cmd_curriculum,
    cmd_gap,
    cmd_match,
    cmd_overlap,
    cmd_path,
    cmd_transitions,
)
from graph.commands_common import open_workspace, print_notes
from graph.commands_export import cmd_export
from graph.errors import GraphError, ParameterError
from graph.output import emit
from graph.paths import ONTOLOGY
from graph.sparql_text import decode_query, with_known_prefixes
from graph.stores import StoreSpec
from graph.terms import curie

#: every subcommand, as cli.py dispatches to it (commands.cmd_<name>), wherever it is written
__all__ = [
    "cmd_align_report",
    "cmd_curriculum",
    "cmd_export",
    "cmd_gap",
    "cmd_import",
    "cmd_match",
    "cmd_overlap",
    "cmd_path",
    "cmd_prune",
    "cmd_queries",
    "cmd_query",
    "cmd_sparql",
    "cmd_stats",
    "cmd_transitions",
    "cmd_users",
    "cmd_validate",
]


def cmd_validate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Validate files against the shapes; problems one per line, exit 1; counts on success."""
    from graph.validate import validate

    files = [_shown(Path(f)) for f in args.files] or [_shown(ONTOLOGY), *args.data]
    report = validate(files)
    if not report.conforms:
        for line in report.problems:
            err.write(line + "\n")
        shacl_only = all(line.startswith("SHACL") for line in report.checks)
        if not shacl_only:  # say which checks ran on which file
            err.write("".join(f"{line}\n" for line in report.checks))
        what = "SHACL violation(s)" if shacl_only else "problem(s)"
        err.write(f"{len(report.problems)} {what} in {', '.join(map(str, files))}{_beside(report)}\n")
        return 1
    if len(report.checks) == 1 and report.checks[0].startswith("SHACL"):
        out.write(f"conforms: {', '.join(map(str, files))} ({report.triples} triples){_beside(report)}\n")
    else:
        out.write("".join(f"{line}\n" for line in report.checks))
    emit(report.counts, ("class", "count"), args.format, out)
    return 0


def _beside(report) -> str:
    """Say that curated files were checked as the app loads them: beside the ontology."""
    return f", read with the ontology ({_shown(ONTOLOGY)})" if report.with_ontology else ""


def _shown(path: Path) -> Path:
    """A path as a person would type it here: relative to the working directory when under it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def cmd_stats(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Counts of triples, entities per class and links per category."""
    ws = open_workspace(args)
    ri = ws.role_items
    rows: list[tuple[str, str, int]] = [("store", "triples", ws.store.triple_count())]
    rows += [("class", curie(str(c)), int(n)) for c, _l, n in ws.run("counts_by_class").rows]
    per_cat: dict[str, int] = {}
    for links in ri.links.values():
        for item in links:
            per_cat[ri.category[item]] = per_cat.get(ri.category[item], 0) + 1
    rows += [("role links", cat, n) for cat, n in sorted(per_cat.items())]
    emit(rows, ("what", "name", "count"), args.format, out)
    return 0


def cmd_queries(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The catalogue: each query's name, form, summary and parameters."""
    rows = [
        (q.name, q.form, q.summary, "; ".join(p.describe() for p in q.params) or "-")
        for q in queries.catalogue().values()
    ]
    emit(rows, ("name", "form", "summary", "parameters"), args.format, out)
    return 0


def _params(pairs: list[str]) -> dict[str, object]:
    params: dict[str, object] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key:
            raise ParameterError(f"--param expects KEY=VALUE, got {pair!r}")
        if key in params:
            prev = params[key]
            params[key] = [*prev, value] if isinstance(prev, list) else [prev, value]
        else:
            params[key] = value
    return params


def cmd_query(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a named query with parameters; IRI parameters may be labels, synonyms or CURIEs."""
    named = queries.get(args.name)
    params = _params(args.param)
    for p in named.params:  # a list parameter given once is still a list
        if p.many and p.name in params and not isinstance(params[p.name], list):
            params[p.name] = [params[p.name]]
    ws = open_workspace(args)
    result = ws.run(args.name, params)
    print_notes(ws, err)
    return _print_result(result, args, out)


def _print_result(result, args: argparse.Namespace, out: TextIO) -> int:
    if result.form == "ASK":
        out.write(("true" if result.boolean else "false") + "\n")
    elif result.form == "SELECT":
        emit(result.rows, result.vars, args.format, out)
    else:
        from graph.results import write_graph

        media = {
            "json": "application/ld+json",
            "csv": "application/n-triples",
            "tsv": "application/n-triples",
        }
        out.write(write_graph(result.triples, media.get(args.format, "text/turtle")).decode("utf-8"))
    if result.truncated:
        out.write("(truncated: more results exist than the row or size limit)\n")
    return 0


def cmd_sparql(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run a user's query from a file or stdin through the sandbox (read-only, time and row limits)."""
    from graph.sandbox import Limits, Sandbox

    if args.file == "-":
        text = sys.stdin.read().removeprefix("\ufeff")
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise GraphError(f"{args.file}: cannot read query: {exc}") from None
        text = decode_query(data, args.file)
    sandbox = Sandbox(
        StoreSpec.parse(args.store, args.data),
        Limits(timeout_s=args.timeout, max_rows=args.max_rows),
        workers=1,
        shared=False,  # one query: the on-disk store opens at once, a copy in memory would take seconds
    )
    try:
        return _print_result(sandbox.run(with_known_prefixes(text)), args, out)
    finally:
        sandbox.close()


def cmd_import(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Convert ESCO or O*NET into RDF, atomically, reporting malformed rows with file and line."""
    from graph.importers import import_esco, import_onet

    run = import_esco if args.framework == "esco" else import_onet
    summary = run(Path(args.src), Path(args.out), progress=None if args.quiet else err)
    out.write(summary.format() + "\n")
    return 0


def cmd_prune(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Remove persisted stores nobody can open again (or all with --all) that no process holds; say what went."""
    from graph.stores.oxigraph import prune_stores

    root = StoreSpec().root
    removed = prune_stores(root, everything=args.all)
    for r in removed:
        out.write(f"removed {r.name} ({r.why}): {r.bytes / 1e6:.1f} MB\n")
    out.write(
        f"{len(removed)} store(s) removed, {sum(r.bytes for r in removed) / 1e6:.1f} MB freed ({root})\n"
    )
    return 0


def cmd_users(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Add (password from stdin or a prompt), list or remove the designers who may save curricula."""
    from graph.users import UserError, Users

    users = Users()
    if args.action == "list":
        for name in users.names():
            out.write(f"{name}\n")
        return 0
    if not args.name:
        raise UserError(f"users {args.action} needs a NAME")
    if args.action == "remove":
        users.remove(args.name)
        out.write(f"removed designer {args.name}\n")
        return 0
    new = users.add(args.name, _password(err))
    out.write(f"{'added designer' if new else 'new password for'} {args.name} ({_shown(users.path)})\n")
    return 0


def _password(err: TextIO) -> str:
    """A new password: asked twice at a terminal, else the first line of standard input."""
    from graph.users import UserError

    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        first = getpass.getpass("password: ", stream=err)
        if getpass.getpass("again: ", stream=err) != first:
            raise UserError("the two passwords differ; nothing changed")
        return first
    line = sys.stdin.readline() if sys.stdin is not None else ""
    if not line:
        raise UserError("no password on standard input (pipe one line, or run at a terminal to be asked)")
    return line.rstrip("\r\n")
