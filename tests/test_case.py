"""CASE 1.0 out and in: the plan and a saved curriculum as CFPackages valid against 1EdTech's schema, frameworks read back."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from graph import case
from graph import curricula as K
from graph.paths import ROOT
from graph.terms import AKGR
from tests.reference import REFERENCE, need

SAMPLE = Path(__file__).resolve().parent / "fixtures" / "case" / "opensalt-sample-framework.json"
SHARED = REFERENCE / "case-1.0"
MA, AMLT = str(AKGR["medical-aesthetician"]), str(AKGR["aesthetic-medical-laser-technician"])
LHR = str(AKGR["laser-hair-removal"])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


@pytest.mark.reference("case-1.0")
def test_schema_and_sample_are_the_shared_reference():
    """The copies the project ships (the schema in graph/, the sample in tests/) are 1EdTech's and OpenSALT's."""
    shared = need("case-1.0") / "case-1.0"
    assert case.SCHEMA.read_bytes() == (shared / "case-v1p0-cfpackage-schema.json").read_bytes()
    assert SAMPLE.read_bytes() == (shared / "opensalt-sample-framework.json").read_bytes()


def test_the_format_checker_checks_date_time_and_uri():
    """A package is only 'valid with formats checked' if jsonschema has the format libraries (pinned)."""
    from jsonschema import FormatChecker

    assert {"date-time", "uri", "date"} <= set(FormatChecker().checkers)
    bad = {"CFDocument": {"identifier": case.uid("x"), "uri": "not a uri", "creator": "c", "title": "t"}}
    bad["CFDocument"]["lastChangeDateTime"] = "2017-05-25T18:05:33"  # no zone: not RFC 3339
    found = case.problems(bad)
    assert any(p == "CFDocument/uri: 'not a uri' is not a 'uri'" for p in found), found
    assert any("is not a 'date-time'" in p for p in found), found
    assert case.problems(bad, formats=False) == []


@pytest.fixture(scope="module")
def plan_file(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("case") / "plan.json"
    done = _cli(
        "curriculum",
        "medical aesthetician",
        "aesthetic medical laser technician",
        "--brief",
        "case",
        "-o",
        str(out),
    )
    return out, done


def test_plan_exports_as_a_valid_case_package(plan_file):
    out, done = plan_file
    assert done.returncode == 0, done.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert case.problems(doc) == []  # formats checked: uri, date-time, uuid patterns
    items = {i["identifier"]: i for i in doc["CFItems"]}
    modules = [i for i, x in items.items() if x["CFItemType"] == case.MODULE_TYPE]
    assert [items[m]["fullStatement"] for m in modules] == [
        "common core",
        "medical aesthetician",
        "aesthetic medical laser technician",
    ]
    kinds = Counter(a["associationType"] for a in doc["CFAssociations"])
    assert kinds["isChildOf"] == len(items)  # every item has its module, every module the document
    assert kinds["precedes"] == len(items) - len(modules) - 1  # the learning order, item after item
    child = {
        a["originNodeURI"]["identifier"]: a["destinationNodeURI"]["identifier"]
        for a in doc["CFAssociations"]
        if a["associationType"] == "isChildOf"
    }
    assert {child[m] for m in modules} == {doc["CFDocument"]["identifier"]}
    assert all(child[i] in modules for i in items if i not in modules)
    # an item points at its own IRI and at the ESCO / O*NET concepts it is aligned to
    laser = next(i for i, x in items.items() if x["fullStatement"] == "laser hair removal")
    targets = {
        (a["associationType"], a["destinationNodeURI"]["uri"])
        for a in doc["CFAssociations"]
        if a["originNodeURI"]["identifier"] == laser
    }
    assert ("exactMatchOf", LHR) in targets  # the curated item and ESCO's skill, merged as one
    assert any(k == "exactMatchOf" and uri.startswith("http://data.europa.eu/esco/") for k, uri in targets)
    related = {
        a["destinationNodeURI"]["uri"] for a in doc["CFAssociations"] if a["associationType"] == "isRelatedTo"
    }
    assert related and all(
        uri.startswith(
            (
                "http://data.europa.eu/esco/",
                "https://www.onetonline.org/",
                "https://w3id.org/aesthetics-kg/onet/",
            )
        )
        for uri in related
    ), related


def test_plan_export_is_stable(plan_file, tmp_path):
    out, _ = plan_file
    again = tmp_path / "again.json"
    done = _cli(
        "curriculum",
        "medical aesthetician",
        "aesthetic medical laser technician",
        "--brief",
        "case",
        "-o",
        str(again),
    )
    assert done.returncode == 0, done.stderr
    assert again.read_bytes() == out.read_bytes()


def test_a_saved_curriculum_exports_as_case_and_reads_back():
    c = K.Curriculum(
        "laser-course",
        "Laser course",
        (MA,),
        (
            K.Outcome(
                "Perform laser hair removal",
                "Lasers",
                (K.Decision(LHR, "laser hair removal", 0.8, "accepted"),),
            ),
            K.Outcome("Explain skin types", "Lasers", (K.Decision(str(AKGR["x"]), "x", 0.2, "rejected"),)),
            K.Outcome("Keep records", ""),
        ),
        version=3,
        modified="2026-12-06T21:00:00Z",
    )
    doc = json.loads(K.export(c, "case"))
    assert case.problems(doc) == []
    assert doc["CFDocument"]["version"] == "3" and doc["CFDocument"]["officialSourceURL"] == c.iri
    back = K.import_file(K.export(c, "case").encode(), "course.json")
    assert [(o.text, o.module, o.accepted()) for o in back.outcomes] == [
        ("Perform laser hair removal", "Lasers", (LHR,)),
        ("Explain skin types", "Lasers", ()),
        ("Keep records", "", ()),
    ]
    assert back.title == "Laser course" and back.id != c.id and back.version == 0


def test_opensalt_sample_reads_in_as_16_outcomes():
    c = K.import_file(SAMPLE.read_bytes(), SAMPLE.name)
    assert len(c.outcomes) == 16 and c.title == "What Standards Could Be"
    assert c.outcomes[0].text == "Understand ratio concepts and use ratio reasoning to solve problems."
    assert c.outcomes[1].module == "CCSS.Math.Content.6.RP.A"  # the parent cluster names the module
    assert not any(o.matches for o in c.outcomes)  # its links point at other frameworks, not this graph


def test_match_reads_a_case_file():
    done = _cli("match", str(SAMPLE), "--format", "json", "--top", "1")
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 16


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"CFDocument": {}, "CFItems": []', "course.json: not JSON-LD: Parser error at line 1 column 33"),
        (
            b'{"CFDocument": {"title": "t"}, "CFItems": []}',
            "course.json: not a CASE 1.0 CFPackage: CFDocument: 'creator' is a required property",
        ),
        (
            b'{"CFDocument": {"identifier": "00000000-0000-0000-0000-000000000000", "uri": "http://x", "creator": "c", "title": "t", "lastChangeDateTime": "2020"}, "CFItems": []}',
            "course.json: this CASE framework has no CFItem with a fullStatement",
        ),
    ],
)
def test_a_broken_case_file_is_one_line(body, message):
    with pytest.raises(K.UploadError) as caught:
        K.import_file(body, "course.json")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)
