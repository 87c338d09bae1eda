"""The catalogue of named queries in queries/*.rq: metadata, typed parameters, safe binding, running.

Each file is plain SPARQL with `#+` comment lines (grlc style) that name its summary, tags and
parameters. A parameter `x` is the variable `$x` in the text. Values are bound, never pasted:
single values natively (rdflib initBindings, Oxigraph substitutions), lists as a trailing VALUES
block of serialised terms; an omitted optional parameter leaves its variable free (any value).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rdflib import XSD, Literal, URIRef
from rdflib.term import Node

from graph.errors import ParameterError
from graph.paths import QUERIES
from graph.sparql_text import Binding, query_form, substitute, with_values
from graph.stores import Result, Store
from graph.terms import expand

TYPES = ("iri", "string", "integer", "boolean")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)(?P<many>\*)?"
    r"(?:\s+(?P<req>required|optional|default=\S+))?(?:\s+vars=(?P<vars>[A-Za-z0-9_,]+))?"
    r"\s*(?:-\s*(?P<doc>.*))?$"
)
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")


@dataclass(frozen=True)
class Param:
    """One declared parameter: its type, whether it takes a list, and its default."""

    name: str
    type: str
    many: bool = False
    required: bool = False
    default: str | None = None
    doc: str = ""
    vars: tuple[str, ...] = ()

    @property
    def variables(self) -> tuple[str, ...]:
        """The query variables the value is bound to: the parameter's own name unless vars= says more."""
        return self.vars or (self.name,)

    def describe(self) -> str:
        """A one-line signature for people: name, type, and required or default."""
        kind = self.type + ("*" if self.many else "")
        extra = "required" if self.required else (f"default {self.default}" if self.default else "optional")
        return f"{self.name} ({kind}, {extra})"


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its metadata; the text is exactly the file's, runnable in any SPARQL tool."""

    name: str
    path: Path
    text: str
    summary: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT or DESCRIBE, as the file name and text say."""
        return query_form(self.text)

    def param(self, name: str) -> Param:
        """The declared parameter of that name, or an error listing them all."""
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(
            f"query {self.name!r} has no parameter {name!r}{_closest(name, self.names())}; {self.signature()}"
        )

    def signature(self) -> str:
        """The parameters as people read them."""
        if not self.params:
            return "it takes no parameters"
        return "parameters: " + ", ".join(p.describe() for p in self.params)

    def names(self) -> list[str]:
        """The declared parameters' names, for errors that suggest one."""
        return [p.name for p in self.params]


def parse_query_file(path: Path) -> NamedQuery:
    """Read one .rq file and its `#+` metadata; malformed metadata names the file and line."""
    text = path.read_text(encoding="utf-8")
    summary, tags, params = "", (), []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.startswith("#+"):
            continue
        key, _, value = line[2:].strip().partition(":")
        value = value.strip()
        if key == "summary":
            summary = value
        elif key == "tags":
            tags = tuple(t.strip() for t in value.split(",") if t.strip())
        elif key == "param":
            m = _PARAM.match(value)
            if not m or m["type"] not in TYPES:
                raise ParameterError(
                    f"{path}:{lineno}: malformed #+ param line: expected 'name type[*] [required|default=V] - doc' with a type of {', '.join(TYPES)}"
                )
            req = m["req"] or "optional"
            params.append(
                Param(
                    m["name"],
                    m["type"],
                    bool(m["many"]),
                    req == "required",
                    req.split("=", 1)[1] if req.startswith("default=") else None,
                    (m["doc"] or "").strip(),
                    tuple(v for v in (m["vars"] or "").split(",") if v),
                )
            )
    return NamedQuery(path.stem, path, text, summary, tags, tuple(params))


@lru_cache(maxsize=4)
def catalogue(directory: Path = QUERIES) -> dict[str, NamedQuery]:
    """Every query of the catalogue by name, read once."""
    return {q.name: q for q in (parse_query_file(p) for p in sorted(directory.glob("*.rq")))}


def get(name: str) -> NamedQuery:
    """One named query, or an error listing what the catalogue has."""
    queries = catalogue()
    if name not in queries:
        raise ParameterError(
            f"no query named {name!r}{_closest(name, queries)}; the catalogue has: {', '.join(queries)}"
        )
    return queries[name]


