"""ORDER BY keys Oxigraph can sort: a total order, so mixed literals never abort the process.

Oxigraph (0.5.13) orders two literals by value when it can compare them and by lexical form when it
cannot. Over a column mixing numbers and strings (`9 < 10`, `"10" < "5"`, `"5" < "9"`) that is no order
at all, and Rust's sort then panics, which pyoxigraph turns into an abort of the whole process: a
worker, the command line or the app. Whether it aborts depends on the order the rows arrive in, so the
same query failed about one run in twenty on the curated graph.

SPARQL defines no order between literals its `<` cannot compare, so each condition is preceded here by
a key that keeps such literals apart: numbers, then strings and language-tagged strings (compared by
value), then one group per other datatype (date and time values split by whether they carry a time
zone). Inside a group Oxigraph's own comparison is a total order; IRIs, blank nodes and unbound values
get no key and sort first, as before. `DESC` reverses the whole order.
"""

from __future__ import annotations

import re

from graph.sparql_text import lex

_STRINGS = (
    "<http://www.w3.org/2001/XMLSchema#string>, <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>"
)
# "0" numbers, "1" strings, else the datatype's IRI (and "Z" when a date or time has a time zone);
# unbound for IRIs and blank nodes. Short, with no REGEX: the key's parsing is most of its cost.
_KEY = (
    'IF(isNumeric({e}), "0", IF(DATATYPE({e}) IN (' + _STRINGS + '), "1", '
    'CONCAT(STR(DATATYPE({e})), IF(COALESCE(TZ({e}), "") = "", "", "Z"))))'
)
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_VAR = re.compile(r"[?$][A-Za-z_0-9\u00b7\u00c0-\uffff]+")
_DIRECTION = re.compile(r"(ASC|DESC)\s*(?=\()", re.I)
_CALL = re.compile(r"(?:[A-Za-z_][\w.\-]*:[\w.\-]*|[A-Za-z_]\w*|\x01+)\s*(?=\()")  # name( prefix:name( <iri>(
_PROJECTION = re.compile(r"\s*SELECT\b[^{}]*$", re.I)
_VALUES_HEAD = re.compile(r"\bVALUES\b([^{]*)", re.I)
# The one kind of value each of these functions gives (or an error): two values of one kind are always
# comparable, so Oxigraph's comparison of them is already a total order.
_KINDS = {
    "string": "STR LCASE UCASE SUBSTR CONCAT STRBEFORE STRAFTER REPLACE ENCODE_FOR_URI LANG STRUUID MD5 SHA1 "
    "SHA256 SHA384 SHA512 GROUP_CONCAT",
    "number": "STRLEN COUNT SUM AVG ROUND ABS CEIL FLOOR YEAR MONTH DAY HOURS MINUTES",
    "boolean": "ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC BOUND SAMETERM LANGMATCHES REGEX CONTAINS STRSTARTS "
    "STRENDS",
    "iri": "IRI URI",
}
_KIND_OF = {name: kind for kind, names in _KINDS.items() for name in names.split()}
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_UNSAFE = re.compile(r"\b(?:EXISTS|NOT)\b", re.I)  # a graph pattern inside: left as written


def total_order(text: str) -> str:
    """The query with each ORDER BY condition preceded by its type group's key (see the module's doc).

    >>> total_order('SELECT ?x WHERE { ?x ?p ?o } ORDER BY DESC(?o) ?x LIMIT 2').count('DESC(IF(isNumeric((?o))')
    1
    >>> total_order('SELECT ?x WHERE { ?x ?p "ORDER BY ?x" }')
    'SELECT ?x WHERE { ?x ?p "ORDER BY ?x" }'
    """
    masked = _masked(text)
    out, pos = [], 0
    for m in _ORDER_BY.finditer(masked):
        conditions = _conditions(masked, m.end())
        if not conditions:
            continue
        out.append(text[pos : m.end()])
        for _start, _end, direction, expr_start, expr_end in conditions:
            expr = _plain(text[expr_start:expr_end])
            key = (
                f"{direction}({_KEY.format(e=f'({expr})')}) " if _mixed(masked, expr_start, expr_end) else ""
            )
            out.append(f" {key}{direction}({expr})")
        pos = conditions[-1][1]
    out.append(text[pos:])
    return "".join(out)


def _mixed(masked: str, start: int, end: int) -> bool:
    """Whether an ORDER BY expression may hold values of mixed types: False when it is a call that gives
    one kind of value, or a variable every binding of which gives the same kind (each key costs a third
    more on ESCO's 13,896 skills, sorted by two such BINDs)."""
    expr = _unbracketed(masked[start:end])
    if not _VAR.fullmatch(expr):
        return _kind(expr) is None
    var = rf"[?$]{re.escape(expr[1:])}(?![\w\u00b7\u00c0-\uffff])"
    binds = list(re.finditer(rf"\bAS\s+{var}", masked, re.I))
    if not binds or any(re.search(var, h) for h in _VALUES_HEAD.findall(masked)):
        return True
    kinds = set()
    for b in binds:  # each binding's expression runs from its opening bracket to AS
        opening = _opening(masked, b.start())
        kinds.add(_kind(masked[opening + 1 : b.start()]) if opening >= 0 else None)
    if len(kinds) != 1 or None in kinds:
        return True
    binding_at = {b.end() - len(expr) for b in binds}
    return any(
        m.start() not in binding_at and _in_pattern(masked, m.start()) for m in re.finditer(var, masked)
    )


