"""Running a checked query in this process within the row and byte limits (the workers call this)."""

from __future__ import annotations

from dataclasses import replace

from graph.sandbox.check import LIMITS, Limits, check
from graph.stores import QueryDataset, Result, Store


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
