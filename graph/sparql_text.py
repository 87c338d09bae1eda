"""SPARQL text handling that no engine does for us: lexing, safe substitution, VALUES placement.

Everything here works on query text outside strings, IRIs and comments, so a bound value or a
keyword inside a literal can never change what a query means.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from rdflib.term import Node

from graph.errors import QueryError
from graph.load import decode_text

Binding = Node | Sequence[Node]

_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.I)
_VAR = re.compile(r"[?$]([A-Za-z_][A-Za-z0-9_]*)")
_STAR = re.compile(r"\s+(?:(?:DISTINCT|REDUCED)\s+)?\*", re.I)
_WHERE = re.compile(r"\bWHERE\b", re.I)
_FROM = re.compile(r"(?<![\w:.\-?$])FROM(?![\w:\-])", re.I)
_TOKEN = re.compile(
    r'(?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\')'
    r'|(?P<str>"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r"|(?P<iri><[^<>\"{}|^`\\\s]*>)"
    r"|(?P<comment>#[^\n]*)",
)


def lex(text: str) -> list[tuple[str, str]]:
    """Split query text into code and the parts no substitution may touch (strings, IRIs, comments).

    >>> lex('SELECT ?x WHERE { ?x ?p "?y" }')
    [('code', 'SELECT ?x WHERE { ?x ?p '), ('literal', '"?y"'), ('code', ' }')]
    """
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        if m.start() > pos:
            out.append(("code", text[pos : m.start()]))
        out.append(("literal", m.group(0)))
        pos = m.end()
    out.append(("code", text[pos:]))
    return out


def masked(text: str) -> str:
    """The text with strings and IRIs as \\x01 runs and comments as spaces, each at its own length:
    positions found in it are positions in the text.

    >>> masked('ASK { ?s ?p "}" } # }').replace("\\x01", "_")
    'ASK { ?s ?p ___ }    '
    """
    return _TOKEN.sub(lambda m: (" " if m.group(0)[0] == "#" else "\x01") * len(m.group(0)), text)


def strip_comments_and_strings(text: str) -> str:
    """The query's code alone, with strings, IRIs and comments blanked out."""
    return "".join(chunk if kind == "code" else " " for kind, chunk in lex(text))


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first form keyword outside strings and comments.

    >>> query_form('# SELECT in a comment\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }')
    'CONSTRUCT'
    """
    m = _FORM.search(strip_comments_and_strings(text))
    return m.group(1).upper() if m else "SELECT"


def star_order(text: str) -> tuple[str, ...] | None:
    """For `SELECT *`, its variables in the order the query first names them (its own order); else None.

    SPARQL leaves the order of `*` to the engine (Oxigraph and rdflib differ), so every store uses this one.

    >>> star_order('PREFIX x: <urn:x#> SELECT * WHERE { ?s ?p "?q" . ?s x:p ?o }')
    ('s', 'p', 'o')
    >>> star_order('SELECT ?o WHERE { { SELECT * WHERE { ?s ?p ?o } } }') is None
    True
    """
    code = strip_comments_and_strings(text)
    m = _FORM.search(code)
    if not m or m.group(1).upper() != "SELECT":
        return None
    star = _STAR.match(code, m.end())
    return tuple(dict.fromkeys(_VAR.findall(code, star.end()))) if star else None


def has_dataset_clause(text: str) -> bool:
    """Whether the query names its own dataset (FROM or FROM NAMED), outside strings, IRIs and comments.

    >>> has_dataset_clause('SELECT ?from WHERE { ?s ex:from "FROM" } # FROM')
    False
    >>> has_dataset_clause('ASK FROM NAMED <urn:g> { GRAPH ?g { ?s ?p ?o } }')
    True
    """
    return bool(_FROM.search(strip_comments_and_strings(text)))


def substitute(text: str, scalars: Mapping[str, Node]) -> str:
    """Replace bound variables by their serialised terms (SEP-0007 substitution) outside strings and IRIs.

    >>> from rdflib import Literal
    >>> substitute('SELECT * WHERE { ?s ?p $o . FILTER(?o != "$o") }', {"o": Literal("x")})
    'SELECT * WHERE { ?s ?p "x" . FILTER("x" != "$o") }'
    """
    if not scalars:
        return text

    def repl(m: re.Match[str]) -> str:
        term = scalars.get(m.group(1))
        return term.n3() if term is not None else m.group(0)

    return "".join(_VAR.sub(repl, c) if kind == "code" else c for kind, c in lex(text))


def split_bindings(bindings: Mapping[str, Binding | None]) -> tuple[dict[str, Node], dict[str, list[Node]]]:
    """Single values (bound natively) apart from lists (bound by VALUES); None leaves a variable free."""
    scalars: dict[str, Node] = {}
    lists: dict[str, list[Node]] = {}
    for name, value in bindings.items():
        if value is None:
            continue
        if isinstance(value, Node):
            scalars[name] = value
        else:
            lists[name] = list(value)
    return scalars, lists


def with_values(text: str, lists: Mapping[str, Sequence[Node]], *, at_end: bool = False) -> str:
    """Bind lists by VALUES blocks in the outer WHERE group; an empty list leaves the variable free.

    At the top by default: Oxigraph then joins the values first (neighbours of two nodes on the
    combined graph: 22 ms at the top, 3.5 s at the end). At the end for remote stores: Virtuoso 7.2.5
    ignores a leading VALUES block whose variables are bound only inside nested groups.
    """
    blocks = "".join(
        f"  VALUES ?{name} {{ {' '.join(term.n3() for term in terms)} }}\n"
        for name, terms in lists.items()
        if terms
    )
    if not blocks:
        return text
    chunks = lex(text)
    depth, opened = 0, False
    for n, (kind, chunk) in enumerate(chunks):
        if kind != "code":
            continue
        pos = 0
        if not opened:
            m = _WHERE.search(chunk)
            if not m:
                continue
            pos = m.end()
        for i in range(pos, len(chunk)):
            if chunk[i] == "{":
                if not opened and not at_end:
                    chunks[n] = (kind, chunk[: i + 1] + "\n" + blocks + chunk[i + 1 :])
                    return "".join(c for _, c in chunks)
                depth, opened = depth + 1, True
            elif chunk[i] == "}" and opened:
                depth -= 1
                if depth == 0:
                    chunks[n] = (kind, chunk[:i] + blocks + chunk[i:])
                    return "".join(c for _, c in chunks)
    raise QueryError("a query with list parameters needs a WHERE { ... } group to bind them in")


_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.I)
_PREFIXED = re.compile(r"(?<![\w?$:.\-/#@])([A-Za-z][\w-]*(?:\.[\w-]+)*)?:(?!//)")


def with_known_prefixes(text: str, known: Mapping[str, str] | None = None) -> str:
    """The query with a PREFIX declaration for each known prefix it uses without declaring.

    The declarations go before the first line, on that line, so errors keep their line numbers.

    >>> with_known_prefixes("SELECT ?r WHERE { ?r a akg:Role }  # skos:x")
    'PREFIX akg: <https://w3id.org/aesthetics-kg/ontology#> SELECT ?r WHERE { ?r a akg:Role }  # skos:x'
    """
    from graph.terms import PREFIXES

    known = PREFIXES if known is None else known
    code = strip_comments_and_strings(text)
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(code)}
    used = dict.fromkeys(m.group(1) or "" for m in _PREFIXED.finditer(_PREFIX_DECL.sub(" ", code)))
    missing = [p for p in used if p not in declared and p in known]
    if not missing:
        return text
    return "".join(f"PREFIX {p}: <{known[p]}> " for p in missing) + text


def decode_query(data: bytes, name: str) -> str:
    """A query file's text: UTF-8, or UTF-16 with its byte-order mark (what Windows editors and
    PowerShell's `>` write); a UTF-8 byte-order mark is dropped, as the SPARQL grammar has no place for it.

    >>> decode_query(b"\\xef\\xbb\\xbfASK {}", "q.rq"), decode_query("ASK {}".encode("utf-16"), "q.rq")
    ('ASK {}', 'ASK {}')
    """
    try:
        return decode_text(data)
    except UnicodeDecodeError as exc:
        raise QueryError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); save it as UTF-8"
        ) from None
