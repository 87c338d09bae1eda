"""SPARQL text handling: substitution and VALUES placement never change what a query means."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from graph.errors import QueryError
from graph.sparql_text import lex, query_form, split_bindings, substitute, with_values


def test_substitution_never_touches_strings_iris_or_comments():
    text = 'SELECT * WHERE { ?s <http://x/$a> $a . FILTER(?s != "$a") } # $a'
    out = substitute(text, {"a": Literal('say "hi"')})
    assert out == 'SELECT * WHERE { ?s <http://x/$a> "say \\"hi\\"" . FILTER(?s != "$a") } # $a'


def test_list_values_go_at_the_top_or_the_end_of_the_outer_where():
    text = 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o { ?s ?q "}" } } # WHERE {'
    values = {"s": [URIRef("http://x/a"), URIRef("http://x/b")]}
    block = "  VALUES ?s { <http://x/a> <http://x/b> }\n"
    top = with_values(text, values)
    assert top == "CONSTRUCT { ?s ?p ?o } WHERE {\n" + block + ' ?s ?p ?o { ?s ?q "}" } } # WHERE {'
    end = with_values(text, values, at_end=True)
    assert end == 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o { ?s ?q "}" } ' + block + "} # WHERE {"
    assert with_values(text, {"s": []}) == text
    with pytest.raises(QueryError, match="WHERE"):
        with_values("SELECT * { ?s ?p ?o }", {"s": [URIRef("http://x/a")]})


# Any text a user may type: quotes, braces, dollar signs, hashes, newlines, non-ASCII.
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(TEXT)
def test_a_substituted_literal_is_one_term_whatever_it_holds(value):
    text = 'SELECT ?o WHERE { VALUES ?o { "x" } FILTER(?o != $v) } # $v'
    out = substitute(text, {"v": Literal(value)})
    parsed = prepareQuery(out)  # still one well-formed query: the value cannot break out of its string
    assert query_form(out) == "SELECT"
    assert out.endswith("# $v")
    assert parsed.algebra is not None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_lexing_loses_nothing(text):
    assert "".join(chunk for _, chunk in lex(text)) == text


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=5, unique=True), st.booleans()
)
def test_values_block_binds_exactly_the_listed_terms(ids, at_end):
    iris = [URIRef(f"http://x/{i}") for i in ids]
    text = 'SELECT ?s WHERE { OPTIONAL { ?s <http://x/p> "}{" } } # WHERE {'
    out = with_values(text, {"s": iris}, at_end=at_end)
    from rdflib import Graph

    rows = {row[0] for row in Graph().query(out)}
    assert rows == set(iris)


def test_none_leaves_a_variable_free_and_lists_go_apart():
    scalars, lists = split_bindings({"a": Literal(1), "b": [URIRef("http://x/b")], "c": None})
    assert scalars == {"a": Literal(1)} and lists == {"b": [URIRef("http://x/b")]}


def test_query_form_ignores_keywords_in_strings_and_comments():
    assert query_form('# CONSTRUCT\nASK { ?s ?p "SELECT" }') == "ASK"
    with pytest.raises(QueryError):
        with_values("ASK { }", {"s": [URIRef("http://x/a")]})
