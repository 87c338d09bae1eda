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

from graph.sparql_text import lex, masked

_STRINGS = (
    "<http://www.w3.org/2001/XMLSchema#string>, <http://www.w3.org/1999/02/22-rdf-syntax-ns#langString>"
)
# "0" numbers, "1" strings, else the datatype's IRI (and "Z" when a date or time has a time zone);
# unbound for IRIs and blank nodes. Short, with no REGEX: the key's parsing is most of its cost.
_KEY = (
    'IF(isNumeric({e}), "0", IF(DATATYPE({e}) IN (' + _STRINGS + '), "1", '
    'CONCAT(STR(DATATYPE({e})), IF(COALESCE(TZ({e}), "") = "", "", "Z"))))'
)
_SPACE = re.compile(r"\s*")
_ORDER_BY = re.compile(r"\bORDER\s+BY\b", re.I)
_VAR = re.compile(r"[?$][\w\u00b7]+")
_DIRECTION = re.compile(r"(ASC|DESC)\s*(?=\()", re.I)
_CALL = re.compile(r"(?:[A-Za-z_][\w.\-]*:[\w.\-]*|[A-Za-z_]\w*|\x01+)\s*(?=\()")  # name( prefix:name( <iri>(
_PROJECTION = re.compile(r"\s*SELECT\b[^{}]*$", re.I)
_AS = re.compile(r"\bAS\s+$", re.I)  # searched just before a use of a variable: its binding
_VALUES_BEFORE = re.compile(r"\bVALUES\b[^{}]*$", re.I)  # a use in a VALUES block's head
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

    >>> text = total_order('SELECT ?x WHERE { ?x ?p ?o } ORDER BY DESC(?o) LIMIT 2')
    >>> text[29:71], text[-22:]
    ('ORDER BY DESC(IF(isNumeric(((?o))), "0", I', '))) DESC((?o)) LIMIT 2')
    >>> total_order('SELECT ?x WHERE { ?x ?p "ORDER BY ?x" }')
    'SELECT ?x WHERE { ?x ?p "ORDER BY ?x" }'
    """
    if not _ORDER_BY.search(text):
        return text  # most queries: not even lexed
    code = masked(text)
    out, pos = [], 0
    for m in _ORDER_BY.finditer(code):
        conditions = _conditions(code, m.end())
        if not conditions:
            continue
        out.append(text[pos : m.end()])
        for direction, start, end in conditions:
            expr = _plain(text[start:end])
            key = f"{direction}({_KEY.format(e=f'({expr})')}) " if _mixed(code, start, end) else ""
            out.append(f" {key}{direction}({expr})")
        pos = conditions[-1][2]
    out.append(text[pos:])
    return "".join(out)


def _mixed(code: str, start: int, end: int) -> bool:
    """Whether an ORDER BY expression may hold values of mixed types: False when it is a call that gives
    one kind of value, or a variable every binding of which gives the same kind (each key costs a third
    more on ESCO's 13,896 skills, sorted by two such BINDs)."""
    expr = _unbracketed(code[start:end])
    if not _VAR.fullmatch(expr):
        return _kind(expr) is None
    uses = [m.start() for m in re.finditer(rf"[?$]{re.escape(expr[1:])}(?![\w\u00b7])", code)]
    binds = [(a.start(), u) for u in uses if (a := _AS.search(code, max(0, u - 40), u))]
    if not binds or any(_VALUES_BEFORE.search(code, max(0, u - 4000), u) for u in uses):
        return True
    kinds = set()
    for as_at, _u in binds:  # each binding's expression runs from its opening bracket to AS
        opening = _opening(code, as_at)
        kinds.add(_kind(code[opening + 1 : as_at]) if opening >= 0 else None)
    if len(kinds) != 1 or None in kinds:
        return True
    bound_at = {u for _a, u in binds}
    return any(u not in bound_at and _in_pattern(code, u) for u in uses)


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


def _opening(code: str, pos: int, opens: str = "(") -> int:
    """The index of the innermost bracket of `opens` left open before pos, or -1."""
    closes = "".join({"(": ")", "{": "}"}[c] for c in opens)
    depth = 0
    for i in range(pos - 1, -1, -1):
        if code[i] in closes:
            depth += 1
        elif code[i] in opens:
            if depth == 0:
                return i
            depth -= 1
    return -1


def _in_pattern(code: str, pos: int) -> bool:
    """Whether pos is in a graph pattern outside any bracket, where a variable can be bound (a
    subquery's projection reads its variables: it binds none)."""
    i = _opening(code, pos, "({")
    return i >= 0 and code[i] == "{" and not _PROJECTION.match(code, i + 1, pos)


def _plain(expr: str) -> str:
    """An expression's text with its comments blanked, so it can sit inside another expression."""
    return "".join(" " * len(c) if kind == "literal" and c.startswith("#") else c for kind, c in lex(expr))


def _conditions(code: str, pos: int) -> list[tuple[str, int, int]]:
    """Each condition after ORDER BY as (direction, its expression's start, end); [] if any condition
    is one this rewrite leaves alone (an EXISTS inside, unbalanced brackets)."""
    found = []
    while True:
        start = _SPACE.match(code, pos).end()
        direction, expr_start = "ASC", start
        if (m := _VAR.match(code, start)) is not None:
            end = m.end()
        elif (m := _DIRECTION.match(code, start)) is not None:
            direction, expr_start = m.group(1).upper(), m.end()
            end = _closing(code, m.end())
        elif code.startswith("(", start):
            end = _closing(code, start)
        elif (m := _CALL.match(code, start)) is not None and not _is_keyword(m.group(0)):
            end = _closing(code, m.end())
        else:
            return found
        if end < 0 or _UNSAFE.search(code, expr_start, end):
            return []
        found.append((direction, expr_start, end))
        pos = end


def _is_keyword(name: str) -> bool:
    """Clause keywords that may follow ORDER BY's conditions (a VALUES block's `(` is not a call)."""
    return name.strip().upper() in ("LIMIT", "OFFSET", "VALUES")


def _closing(code: str, start: int) -> int:
    """The index just past the bracket matching the `(` at start, or -1."""
    depth = 0
    for i in range(start, len(code)):
        if code[i] == "(":
            depth += 1
        elif code[i] == ")":
            depth -= 1
            if depth == 0:
                return i + 1
    return -1
