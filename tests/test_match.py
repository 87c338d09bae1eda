"""Matching outcomes to items: a fixture with known answers, the baseline, and the `match` command."""

from __future__ import annotations

import io
import json
import sys

from graph.cli import main
from graph.match import ALT, DEFINITION, PREF, build_index, stem, terms

S = "http://example.org/skill/"
SKILL = "https://w3id.org/aesthetics-kg/ontology#Skill"


def _rows(items: dict[str, tuple[str, list[str], str]]) -> list[tuple[str, ...]]:
    rows = []
    for key, (label, alts, definition) in items.items():
        rows.append((S + key, SKILL, "ESCO", label, PREF, label))
        rows += [(S + key, SKILL, "ESCO", label, ALT, a) for a in alts]
        if definition:
            rows.append((S + key, SKILL, "ESCO", label, DEFINITION, definition))
    return rows


ITEMS = {
    "lhr": ("perform laser hair removal", ["laser epilation"], "Remove unwanted hair with medical lasers."),
    "peel": ("apply chemical peels", ["chemical exfoliation"], "Apply acids that remove the outer skin."),
    "steril": ("sterilise medical instruments", ["disinfect surgical tools"], ""),
    "chem": ("chemistry", [], "The study of substances and how they react."),
    "hair": ("cut hair", ["hairdressing"], "Cut and style clients' hair."),
}


def test_each_outcome_finds_its_item_first():
    index = build_index(_rows(ITEMS))
    cases = {
        "Perform laser hair removal safely": "lhr",
        "sterilize surgical instruments": "steril",  # US spelling meets UK label
        "chemical peel": "peel",  # singular meets plural
        "epilation with lasers": "lhr",  # through the synonym
        "disinfect the tools": "steril",
    }
    for text, want in cases.items():
        assert index.match(text)[0].iri == S + want, text


def test_matched_label_is_the_synonym_that_matched():
    top = build_index(_rows(ITEMS)).match("laser epilation")[0]
    assert (top.iri, top.label, top.kind, top.framework) == (S + "lhr", "laser epilation", "Skill", "ESCO")
    assert top.score == 1.0  # every word of the line is in that name


def test_item_found_through_definition_only_shows_preferred_label_and_a_halved_share():
    top = build_index(_rows(ITEMS)).match("substances react")[0]
    assert (top.iri, top.label) == (S + "chem", "chemistry")
    assert top.score == 0.5


def test_no_known_word_no_match_and_ties_break_by_label():
    index = build_index(_rows(ITEMS))
    assert index.match("xyzzy plugh") == []
    twins = build_index(_rows({"b": ("laser b", [], ""), "a": ("laser a", [], "")}))
    assert [m.label for m in twins.match("laser")] == ["laser a", "laser b"]


def test_a_possessive_is_not_a_word_a_line_can_match():
    index = build_index(_rows({**ITEMS, "sell": ("sell the company's products", [], "")}))
    assert index.match("?s ?p ?o") == []  # the lone "s" of a SPARQL line met the label's "company's"
    office = build_index(_rows({"office": ("doctor’s office", [], "A physician's practice.")}))
    assert [(m.label, m.score) for m in office.match("a doctor's office")] == [("doctor’s office", 1.0)]


def test_held_out_synonym_is_not_in_the_index():
    index = build_index(_rows(ITEMS), exclude=frozenset({(S + "lhr", "laser epilation")}))
    assert all(m.label != "laser epilation" for m in index.match("laser epilation"))


def test_baseline_is_word_jaccard_over_names():
    base = build_index(_rows(ITEMS), baseline=True)
    top = base.match("cut hair")[0]
    assert (top.iri, top.score) == (S + "hair", 1.0)
    assert base.match("sterilize instruments")[0].score == 1 / 4  # no stemming: only "instruments" is shared


def test_stemmer_and_stopwords():
    assert stem("sterilizing") == stem("sterilise") == "sterilis"
    assert terms("The use of lasers") == ["laser"]


def _run(*argv: str, stdin: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        return main(list(argv), out, err), out.getvalue(), err.getvalue()
    finally:
        sys.stdin = old


def test_match_command_reads_a_tables_outcome_column_as_the_curriculum_tab_does(tmp_path):
    table = tmp_path / "plan.csv"
    table.write_text("module;outcome\nLasers;laser hair removal\nSpa;med spa\n", encoding="utf-8")
    code, out, err = _run("match", str(table), "--top", "1", "--format", "json", stdin="")
    assert code == 0, err
    assert [d["text"] for d in json.loads(out)] == ["laser hair removal", "med spa"]  # not the header, module
    markdown = "| Module | Outcome |\n| --- | --- |\n| Lasers | laser hair removal |\n"
    code, out, _ = _run("match", "-", "--top", "1", "--format", "json", stdin=markdown)
    assert code == 0 and [d["text"] for d in json.loads(out)] == ["laser hair removal"]


def test_match_command_json_one_result_per_non_empty_line_in_order():
    code, out, err = _run(
        "match", "-", "--top", "2", "--format", "json", stdin="laser hair removal\n\n  med spa \nxyzzy\n"
    )
    assert code == 0, err
    doc = json.loads(out)
    assert [d["text"] for d in doc] == ["laser hair removal", "med spa", "xyzzy"]
    first = doc[0]["matches"][0]
    assert set(first) == {"iri", "label", "kind", "framework", "score", "why", "method"}
    assert first["iri"] == "https://w3id.org/aesthetics-kg/resource/laser-hair-removal"
    assert len(doc[0]["matches"]) == 2 and doc[2]["matches"] == []


def test_match_command_refuses_a_binary_file_in_one_line(tmp_path):
    f = tmp_path / "x.bin"
    f.write_bytes(b"\x00\x01\x02binary")
    out, err = io.StringIO(), io.StringIO()
    assert main(["match", str(f)], out, err) == 1
    assert err.getvalue().count("\n") == 1 and "binary" in err.getvalue()


def test_matching_benchmark_holds_synonyms_out_and_scores_hits_and_ranks():
    from benchmarks.matching import evaluate, held_out_synonyms

    esco = [(r[0].replace(S, "http://data.europa.eu/esco/skill/"), *r[1:]) for r in _rows(ITEMS)]
    esco.append(("http://data.europa.eu/esco/skill/lhr", SKILL, "ESCO", "x", ALT, "depilation by laser"))
    pairs = held_out_synonyms(esco, 10)
    assert [e for _s, e in pairs] == [
        "http://data.europa.eu/esco/skill/lhr"
    ]  # the only skill with two synonyms
    index = build_index(esco, exclude=frozenset((e, s) for s, e in pairs))
    cases = [
        ("laser hair removal", frozenset({"http://data.europa.eu/esco/skill/lhr"})),
        ("xyzzy", frozenset({"x"})),
    ]
    r = evaluate(index, cases)
    assert (r["hit@5"], r["mrr"]) == (0.5, 0.5)
