"""The README's runnable command lines, run in a fresh clone of this commit, print what the README shows.

A `$ python -m graph …` excerpt matches when each of its lines is a line of the real output, in
order; a line holding only `…` stands for lines left out, a `…` inside a line for text left out. The import commands must succeed from a
fresh clone (no var/ yet) and report the counts the README gives.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from graph.paths import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
REFERENCE = Path(os.environ.get("AKG_REFERENCE") or ROOT.parent / "shared" / "reference")


def shell_examples(text: str) -> list[tuple[str, list[str]]]:
    """(command, expected lines) for every `$ ` example in the README's indented code blocks."""
    examples: list[tuple[str, list[str]]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if not lines[i].startswith("    $ "):
            i += 1
            continue
        command = lines[i][6:]
        i += 1
        while command.count("'") % 2:  # a quoted argument runs on over the next lines
            command += "\n" + lines[i][4:].strip()
            i += 1
        expected = []
        while i < len(lines) and not lines[i].startswith("    $ "):
            if lines[i].startswith("    "):
                expected.append(lines[i][4:].rstrip())
            elif (
                not lines[i]
                and i + 1 < len(lines)
                and lines[i + 1].startswith("    ")
                and not lines[i + 1].startswith("    $ ")
            ):
                expected.append("")  # a blank line inside the excerpt
            else:
                break
            i += 1
        while expected and not expected[-1]:
            expected.pop()
        examples.append((command, expected))
    return examples


def import_commands(text: str) -> list[str]:
    """The README's `python -m graph import …` lines."""
    return re.findall(r"^    (python -m graph import \S+ \S+ --out \S+)$", text, flags=re.M)


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of the committed HEAD, beside a `shared` link so ../shared/reference resolves."""
    top = tmp_path_factory.mktemp("fresh")
    subprocess.run(["git", "clone", "-q", str(ROOT), str(top / "repo")], check=True)
    if REFERENCE.is_dir():
        (top / "shared").mkdir()
        (top / "shared" / "reference").symlink_to(REFERENCE)
    return top / "repo"


def run(clone: Path, command: str) -> subprocess.CompletedProcess:
    """A command line as a user types it in the clone, `python` being this test's interpreter."""
    bin_dir = clone.parent / "bin"
    bin_dir.mkdir(exist_ok=True)
    python = bin_dir / "python"
    if not python.exists():  # a wrapper, not a link: a virtualenv's python finds its packages by its own path
        python.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} "$@"\n')
        python.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "AKG_VAR")}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    return subprocess.run(
        ["bash", "-c", command], cwd=clone, env=env, capture_output=True, text=True, timeout=600
    )


def same(expected: str, actual: str) -> bool:
    """One line as shown: exact, or with `…` inside the line standing for text left out."""
    if "…" not in expected:
        return expected == actual
    return re.fullmatch(".*".join(map(re.escape, expected.split("…"))), actual) is not None


def matches(expected: list[str], actual: list[str]) -> bool:
    """Each expected line appears in `actual` in order; `…` alone skips any number of lines."""
    position, skipping = 0, False
    for line in expected:
        if line == "…":
            skipping = True
            continue
        found = [k for k in range(position, len(actual)) if same(line, actual[k])]
        if not found or (not skipping and found[0] != position):
            return False
        position, skipping = found[0] + 1, False
    return True


EXAMPLES = shell_examples(README)


def test_the_readme_shows_runnable_examples():
    assert len(EXAMPLES) >= 8 and all("python -m graph " in c for c, _ in EXAMPLES)
    assert len(import_commands(README)) == 2


@pytest.fixture(scope="module")
def imported(clone) -> Path:
    """The clone after the README's import commands, as a fresh clone has them (nothing under var/ yet)."""
    if not REFERENCE.is_dir():
        pytest.fail("ESCO and O*NET are not beside the project (../shared/reference)")
    assert not (clone / "var").exists()
    for command in import_commands(README):
        proc = run(clone, command + " --quiet")
        assert proc.returncode == 0, proc.stderr
        triples = proc.stdout.split(": ", 1)[1].split(" triples")[0]
        assert f"{triples} triples" in README, proc.stdout  # the README's count is the real one
    return clone


@pytest.mark.parametrize("command,expected", EXAMPLES, ids=[c.split("\n")[0][:60] for c, _ in EXAMPLES])
def test_each_readme_example_prints_what_the_readme_shows(request, clone, command, expected):
    where = request.getfixturevalue("imported") if " var/" in command else clone  # examples on ESCO/O*NET
    proc = run(where, command)
    actual = [line.rstrip() for line in (proc.stdout + proc.stderr).splitlines()]
    assert proc.returncode == (1 if expected and expected[0].startswith("error:") else 0), proc.stderr
    assert matches(expected, actual), "\n".join(actual)


def test_the_readme_import_commands_work_in_a_fresh_clone(imported):
    for command in import_commands(README):
        assert (imported / command.split("--out ")[1]).stat().st_size > 0
