"""Curricula to and from files: TriG, JSON-LD, CSV (with decisions and provenance), CASE 1.0, text."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox

from graph import cells, limits
from graph.curricula_model import (
    CSV_COLUMNS,
    CSV_PROVENANCE,
    DECISIONS,
    METHODS,
    Curriculum,
    CurriculumError,
    Decision,
    Outcome,
    from_json,
    json_problems,
    new_id,
)
from graph.curricula_rdf import from_quads, to_quads
from graph.uploads import UploadError, csv_rows, decode
from graph.uploads import parse as parse_outcomes


def export(c: Curriculum, fmt: str) -> str:
    """The curriculum as TriG, JSON-LD, CSV or CASE 1.0 (JSON) text (CSV cells a spreadsheet would run are neutralised)."""
    if fmt == "case":
        from graph import case

        return case.dumps(case.curriculum_package(c))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a carriage return in a cell gets quoted
        w.writerow(CSV_COLUMNS + CSV_PROVENANCE)
        for o in c.outcomes:
            for m in o.matches or (None,):
                w.writerow(cells.row((o.module, o.text, *(_csv_fields(m) if m else [""] * 10))))
        return buf.getvalue()
    formats = {"trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    if fmt not in formats:
        raise CurriculumError(f"export format {fmt!r}: choose trig, jsonld, csv or case")
    store = ox.Store()
    store.extend(to_quads(c))
    return store.dump(format=formats[fmt]).decode("utf-8")


def _csv_fields(m: Decision) -> tuple:
    return (
        m.decision,
        m.item,
        m.label,
        m.score,
        m.kind,
        m.framework,
        m.method,
        m.why,
        m.decided_by,
        m.decided_at,
    )


def import_file(data: bytes, name: str, *, title: str | None = None) -> Curriculum:
    """A new, unsaved curriculum from an uploaded file: TriG/JSON-LD (as exported), CSV, Markdown or text.

    The import never overwrites: it gets a fresh id and version 0. Every problem is one UploadError line
    (a limit of graph.limits is a LimitError line); the result is within every limit.
    """
    text = decode(data, name)
    return limits.check_curriculum(_import(text, name, title), where=name)


def _import(text: str, name: str, title: str | None) -> Curriculum:
    suffix = Path(name).suffix.lower()
    if suffix == ".json" and _is_case(text):
        return from_case(text, name, title=title)
    if suffix == ".json" and _is_own_json(text):  # as the tab's Export JSON and the API write it
        doc = {**json.loads(text), "id": new_id()}
        problems = json_problems(doc)
        if problems:
            raise UploadError(f"{name}: not a curriculum: {'; '.join(problems)}")
        try:
            c = from_json(doc)
        except CurriculumError as exc:
            raise UploadError(f"{name}: {exc}") from None
        return replace(c, version=0, title=title or c.title)
    if suffix in (".trig", ".jsonld", ".json"):
        fmt = ox.RdfFormat.TRIG if suffix == ".trig" else ox.RdfFormat.JSON_LD
        try:
            quads = list(ox.parse(text.encode("utf-8"), format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise UploadError(f"{name}: not {fmt.name}: {str(exc).splitlines()[0]}") from None
        try:
            c = from_quads(quads, strict=True)
        except (CurriculumError, limits.LimitError) as exc:
            raise UploadError(f"{name}: {exc}") from None
        return replace(c, id=new_id(), version=0, title=title or c.title)
    outcomes = _outcomes_with_decisions(text, name)
    return Curriculum(new_id(), title or Path(name).stem or "imported curriculum", (), outcomes)


def _is_case(text: str) -> bool:
    """A .json upload holding a CASE package (else it is read as JSON-LD)."""
    from graph import case

    try:
        return case.looks_like_case(json.loads(text))
    except ValueError:
        return False


def _is_own_json(text: str) -> bool:
    """A .json upload holding this app's own curriculum JSON (title and outcomes, no JSON-LD @context)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and "outcomes" in data and "@context" not in data


def from_case(text: str, name: str, *, title: str | None = None) -> Curriculum:
    """A new curriculum from a CASE 1.0 framework: one outcome per CFItem, alignments to the graph accepted."""
    from graph import case

    try:
        found_title, outcomes = case.read(case.load_json(text, name), name)
    except case.CaseError as exc:
        raise UploadError(str(exc)) from None
    return Curriculum(
        new_id(),
        title or found_title,
        (),
        tuple(
            Outcome(
                o.text, o.module, tuple(Decision(x.iri, x.title or x.iri, 1.0, "accepted") for x in o.links)
            )
            for o in outcomes
        ),
    )


def _outcomes_with_decisions(text: str, name: str) -> tuple[Outcome, ...]:
    """Outcomes from text, CSV or Markdown; an exported CSV's decision columns come back too."""
    if not _is_export(text):
        return tuple(Outcome(x.outcome, x.module) for x in parse_outcomes(text, name))
    table = csv_rows(text.lstrip("\ufeff"), name)  # one row per match: counted once grouped
    grouped: dict[tuple[str, str], list[Decision]] = {}
    for n, cells_ in enumerate(table[1:], 2):
        names = CSV_COLUMNS + CSV_PROVENANCE  # the provenance columns: when the export has them
        row = dict(
            zip(names, (cells.restore(x) for x in [*cells_, *[""] * len(names)][: len(names)]), strict=True)
        )
        key = (row["module"] or "", (row["outcome"] or "").strip())
        if not key[1]:
            continue
        found = grouped.setdefault(key, [])
        if row["item"]:
            if row["decision"] not in DECISIONS:
                raise UploadError(
                    f"{name}:{n}: decision {row['decision']!r}: expected {', '.join(DECISIONS)}"
                )
            try:
                score = limits.finite(row["score"] or 0, "score", where=f"{name}:{n}")
            except limits.LimitError as exc:
                raise UploadError(str(exc)) from None
            extra = [(row.get(k) or "") for k in CSV_PROVENANCE]
            if extra[2] and extra[2] not in METHODS:
                raise UploadError(f"{name}:{n}: method {extra[2]!r}: expected {', '.join(METHODS)}")
            extra[2] = extra[2] or "lexical"
            found.append(Decision(row["item"], row["label"] or row["item"], score, row["decision"], *extra))
    if not grouped:
        raise UploadError(f"{name}: no outcomes: every outcome cell is empty")
    return tuple(Outcome(text_, module, tuple(ds)) for (module, text_), ds in grouped.items())


def _is_export(text: str) -> bool:
    """Whether a CSV text is one of our exports (its header is CSV_COLUMNS): its cells were neutralised."""
    first = text.lstrip("\ufeff").partition("\n")[0]
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        return False
    return [h.strip().casefold() for h in header][:6] == list(CSV_COLUMNS)