def _unbracketed(expr: str) -> str:
    expr = expr.strip()
    while expr.startswith("(") and _closing(expr, 0) == len(expr):
        expr = expr[1:-1].strip()
    return expr


def _kind(expr: str) -> str | None:
    """The one kind of value an expression gives (a call of _KINDS' functions, a number, a boolean)."""
    expr = _unbracketed(expr)
    if _NUMBER.fullmatch(expr):
        return "number"
    if expr.lower() in ("true", "false"):
        return "boolean"
    name = _outer_call(expr)
    if name in ("IF", "COALESCE"):  # the kind its every possible value has, if they share one
        args = _arguments(expr)
        kinds = {_kind(a) for a in (args[1:] if name == "IF" else args)}
        return kinds.pop() if len(kinds) == 1 else None
    return _KIND_OF.get(name)


def _arguments(call: str) -> list[str]:
    """A call's arguments, split at its own commas."""
    inner = call[call.index("(") + 1 : -1]
    args, depth, last = [], 0, 0
    for i, c in enumerate(inner):
        depth += (c == "(") - (c == ")")
        if c == "," and depth == 0:
            args.append(inner[last:i])
            last = i + 1
    return [*args, inner[last:]]


def _outer_call(expr: str) -> str:
    """The name of the function an expression is a call to, upper-cased; "" if it is not one call."""
    m = re.match(r"([A-Za-z_]+)\s*\(", expr)
    return m.group(1).upper() if m and _closing(expr, m.end() - 1) == len(expr) else ""


def _opening(masked: str, pos: int) -> int:
    """The index of the unmatched `(` before pos, or -1."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        if masked[i] == ")":
            depth += 1
        elif masked[i] == "(":
            if depth == 0:
                return i
            depth -= 1
    return -1


def _in_pattern(masked: str, pos: int) -> bool:
    """Whether pos is in a graph pattern outside any bracket, where a variable can be bound."""
    depth = 0
    for i in range(pos - 1, -1, -1):
        c = masked[i]
        if c in ")}":
            depth += 1
        elif c in "({":
            if depth == 0:  # a subquery's projection reads its variables: it binds none
                return c == "{" and not _PROJECTION.match(masked, i + 1, pos)
            depth -= 1
    return False


def _masked(text: str) -> str:
    """The text with strings and IRIs as \\x01 runs and comments as spaces, each at its own length."""
    parts = []
    for kind, chunk in lex(text):
        if kind == "code":
            parts.append(chunk)
        elif chunk.startswith("#"):
            parts.append(" " * len(chunk))
        else:
            parts.append("\x01" * len(chunk))
    return "".join(parts)


def _plain(expr: str) -> str:
    """An expression's text with its comments blanked, so it can sit inside another expression."""
    return "".join(" " * len(c) if kind == "literal" and c.startswith("#") else c for kind, c in lex(expr))


def _conditions(masked: str, pos: int) -> list[tuple[int, int, str, int, int]]:
    """Each condition after ORDER BY as (start, end, direction, expression start, end); [] if any
    condition is one this rewrite leaves alone (an EXISTS inside, unbalanced brackets)."""
    found = []
    while True:
        start = pos + len(masked[pos:]) - len(masked[pos:].lstrip())
        direction, expr_start = "ASC", start
        if (m := _VAR.match(masked, start)) is not None:
            end = m.end()
        elif (m := _DIRECTION.match(masked, start)) is not None:
            direction, expr_start = m.group(1).upper(), m.end()
            end = _closing(masked, m.end())
        elif masked.startswith("(", start):
            end = _closing(masked, start)
        elif (m := _CALL.match(masked, start)) is not None and not _is_keyword(m.group(0)):
            end = _closing(masked, m.end())
        else:
            return found
        if end < 0 or _UNSAFE.search(masked, expr_start, end):
            return []
        found.append((start, end, direction, expr_start, end))
        pos = end


def _is_keyword(name: str) -> bool:
    """Clause keywords that may follow ORDER BY's conditions (a VALUES block's `(` is not a call)."""
    return name.strip().upper() in ("LIMIT", "OFFSET", "VALUES")


def _closing(masked: str, start: int) -> int:
    """The index just past the bracket matching the `(` at start, or -1."""
    depth = 0
    for i in range(start, len(masked)):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1