def _closest(name: str, known: Iterable[str]) -> str:
    """' (did you mean X?)' for a name one slip away from a known one: a typo should not need the list read."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f" (did you mean {close[0]!r}?)" if close else ""


Resolver = Callable[[str], URIRef]


def to_term(param: Param, value: object, resolve: Resolver | None = None) -> Node:
    """Convert one user value to an RDF term of the parameter's type, checking it."""
    if isinstance(value, Node) and not isinstance(value, Literal | URIRef):
        raise ParameterError(f"parameter {param.name!r}: unsupported term {value!r}")
    if param.type == "iri":
        return _iri(param, value, resolve)
    text = str(value).strip() if not isinstance(value, bool | int) else value
    if param.type == "string":
        return Literal(str(value))
    if param.type == "integer":
        try:
            return Literal(int(text), datatype=XSD.integer)
        except ValueError:
            raise ParameterError(f"parameter {param.name!r} expects an integer, got {value!r}") from None
    if isinstance(text, bool):
        return Literal(text)
    lowered = str(text).lower()
    if lowered not in ("true", "false", "1", "0", "yes", "no"):
        raise ParameterError(f"parameter {param.name!r} expects true or false, got {value!r}")
    return Literal(lowered in ("true", "1", "yes"))


def _iri(param: Param, value: object, resolve: Resolver | None) -> URIRef:
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    expanded = expand(text)
    if expanded is not None:
        text = expanded
    if _IRI.match(text) and not text.startswith("_:"):
        return URIRef(text)
    if resolve is not None:
        return resolve(text)
    raise ParameterError(f"parameter {param.name!r} expects an IRI or CURIE, got {value!r}")


def bind(
    query: NamedQuery, params: Mapping[str, object] | None = None, resolve: Resolver | None = None
) -> dict[str, Binding]:
    """Check and convert parameters: unknown or missing ones fail with the query's signature."""
    params = dict(params or {})
    declared = {p.name for p in query.params}
    unknown = sorted(set(params) - declared)
    if unknown:
        wrong = unknown[0]
        raise ParameterError(
            f"query {query.name!r} has no parameter {wrong!r}{_closest(wrong, query.names())}; {query.signature()}"
        )
    out: dict[str, Binding] = {}
    for p in query.params:
        value = params.get(p.name)
        empty = value is None or value == "" or (isinstance(value, list | tuple) and not value)
        if empty and p.default is not None:
            value, empty = ([p.default] if p.many else p.default), False
        if empty:
            if p.required:
                raise ParameterError(f"query {query.name!r} needs parameter {p.name!r}; {query.signature()}")
            continue
        if p.many:
            values = value if isinstance(value, list | tuple) else [value]
            bound: Binding = [to_term(p, v, resolve) for v in values]
        else:
            if isinstance(value, list | tuple):
                if len(value) != 1:
                    raise ParameterError(
                        f"parameter {p.name!r} of {query.name!r} takes one value, got {len(value)}"
                    )
                value = value[0]
            bound = to_term(p, value, resolve)
        for var in p.variables:
            out[var] = bound
    return out


def run(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, resolve: Resolver | None = None
) -> Result:
    """Run a named query with checked, bound parameters."""
    query = get(name)
    return store.query(query.text, bindings=bind(query, params, resolve))


def strings(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, resolve: Resolver | None = None
) -> list[tuple]:
    """Run a named SELECT and read its rows as lexical forms (see Store.strings: no rdflib terms)."""
    query = get(name)
    return store.strings(query.text, bindings=bind(query, params, resolve))


def string_dicts(
    store: Store, name: str, params: Mapping[str, object] | None = None, *, resolve: Resolver | None = None
) -> list[dict[str, str | None]]:
    """Run a named SELECT and read its rows as dictionaries of lexical forms by variable name."""
    query = get(name)
    names, rows = store.string_table(query.text, bindings=bind(query, params, resolve))
    return [dict(zip(names, row, strict=True)) for row in rows]


def render(name: str, params: Mapping[str, object] | None = None, resolve: Resolver | None = None) -> str:
    """The query with its values written in, to copy into any SPARQL tool (what the view ran)."""
    query = get(name)
    bound = bind(query, params, resolve)
    scalars = {k: v for k, v in bound.items() if isinstance(v, Node)}
    lists: dict[str, Sequence[Node]] = {k: v for k, v in bound.items() if not isinstance(v, Node)}
    return with_values(substitute(query.text, scalars), lists)


def fingerprint(directory: Path = QUERIES) -> str:
    """A key that changes when any query file changes, for caches of what the queries derive."""
    import hashlib

    h = hashlib.sha256()
    for name, q in sorted(catalogue(directory).items()):
        h.update(name.encode() + b"\0" + q.text.encode() + b"\0")
    return h.hexdigest()[:12]
