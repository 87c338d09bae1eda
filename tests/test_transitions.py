"""Transitions: ranking, the score's parts, --learn, cross-framework alignment, names, formats, determinism."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from graph.cli import main
from graph.network import RoleItems
from graph.paths import ROOT
from graph.stores import Result, StoreSpec
from graph.terms import AKGR
from graph.transitions import build_model, transitions
from graph.transitions.score import order
from graph.workspace import Workspace

FIXTURES = ROOT / "tests" / "fixtures"
DATA = (FIXTURES / "esco-cut.nt", FIXTURES / "onet-cut.nt")
ESCO_AESTHETICIAN = "http://data.europa.eu/esco/occupation/a1e1a788-2352-4172-8fcf-1f985a6968b0"
SKINCARE = "https://www.onetonline.org/link/summary/39-5094.00"
AMLT = str(AKGR["aesthetic-medical-laser-technician"])
LEARN = ("accredited laser technician program", "Certified Laser Operator")


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def ws(tmp_path_factory) -> Workspace:
    root = tmp_path_factory.mktemp("stores")
    return Workspace.open(StoreSpec("oxigraph", DATA, root=root))


# ---------------------------------------------------------------- the score on hand-built roles


def _tiny() -> RoleItems:
    links = {
        "r:a": {"i:x": True, "i:y": False},
        "r:b": {"i:x": True, "i:y": True, "i:cred": True},
        "r:c": {"i:z": True},
        "r:d": {"i:x": True, "i:y": True, "i:cred": True},  # b's twin: a tie broken by IRI
    }
    category = {"i:x": "procedures", "i:y": "procedures", "i:z": "procedures", "i:cred": "credentials"}
    label = {
        "i:x": "laser hair removal",
        "i:y": "chemical peel",
        "i:z": "soldering",
        "i:cred": "laser licence",
    }
    return RoleItems(tuple(sorted(links)), tuple(sorted(category)), category, label, links)


def _empty(*names: str) -> Result:
    return Result("SELECT", names)


def test_shared_items_rank_first_and_ties_go_by_iri():
    ri = _tiny()
    model = build_model(
        ri, _empty("role", "descriptor", "importance", "level"), _empty("r", "z", "s", "l"), {}
    )
    found = transitions(model, ri, "r:a", top=3)
    assert [t.role for t in found.rows] == ["r:b", "r:d", "r:c"]
    b = found.rows[0]
    assert (b.shared_essential, b.essential_total, b.missing_credentials) == (2, 3, ("i:cred",))
    assert b.parts["credentials"] < 0 and b.parts["essential"] > 0
    assert b.score == pytest.approx(sum(b.parts.values()))
    assert b.first_missing == ("i:cred",) and b.gap == 1


def test_learning_a_credential_removes_its_penalty_and_says_so():
    ri = _tiny()
    model = build_model(
        ri, _empty("role", "descriptor", "importance", "level"), _empty("r", "z", "s", "l"), {}
    )
    found = transitions(model, ri, "r:a", top=2, learned=["i:cred", "i:unknown"])
    b = found.rows[0]
    assert b.missing_credentials == () and b.parts["credentials"] == 0 and b.gap == 0
    assert b.before is not None and b.score > b.before[1]
    assert found.closer == ("r:b", "r:d") and found.unused == ("i:unknown",)


def test_order_breaks_ties_by_position():
    assert order(np.array([0.2, 0.2, 0.2]), np.array([True, True, True])).tolist() == [0, 1, 2]


# ---------------------------------------------------------------- the curated graph


def test_learning_the_laser_program_brings_the_medical_aesthetician_closer_to_the_laser_technician():
    code, out, err = run("transitions", "medical aesthetician", "--format", "json", "--learn", *LEARN)
    assert code == 0, err
    doc = json.loads(out)
    assert [i["label"] for i in doc["learned"]] == [
        "accredited laser technician program",
        "Certified Laser Operator",
    ]
    (amlt,) = [t for t in doc["transitions"] if t["iri"] == AMLT]
    assert amlt["score"] > amlt["before"]["score"]
    assert amlt["rank"] < amlt["before"]["rank"]
    assert AMLT in {r["iri"] for r in doc["closer"] + doc["opened"]}
    # the learned items are shared now, and the gap no longer starts with them
    code, out, _ = run("transitions", "medical aesthetician", "--format", "json")
    (was,) = [t for t in json.loads(out)["transitions"] if t["iri"] == AMLT]
    assert (
        amlt["shared_essential"] + amlt["shared_optional"] > was["shared_essential"] + was["shared_optional"]
    )
    assert amlt["gap"] < was["gap"]
    assert "accredited laser technician program" in [i["label"] for i in was["first_missing"]]
    assert "accredited laser technician program" not in [i["label"] for i in amlt["first_missing"]]


def test_table_says_what_learning_opens_or_brings_closer():
    code, out, _ = run(
        "transitions", "medical aesthetician", "--within", "curated", "--top", "3", "--learn", *LEARN
    )
    assert code == 0
    assert out.splitlines()[0].split()[:4] == ["rank", "role", "framework", "score"]
    assert "transitions from medical aesthetician among 7 roles (curated)" in out
    assert "brings closer: aesthetic medical laser technician (#3 -> #2" in out


def test_csv_rows_carry_the_iri_and_every_part():
    code, out, _ = run("transitions", "esthetician", "--format", "csv", "--top", "4")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 4 and all(r["iri"].startswith("https://") for r in rows)
    assert {"part_essential", "part_ratings", "part_credentials", "part_step", "first_missing"} <= set(
        rows[0]
    )
    assert float(rows[0]["score"]) >= float(rows[-1]["score"])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("transitions", "nobody at all"), "error: no entity named 'nobody at all'"),
        (("transitions", "laser"), "error: no entity named 'laser'; closest: "),
        (("transitions", "Certified Laser Operator"), "is a credential, not a role"),
        (("transitions", "esthetician", "--learn", "juggling"), "error: no entity named 'juggling'"),
    ],
)
def test_unknown_roles_and_items_are_one_line_and_exit_1(argv, message):
    code, out, err = run(*argv)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and message in err


def test_ambiguous_role_is_one_line_and_exit_1(tmp_path):
    twins = tmp_path / "twins.ttl"
    twins.write_text(
        "@prefix akg: <https://w3id.org/aesthetics-kg/ontology#> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        '<http://example.org/a> a akg:Role ; skos:prefLabel "twin role"@en .\n'
        '<http://example.org/b> a akg:Role ; skos:prefLabel "twin role"@en .\n',
        encoding="utf-8",
    )
    code, out, err = run("transitions", "twin role", "--data", str(twins), "--store", "memory")
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "ambiguous" in err


def test_usage_errors_exit_2():
    assert run("transitions", "esthetician", "--top", "0")[0] == 2
    assert run("transitions", "esthetician", "--within", "nowhere")[0] == 2


# ---------------------------------------------------------------- across frameworks


def test_transitions_cross_frameworks_through_the_alignments(ws):
    from graph.transitions import rank

    esthetician = str(AKGR.esthetician)
    esco = rank(ws, esthetician, top=3, within="esco")
    assert esco.rows[0].role == ESCO_AESTHETICIAN  # exactMatch: the items merge, so most are shared
    assert esco.rows[0].shared_essential > 0
    onet = rank(ws, esthetician, top=3, within="onet")
    assert onet.rows[0].role == SKINCARE
    # the esthetician carries the ratings of the occupation it matches exactly: the same vector
    assert onet.rows[0].ratings == pytest.approx(1.0)
    assert onet.rows[0].step == 0
    assert ws.transition_model.borrowed[esthetician] == SKINCARE
    everything = rank(ws, esthetician, top=40)
    frameworks = {r.role.split("/")[2] for r in everything.rows}
    assert {"w3id.org", "data.europa.eu", "www.onetonline.org"} <= frameworks
    assert all(a.score >= b.score for a, b in zip(everything.rows, everything.rows[1:], strict=False))


# ---------------------------------------------------------------- determinism

SCRIPT = r"""
import io, json, sys
from graph.cli import main
data = sys.argv[1:]
answers = {}
for argv in (
    ["transitions", "medical aesthetician", "--top", "30"],
    ["transitions", "esthetician", "--within", "onet", "--learn", "Certified Laser Operator"],
    ["transitions", "aesthetic medical laser technician", "--within", "esco", "--top", "20"],
):
    out, err = io.StringIO(), io.StringIO()
    code = main([*argv, "--format", "json", "--data", *data], out, err)
    answers[" ".join(argv)] = [code, out.getvalue(), err.getvalue()]
