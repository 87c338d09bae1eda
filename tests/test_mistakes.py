"""Every user mistake through the real entry points: one line on stderr, a non-zero exit, nothing written."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from graph.paths import ROOT

NEEDS_A_STORE = [
    ("stats",),
    ("query", "counts_by_class"),
    ("overlap",),
    ("gap", "esthetician", "dermatologist"),
    ("path", "esthetician", "NCLE"),
    ("curriculum", "esthetician"),
    ("match", "-"),
    ("export",),
]


def cli(tmp_path: Path, *argv: str, entry: tuple[str, ...] = ("-m", "graph")) -> subprocess.CompletedProcess:
    """Run an entry point from an empty directory, with its var/ there too, so anything written shows."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AKG_VAR": str(tmp_path / "var")}
    return subprocess.run(
        [sys.executable, *entry, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env
    )


def one_line(proc: subprocess.CompletedProcess, code: int, *words: str) -> None:
    assert proc.returncode == code, proc.stderr
    assert proc.stdout == "" and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert all(w in proc.stderr for w in words), proc.stderr


@pytest.mark.parametrize("argv", NEEDS_A_STORE, ids=lambda a: a[0])
def test_a_missing_data_file_is_one_line_before_any_store_is_built(tmp_path, argv):
    one_line(cli(tmp_path, "--data", "nope.ttl", *argv), 1, "nope.ttl: no such file")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv", NEEDS_A_STORE, ids=lambda a: a[0])
def test_a_data_url_is_refused_in_one_line(tmp_path, argv):
    one_line(
        cli(tmp_path, *argv, "--data", "http://example.org/x.ttl"), 1, "http://example.org/x.ttl", "not URLs"
    )
    assert list(tmp_path.iterdir()) == []


def test_an_unknown_overlap_category_names_the_known_ones(tmp_path):
    one_line(cli(tmp_path, "overlap", "--category", "nosuch"), 1, "'nosuch'", "procedures", "credentials")


def test_gap_from_a_procedure_says_it_is_not_a_role(tmp_path):
    proc = cli(tmp_path, "gap", "laser hair removal", "esthetician")
    one_line(proc, 1, "'laser hair removal' is a procedure, not a role")


def test_csv_export_to_a_file_name_creates_no_directory(tmp_path):
    one_line(cli(tmp_path, "export", "--format", "csv", "--out", "x.csv"), 1, "x.csv", "directory")
    assert not (tmp_path / "x.csv").exists()


def test_export_over_a_directory_leaves_it_alone(tmp_path):
    (tmp_path / "out.ttl").mkdir()
    one_line(cli(tmp_path, "export", "--out", "out.ttl"), 1, "out.ttl is a directory")
    assert list((tmp_path / "out.ttl").iterdir()) == []


def test_export_into_a_new_directory_writes_only_the_file(tmp_path):
    proc = cli(tmp_path, "export", "--format", "graphml", "--out", "exports/graph.graphml")
    assert proc.returncode == 0, proc.stderr
    assert [p.name for p in (tmp_path / "exports").iterdir()] == ["graph.graphml"]


def test_import_into_a_directory_that_is_a_file_writes_nothing(tmp_path):
    (tmp_path / "var").write_text("a file")
    proc = cli(tmp_path, "import", "esco", str(tmp_path), "--out", "var/esco.nt")
    one_line(proc, 1, "var is a file")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["var"]


def test_a_port_out_of_range_is_one_line_from_the_app(tmp_path):
    one_line(cli(tmp_path, "--port", "80800", entry=(str(ROOT / "app.py"),)), 2, "80800", "1-65535")


def test_a_missing_data_file_stops_the_app_in_one_line(tmp_path):
    one_line(cli(tmp_path, "--data", "nope.ttl", entry=(str(ROOT / "app.py"),)), 1, "nope.ttl: no such file")
    assert list(tmp_path.iterdir()) == []


def test_usage_errors_are_one_line_too(tmp_path):
    one_line(cli(tmp_path, "gap", "only-one"), 2, "TO_ROLE", "--help")
    one_line(cli(tmp_path, "--data", "gap", "a", "b"), 2, "'gap' is not an RDF file")
