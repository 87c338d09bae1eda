"""The reference data some tests read, where it lives, and what a test does when it is not there.

`../shared/reference` beside the project, or the folder `AKG_REFERENCE` names. A test that needs a data
set says so (`@pytest.mark.reference("esco-1.1.1")`, or `need(...)` in a fixture): without it the test is
skipped with a reason naming the data and where to put it, and under `CI=true` it fails instead.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from graph.paths import ROOT

REFERENCE = Path(os.environ.get("AKG_REFERENCE") or ROOT.parent / "shared" / "reference")
# folder -> what it is and where to get it
DATASETS = {
    "esco-1.1.1": "ESCO 1.1.1, English CSV, https://esco.ec.europa.eu/en/use-esco/download",
    "onet-29.3": "O*NET 29.3, text files, https://www.onetcenter.org/db_releases.html",
    "w3c-sparql11-protocol": "W3C SPARQL 1.1 Protocol tests, github.com/w3c/rdf-tests sparql/sparql11/protocol",
    "case-1.0": "CASE 1.0 CFPackage schema and sample (github.com/opensalt/opensalt)",
}
PREFIX = "needs reference data: "


def in_ci() -> bool:
    """CI=true (or 1/yes): missing reference data is a failure there, never a skip."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def missing(*folders: str) -> list[str]:
    """The folders of REFERENCE that are not there."""
    return [f for f in folders if not (REFERENCE / f).is_dir()]


def need(*folders: str) -> Path:
    """REFERENCE when every folder is there; else skip the test (fail it under CI=true), saying what and where."""
    absent = missing(*folders)
    if absent:
        reason = f"{PREFIX}{', '.join(absent)} in {REFERENCE} (or set AKG_REFERENCE)"
        if in_ci():
            pytest.fail(reason + "; CI=true, so this is a failure", pytrace=False)
        pytest.skip(reason)
    return REFERENCE