json.dump(answers, sys.stdout, indent=1, sort_keys=True)
"""


def test_rankings_do_not_depend_on_the_hash_seed(tmp_path):
    def answer(seed: str) -> str:
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT), "AKG_VAR": str(tmp_path)}
        proc = subprocess.run(
            [sys.executable, "-c", SCRIPT, *map(str, DATA)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
            env=env,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    first, *others = (answer(seed) for seed in ("0", "1", "4242"))
    assert all(json.loads(first)[k][0] == 0 for k in json.loads(first))
    assert all(o == first for o in others)


# ---------------------------------------------------------------- the app's link


def test_the_link_holds_the_transitions_state():
    from graph.transitions import WITHIN
    from graph.ui import state as S
    from graph.ui.controls import from_controls, to_controls

    assert set(S.WITHIN) == set(WITHIN)
    clo = str(AKGR["certified-laser-operator"])
    st = S.State(
        tab="transitions", start=str(AKGR["medical-aesthetician"]), within="onet", learn=(clo,), target=AMLT
    )
    query = S.encode(st)
    assert "start=akgr%3Amedical-aesthetician" in query and "learn=akgr%3Acertified-laser-operator" in query
    assert "within=onet" in query and "target=akgr%3Aaesthetic-medical-laser-technician" in query
    assert S.decode(query) == st and from_controls(to_controls(st)) == st
    bad = S.decode("?tab=transitions&start=not%20an%20iri&within=mars")
    assert bad.start is None and bad.within == "all" and bad.ignored == ("start=not an iri", "within=mars")


# ---------------------------------------------------------------- the evaluation harness (python -m benchmarks transitions)


def test_the_evaluation_imports_onet_without_related_links_and_scores_against_the_reference(tmp_path):
    from benchmarks import transitions as bench
    from graph.transitions import WEIGHTS

    onet = FIXTURES / "alignment" / "onet"
    assert "Primary" in (onet / bench.RELATED).read_text(encoding="utf-8")  # the cut has related links
    ws = bench.evaluation_workspace(onet, tmp_path)  # asserts the store holds no akg:relatedOccupation
    ask = "ASK { ?a <https://w3id.org/aesthetics-kg/ontology#relatedOccupation> ?b }"
    assert not ws.store.query(ask).boolean
    occupations = [r for r in ws.transition_model.roles if r.startswith(bench.ONET)]
    assert len(occupations) >= 3
    header = "O*NET-SOC Code\tTitle\tRelated O*NET-SOC Code\tRelated Title\tRelatedness Tier\tIndex"
    code = [o.removeprefix(bench.ONET) for o in occupations]
    rows = [f"{code[0]}\tA\t{code[1]}\tB\tPrimary-Short\t1", f"{code[1]}\tB\t{code[2]}\tC\tPrimary-Long\t1"]
    (tmp_path / "related.txt").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    reference = bench.reference_links(tmp_path / "related.txt")
    assert reference == {occupations[0]: (occupations[1],)}  # Primary-Short only
    ev = bench.Evaluation(ws.transition_model, reference)
    recall, mrr = ev.scores(WEIGHTS, [0])
    assert recall == 1.0 and 0 < mrr <= 1  # few occupations: the related one is in the top 10
    assert set(bench.tune(ev, [0], WEIGHTS, rounds=1)) == set(WEIGHTS)
    assert {bench.split(o) for o in occupations} <= {"dev", "eval"}
