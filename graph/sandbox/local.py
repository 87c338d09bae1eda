"""Running a checked query in this process within the row and byte limits (the workers call this)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from graph.sandbox.check import LIMITS, Limits, check
from graph.sparql_text import star_order
from graph.stores import QueryDataset, Result, Store


@dataclass(frozen=True)
class Writers:
    """The media types the client takes, one for rows (SELECT, ASK) and one for triples (None: neither)."""

    table: str | None = None
    graph: str | None = None


@dataclass(frozen=True)
class Written:
    """An answer already written for the client: its form, the writer's type (None when the client takes
    no format for this form: nothing is written) and whether rows or triples were cut."""

    form: str
    media: str | None
    body: bytes = b""
    truncated: bool = False


def execute(
    store: Store,
    text: str,
    limits: Limits = LIMITS,
    *,
    dataset: QueryDataset | None = None,
    checked: bool = False,
) -> Result:
    """Check a query and run it on a store in this process, taking at most max_rows + 1 results.

    No time limit here: that is the worker's job. Exposed for tests and for trusted callers.
    `checked`: another worker already passed this very text under the same limits (the check is a
    pure function of both), so rdflib's parse (20-500 ms on a first sight) is not paid again.
    """
    if not checked:
        check(text, limits)
    return cap_bytes(store.query(text, limit=limits.max_rows, dataset=dataset), limits.max_result_bytes)


def cap_bytes(result: Result, limit: int) -> Result:
    """The leading rows or triples whose values fit in `limit` UTF-8 bytes, marked truncated if cut."""
    items = result.rows if result.form == "SELECT" else result.triples
    total = 0
    for i, item in enumerate(items):
        total += sum(_term_bytes(t) for t in item)
        if total > limit:
            field = "rows" if result.form == "SELECT" else "triples"
            return replace(result, **{field: items[:i]}, truncated=True)
    return result


def _term_bytes(term: object) -> int:
    """A value's size as written: its text, plus its datatype or language tag."""
    if term is None:
        return 0
    text = str(term)
    extra = getattr(term, "datatype", None) or getattr(term, "language", None) or ""
    return (len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))) + len(extra)


def execute_written(
    store: Store,
    text: str,
    writers: Writers,
    limits: Limits = LIMITS,
    *,
    dataset: QueryDataset | None = None,
    checked: bool = False,
) -> Written:
    """execute(), then the answer written in the client's format here, in the worker.

    On Oxigraph the rows go from its terms to the writer: no rdflib term is built, pickled through
    the pipe and converted back (for 10,000 rows that took longer than the query itself).
    """
    from graph import results
    from graph.stores.oxigraph import OxigraphStore

    if not checked:
        check(text, limits)
    if not isinstance(store, OxigraphStore):
        result = cap_bytes(store.query(text, limit=limits.max_rows, dataset=dataset), limits.max_result_bytes)
        media = writers.graph if result.form in ("CONSTRUCT", "DESCRIBE") else writers.table
        body = results.write(result, media) if media else b""
        return Written(result.form, media, body, result.truncated)
    answer = store.native(text, limit=limits.max_rows, dataset=dataset)
    if answer.form == "ASK":
        result = Result("ASK", boolean=answer.boolean)
        return Written("ASK", writers.table, results.write(result, writers.table) if writers.table else b"")
    if answer.form == "SELECT":
        media = writers.table
        if media is None:
            return Written("SELECT", None)
        names, rows = _star_ordered(text, answer.vars, answer.rows)
        written = [
            ["" if t is None else str(t) for t in row] for row in rows
        ]  # N-Triples, as Oxigraph writes
        truncated = answer.truncated
        # a term written in N-Triples holds its value and its datatype or language tag, and a character
        # is at most 4 bytes: only an answer whose written size could pass the limit is counted exactly
        if 4 * sum(len(t) for row in written for t in row) > limits.max_result_bytes:
            kept, cut = _fit(rows, limits.max_result_bytes)
            written, truncated = written[: len(kept)], truncated or cut
        body = results.write_rows(names, written, media, truncated=truncated)
        return Written("SELECT", media, body, truncated)
    media = writers.graph
    if media is None:
        return Written(answer.form, None)
    triples, cut = _fit([(t.subject, t.predicate, t.object) for t in answer.triples], limits.max_result_bytes)
    kept = answer.triples[: len(triples)]
    truncated = answer.truncated or cut
    return Written(answer.form, media, results.write_triples(kept, media, truncated=truncated), truncated)


def _star_ordered(text: str, names: tuple[str, ...], rows: list) -> tuple[tuple[str, ...], list]:
    """A `SELECT *` answer's columns in the query's own order, as Store.query puts them (in_query_order)."""
    order = star_order(text)
    if not order:
        return names, rows
    rank = {name: i for i, name in enumerate(order)}
    columns = sorted(range(len(names)), key=lambda i: (rank.get(names[i], len(rank)), i))
    if columns == list(range(len(names))):
        return names, rows
    return tuple(names[i] for i in columns), [tuple(row[i] for i in columns) for row in rows]


def _fit(items: list, limit: int) -> tuple[list, bool]:
    """The leading rows or triples of Oxigraph terms whose values fit in `limit` bytes (as cap_bytes counts)."""
    total = 0
    for i, item in enumerate(items):
        total += sum(_native_bytes(t) for t in item)
        if total > limit:
            return items[:i], True
    return items, False


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _native_bytes(term: object) -> int:
    """_term_bytes for an Oxigraph term: its value, plus its datatype (not xsd:string) or language tag."""
    if term is None:
        return 0
    text: str = term.value  # type: ignore[attr-defined]
    size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
    language = getattr(term, "language", None)
    if language:
        return size + len(language)
    datatype = getattr(term, "datatype", None)
    if datatype is not None and datatype.value != _XSD_STRING:
        return size + len(datatype.value)
    return size
