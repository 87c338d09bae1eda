"""The roles' prior for matching: counts, scale, the hybrid's use of it, and the benchmark's leakage guard."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from benchmarks.matching import crosswalk, leak_free_holders, onet_tasks, split_tasks
from graph import priors

ESCO = "http://data.europa.eu/esco/"
LINKS = {
    "nurse": {"hygiene": True, "records": True, "lasers": False},
    "clerk": {"records": True, "hygiene": False},
    "welder": {"records": False},
}


def test_holders_count_essential_and_optional_roles_and_leave_excluded_roles_out():
    held = priors.holders(LINKS)
    assert held.essential == {"hygiene": 1, "records": 2} and held.optional == {
        "lasers": 1,
        "hygiene": 1,
        "records": 1,
    }
    assert held.roles == {"nurse", "clerk", "welder"}
    without = priors.holders(LINKS, exclude=["nurse"])
    assert without.roles == {"clerk", "welder"} and "lasers" not in without.optional
    assert without.essential == {"records": 1} and without.optional == {"hygiene": 1, "records": 1}


def test_the_prior_is_log_scaled_by_the_largest_count_and_zero_for_items_no_role_holds():
    p = priors.prior(["records", "hygiene", "lasers", "unheld"], priors.holders(LINKS))
    e, o = priors.ESSENTIAL_WEIGHT, priors.OPTIONAL_WEIGHT
    assert p[0] == pytest.approx(e + o)  # the most held both ways: the whole weight
    assert p[1] == pytest.approx(e * np.log(2) / np.log(3) + o)
    assert p[2] == pytest.approx(o) and p[3] == 0.0
    assert priors.prior(["x"], priors.Holders()).tolist() == [0.0]  # no roles: no prior


def _write(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=delimiter)
        w.writeheader()
        w.writerows(rows)


def test_the_benchmark_prior_never_counts_an_occupation_a_task_answer_comes_from(tmp_path):
    """Leakage guard: the evaluation's (and development's) occupations are not among the counted roles."""
    codes = [f"29-{n:04d}.00" for n in range(20)]
    occupation = {c: f"{ESCO}occupation/o{n}" for n, c in enumerate(codes)}
    others = [f"{ESCO}occupation/free{n}" for n in range(3)]  # no O*NET occupation maps to these
    _write(
        tmp_path / "esco-onet-crosswalk" / "esco_onet_crosswalk_Nov2020.csv",
        [{"onet_code": c, "concept_uri": occupation[c]} for c in codes],
    )
    _write(
        tmp_path / "esco-1.1.1" / "occupationSkillRelations.csv",
        [
            {"occupationUri": occupation[c], "relationType": "essential", "skillUri": f"{ESCO}skill/gold"}
            for c in codes
        ],
    )
    _write(
        tmp_path / "onet-29.3" / "Task Statements.txt",
        [{"O*NET-SOC Code": c, "Task": f"task {n} of {c}"} for c in codes for n in range(3)],
        delimiter="\t",
    )
    tasks = onet_tasks(tmp_path)
    evaluation, development = split_tasks(tasks, 1000, 1000)
    assert evaluation and development  # both splits exist, so both are checked
    links = {occupation[c]: {f"{ESCO}skill/gold": True, f"{ESCO}skill/common": True} for c in codes}
    links.update({o: {f"{ESCO}skill/common": True, f"{ESCO}skill/spare": False} for o in others})

    held = leak_free_holders(links, tmp_path)

    answers_from = {o for code, _text, _gold in tasks for o in crosswalk(tmp_path)[code]}
    assert answers_from == set(occupation.values())  # every case's gold occupations, both splits
    assert held.roles.isdisjoint(answers_from) and held.roles == set(others)
    assert held.essential == {f"{ESCO}skill/common": 3} and held.optional == {f"{ESCO}skill/spare": 3}
    gold, common = priors.prior([f"{ESCO}skill/gold", f"{ESCO}skill/common"], held)
    assert gold == 0.0 and common > 0.0  # the answer every evaluated occupation holds gains nothing
