"""rdflib's in-memory graph as a store: for compatibility and small graphs (see the README's figures)."""

from __future__ import annotations

import itertools
import math
import threading
from collections.abc import Mapping
from functools import lru_cache

import rdflib.plugins.sparql
import rdflib.plugins.sparql.parser as sparql_parser
from pyparsing import ParseException
from rdflib import XSD, Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from graph.errors import QueryError
from graph.sparql_text import Binding, query_form, split_bindings, with_values
from graph.stores import BASE_IRI, QueryDataset, Result, Store, Triple, in_query_order

# rdflib must never fetch the graphs a query's FROM names (defence in depth; the sandbox refuses FROM).
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

PARSE_LOCK = threading.Lock()  # rdflib's SPARQL parser is not thread-safe

# rdflib 7.6 negates a negative decimal through Literal.__neg__, which knows int and float but not
# Decimal, so every query holding `-1.5` was refused with "Not a number"; keep the lexical form instead.
sparql_parser.DECIMAL_NEGATIVE.set_parse_action(lambda t: Literal(f"-{t[0]}", datatype=XSD.decimal))


@lru_cache(maxsize=512)
def prepare(text: str) -> Query:
    """Parse and translate a query once; rdflib's parser is not thread-safe, so one at a time."""
    with PARSE_LOCK:
        try:
            return prepareQuery(text, base=BASE_IRI)
        except ParseException as exc:
            # at the very end: the parser only says what it wanted next ("Expected SelectQuery")
            end = (
                "the query ends before it is complete (a { or ( left open?); "
                if exc.loc >= len(text.rstrip())
                else ""
            )
            near = "" if end else _near(text, exc.loc)
            raise QueryError(f"syntax error{near}: {end}{exc.msg}", exc.lineno, exc.col) from None
        except Exception as exc:  # rdflib raises bare Exceptions for some malformed queries
            raise QueryError(f"malformed query: {exc}") from None


def _near(text: str, at: int) -> str:
    """The text where the parser stopped (" near '…'"), as SQL engines quote it: "Expected SelectQuery"
    alone names what the grammar wanted, not what the reader wrote."""
    rest = text[at:].split("\n", 1)[0].strip()
    if not rest:
        return ""
    if len(rest) > 24:  # cut at a word's end
        rest = (rest[:25].rsplit(" ", 1)[0] if " " in rest[:25] else rest[:24]).rstrip() + "…"
    return f" near {rest!r}"


class MemoryStore(Store):
    """rdflib's in-memory graph or dataset (one graph per source): every query through rdflib's evaluator."""

    kind = "memory"

    def __init__(self, kg: Graph):
        self.kg = kg

    def query(
        self,
        text: str,
        *,
        bindings: Mapping[str, Binding | None] | None = None,
        limit: int | None = None,
        dataset: QueryDataset | None = None,
    ) -> Result:
        """As Store.query; a CONSTRUCT with few list values runs once per combination through initBindings.

        rdflib evaluates a VALUES block apart from the patterns it feeds (nested-loop joins), which makes
        a seeded CONSTRUCT take minutes; bound one combination at a time it takes milliseconds, and the
        union of the triples is exactly the CONSTRUCT over the VALUES join.
        """
        scalars, lists = split_bindings(bindings or {})
        lists = {k: v for k, v in lists.items() if v}
        combos = math.prod(len(v) for v in lists.values()) if lists else 0
        if not lists or combos > 256 or query_form(text) not in ("CONSTRUCT", "DESCRIBE"):
            return in_query_order(text, self._run(with_values(text, lists), scalars, limit, dataset))
        triples: dict[Triple, None] = {}
        for values in itertools.product(*lists.values()):
            res = self._run(text, {**scalars, **dict(zip(lists, values, strict=True))}, None, dataset)
            triples.update(dict.fromkeys(res.triples))
        return Result(res.form, triples=tuple(triples)).capped(limit)

    def _run(
        self, text: str, scalars: dict[str, Node], limit: int | None, dataset: QueryDataset | None
    ) -> Result:
        prepared = prepare(text) if dataset is None else _with_dataset(prepare(text), dataset)
        cap = None if limit is None else limit + 1
        try:
            res = self.kg.query(prepared, initBindings=scalars)
            if res.type == "SELECT":
                names = tuple(str(v) for v in res.vars or ())
                rows = tuple(tuple(r) for r in itertools.islice(res, cap))
                return Result("SELECT", names, rows).capped(limit)
            if res.type == "ASK":
                return Result("ASK", boolean=bool(res.askAnswer))
            return Result(res.type, triples=tuple(itertools.islice(res.graph, cap))).capped(limit)
        except QueryError:
            raise
        except RecursionError:
            raise QueryError("query too deeply nested to evaluate") from None
        except Exception as exc:
            raise QueryError(f"query failed: {exc}") from None

    def triple_count(self) -> int:
        return len(self.kg)


def _with_dataset(prepared: Query, dataset: QueryDataset) -> Query:
    """A copy of a prepared query whose dataset clause is the protocol's (rdflib copies those graphs)."""
    algebra = CompValue(prepared.algebra.name, **prepared.algebra)
    algebra["datasetClause"] = [
        *(CompValue("DatasetClause", default=URIRef(g)) for g in dataset.default),
        *(CompValue("DatasetClause", named=URIRef(g)) for g in dataset.named),
    ]
    return Query(prepared.prologue, algebra)
