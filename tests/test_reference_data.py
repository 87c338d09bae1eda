"""Without the reference data the suite still collects, runs what does not need it and says what is missing.

Each test runs pytest in a child process with AKG_REFERENCE naming an empty folder, as a clone without
../shared/reference sees it; CI=true turns the missing data into failures.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from graph.paths import ROOT
from tests.reference import DATASETS

# A few tests of each kind: reading CASE, the importers (ESCO and O*NET), the W3C suite, and tests that need nothing.
SUBSET = [
    "tests/test_case.py",
    "tests/test_importers.py",
    "tests/test_endpoint.py",
    "-k",
    "w3c or shared_reference or format_checker or importers or service_description",
]


def pytest_in_child(empty: Path, *args: str, ci: bool = False) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "PYTEST_ADDOPTS", "PYTEST_XDIST_WORKER")}
    env["AKG_REFERENCE"] = str(empty)
    if ci:
        env["CI"] = "true"
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("no-reference")


def test_the_whole_suite_collects_without_reference_data(empty):
    proc = pytest_in_child(empty, "--collect-only")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert "error" not in proc.stdout.splitlines()[-1], proc.stdout[-3000:]
    collected = {line.split("::")[0] for line in proc.stdout.splitlines() if "::" in line}
    test_files = {f"tests/{p.name}" for p in (ROOT / "tests").glob("test_*.py")}
    assert test_files <= collected, sorted(test_files - collected)


def test_it_runs_the_rest_and_ends_naming_what_is_missing_and_where(empty):
    proc = pytest_in_child(empty, *SUBSET)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    stats = next(line for line in reversed(lines) if " skipped" in line)
    assert re.search(r"\b[1-9]\d* passed\b", stats), stats  # the tests that need no data ran
    assert "failed" not in stats and "error" not in stats, stats
    last = lines[-1]
    assert last.startswith("reference data missing: "), last
    for folder in ("esco-1.1.1", "onet-29.3", "w3c-sparql11-protocol", "case-1.0"):
        assert f"{folder}/ ({DATASETS[folder]})" in last, last
    assert str(empty) in last and "AKG_REFERENCE" in last, last


def test_under_ci_missing_reference_data_fails(empty):
    proc = pytest_in_child(empty, *SUBSET, ci=True)
    assert proc.returncode == 1, proc.stdout[-3000:]
    stats = proc.stdout.splitlines()[-1]
    assert re.search(r"\b[1-9]\d* errors?\b", stats) and "skipped" not in stats, stats  # failed in set-up
    assert "needs reference data: w3c-sparql11-protocol" in proc.stdout
    assert "CI=true, so this is a failure" in proc.stdout
