"""ORDER BY over mixed literals: Oxigraph's sort aborted the whole process (the CI run of stop 30)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.errors import QueryError
from graph.paths import ROOT
from graph.stores.ordering import total_order
from graph.stores.oxigraph import memory_oxigraph

EX = "http://example.org/"


def mixed_data(tmp_path: Path) -> Path:
    """300 integers and 300 numeric-looking strings (9 < 10 but "10" < "5"), dates with and without a
    time zone, a boolean, an IRI and a blank node: with these rows Oxigraph 0.5.13 aborted every time."""
    lines = [f"<{EX}n{i}> <{EX}v> {i} ." for i in range(300)]
    lines += [f'<{EX}s{i}> <{EX}v> "{i * 7 % 300}" .' for i in range(300)]
    lines += [
        f'<{EX}d1> <{EX}v> "2020-01-01T10:00:00+05:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
        f'<{EX}d2> <{EX}v> "2020-01-01T06:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
        f'<{EX}d3> <{EX}v> "2020-01-01T08:00:00"^^<http://www.w3.org/2001/XMLSchema#dateTime> .',
        f'<{EX}b> <{EX}v> "1"^^<http://www.w3.org/2001/XMLSchema#boolean> .',
        f"<{EX}i> <{EX}v> <{EX}target> .",
        f"<{EX}k> <{EX}v> _:blank .",
    ]
    path = tmp_path / "mixed.ttl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


CHILD = textwrap.dedent(
    """
    import json, sys
    from graph.stores.oxigraph import memory_oxigraph
    store = memory_oxigraph([sys.argv[1]])
    out = {}
    for order in ("?o", "DESC(?o)", "STR(?o) ?o", "(?o) ?s"):
        result = store.query("SELECT ?s ?o WHERE { ?s <http://example.org/v> ?o } ORDER BY " + order)
        out[order] = [[None if t is None else "_:b" if t.n3().startswith("_:") else t.n3() for t in row]
                      for row in result.rows]  # a blank node's label is new in each run
    print(json.dumps(out))
    """
)


def test_mixed_literals_sort_into_one_order_in_every_run(tmp_path):
    """Each run is a new process (Rust's hash order differs): it must not abort, and must agree."""
    data = mixed_data(tmp_path)
    answers = []
    for _ in range(3):
        run = subprocess.run(
            [sys.executable, "-c", CHILD, str(data)], cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert run.returncode == 0, run.stderr[-2000:]
        answers.append(json.loads(run.stdout))
    assert answers[0] == answers[1] == answers[2]
    rows = answers[0]["?o"]
    objects = [o for _s, o in rows]
    assert len(objects) == 606
    assert objects[0].startswith("_:") and objects[1] == f"<{EX}target>"  # blank nodes, IRIs, then literals
    numbers = [o for o in objects if o.endswith("integer>")]
    assert [int(o.split('"')[1]) for o in numbers] == list(range(300))  # by value: 9 before 10
    strings = [o for o in objects if o.startswith('"') and "^^" not in o]
    assert [o.strip('"') for o in strings] == sorted(str(i * 7 % 300) for i in range(300))  # by text
    assert objects.index(numbers[-1]) < objects.index(strings[0])  # numbers, then strings, then the rest
    zoned = [o for o in objects if "dateTime" in o and ("Z" in o or "+" in o)]
    assert zoned == [  # the same instant order whatever the zone: 01:00Z, then 06:00Z
        '"2020-01-01T10:00:00+05:00"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
        '"2020-01-01T06:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>',
    ]
    assert answers[0]["DESC(?o)"] == rows[::-1]


def test_the_rewrite_keeps_the_rows_of_a_homogeneous_order():
    """On the curated graph every catalogue-like order gives the same rows with and without the keys."""
    store = memory_oxigraph([])
    for text in (
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?x ?l WHERE { ?x skos:prefLabel ?l } ORDER BY DESC(LCASE(?l)) ?x",
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n) ?p LIMIT 7",
        "SELECT ?x WHERE { { SELECT ?x WHERE { ?x a ?k } ORDER BY ?x LIMIT 3 } } ORDER BY DESC(?x)",
    ):
        rewritten = store.store.query(total_order(text))
        plain = store.store.query(text)
        assert [tuple(r) for r in rewritten] == [tuple(r) for r in plain], text


@pytest.mark.parametrize(
    "text",
    [
        'SELECT ?x WHERE { ?x ?p "ORDER BY ?x" }',  # inside a string
        "SELECT ?x WHERE { ?x ?p ?o } # ORDER BY ?x",  # inside a comment
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY EXISTS { ?x ?p 1 } ?x",  # a graph pattern in a key
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY (?x",  # unbalanced: the engine reports it
    ],
)
def test_text_the_rewrite_leaves_as_written(text):
    assert total_order(text) == text


def test_the_rewrite_reads_every_kind_of_condition():
    text = (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x DESC (?o) ASC(?p) (?o + 1) STR(?x) ex:f(?o) "
        "<http://example.org/g>(?o) # a comment\nLIMIT 3 VALUES ?x { 1 }"
    )
    out = total_order(text)
    assert out.count("IF(isNumeric(") == 6 and "ASC(STR(?x))" in out  # a string per row needs no key
    assert out.count("DESC(") == 2 and out.endswith("# a comment\nLIMIT 3 VALUES ?x { 1 }")
    assert "ASC(ex:f(?o))" in out and "ASC(<http://example.org/g>(?o))" in out


def test_a_syntax_error_after_order_by_keeps_the_users_line_and_column():
    store = memory_oxigraph([])
    with pytest.raises(QueryError) as info:
        store.query("SELECT ?x WHERE { ?x ?p ?o }\nORDER BY ?x ?o\nLIMIT ?bad")
    assert info.value.line == 3, info.value


@pytest.mark.parametrize(
    ("where", "keyed"),
    [
        ("?x ?p ?o BIND(LCASE(STR(?o)) AS ?k)", False),  # strings alone
        ("{ SELECT ?x (COUNT(*) AS ?k) WHERE { ?x ?p ?o } GROUP BY ?x }", False),  # numbers, from a subquery
        ("{ ?x ?p ?o BIND(0 AS ?k) } UNION { ?x ?p ?o BIND(IF(BOUND(?o), 1, 2) AS ?k) }", False),
        ("{ ?x ?p ?o BIND(STR(?o) AS ?k) } UNION { ?x ?p ?o BIND(STRLEN(?o) AS ?k) }", True),  # two kinds
        ("?x ?p ?o BIND(IF(BOUND(?o), 1, STR(?o)) AS ?k)", True),
        ("{ ?x ?p ?k } UNION { ?x ?p ?o BIND(STR(?o) AS ?k) }", True),  # also bound by a pattern
        ("?x ?p ?o BIND(STR(?o) AS ?k) } VALUES ?k { 1 } {", True),  # or by VALUES
        ("?x ?p ?o BIND(COALESCE(?o, 1) AS ?k)", True),  # whatever ?o holds
    ],
)
def test_a_key_is_added_only_where_values_of_two_kinds_can_meet(where, keyed):
    out = total_order(f"SELECT ?x ?k WHERE {{ {where} }} ORDER BY ?k")
    assert ("isNumeric((?k))" in out) is keyed, out
