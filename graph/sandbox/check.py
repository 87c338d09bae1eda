"""What user SPARQL may be: a read-only check on rdflib's parse tree, and the limits a query runs under."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib.plugins.sparql.parser import parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue

from graph.errors import QueryError, RefusedQuery
from graph.stores.memory import PARSE_LOCK, prepare

READ_ONLY = "updates are not allowed: this endpoint is read-only"
EMPTY = "the query is empty: write a SELECT, ASK, CONSTRUCT or DESCRIBE query"
_FORMS = {
    "SelectQuery": "SELECT",
    "AskQuery": "ASK",
    "ConstructQuery": "CONSTRUCT",
    "DescribeQuery": "DESCRIBE",
}
# Only to name a malformed update as an update; a well-formed one is recognised by rdflib's parser.
_UPDATE_START = re.compile(
    r"^(?:\s+|#[^\n]*|PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)*"
    r"(?:INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.I,
)


@dataclass(frozen=True)
class Limits:
    """How long a query may run, how much it may return, and how long its text may be."""

    timeout_s: float = 10.0
    max_rows: int = 10_000  # rows (SELECT) or triples (CONSTRUCT/DESCRIBE) returned; more -> truncated=True
    max_query_chars: int = 20_000
    max_result_bytes: int = 16 * 1024**2  # UTF-8 size of the values returned; more -> truncated=True


LIMITS = Limits()  # the defaults


def check(text: str, limits: Limits = Limits()) -> str:
    """Refuse what must never run; return the query form (SELECT/ASK/CONSTRUCT/DESCRIBE).

    Decided on rdflib's parse tree, not on the text, so keywords inside strings, comments and
    IRIs are harmless. Refused: updates, SERVICE (a request to any URL) and text longer than the
    limit. FROM and FROM NAMED choose among the graphs held here (one that is not held is empty).

    >>> check("SELECT ?s WHERE { ?s ?p 'SERVICE <http://x/> FROM' }  # LOAD <http://x/>")
    'SELECT'
    """
    if len(text) > limits.max_query_chars:
        raise RefusedQuery(
            f"query too long: {len(text):,} characters, the limit is {limits.max_query_chars:,}"
        )
    try:
        query = prepare(text)
    except QueryError:
        if _is_empty(text):
            raise QueryError(EMPTY) from None
        if _is_update(text):
            raise RefusedQuery(READ_ONLY) from None
        raise
    for node in _walk(query.algebra):
        if node.name == "ServiceGraphPattern":
            raise RefusedQuery(f"SERVICE is not allowed: this endpoint fetches nothing ({node.get('term')})")
    return _FORMS.get(query.algebra.name, "SELECT")


def _is_empty(text: str) -> bool:
    """Whether text holds no query or update at all (only prologue, comments or nothing): rdflib parses
    it as an empty update, which was refused as one."""
    with PARSE_LOCK:
        try:
            parsed = parseUpdate(text)
        except Exception:  # malformed (rdflib raises bare Exceptions too): not empty
            return False
    return "request" not in parsed or not parsed["request"]


def _is_update(text: str) -> bool:
    """Whether text is a SPARQL Update, well-formed (rdflib parses it) or obviously meant as one."""
    if _UPDATE_START.match(text):
        return True
    with PARSE_LOCK:
        try:
            parseUpdate(text)
        except ParseException:
            return False
        except Exception:  # rdflib raises bare Exceptions for some malformed input
            return False
    return True


def _walk(node: object) -> Iterable[CompValue]:
    """Every CompValue of an algebra tree, including those inside expressions (EXISTS) and subqueries."""
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(v for k, v in item.items() if k != "_vars")
        elif isinstance(item, list | tuple):
            stack.extend(item)
