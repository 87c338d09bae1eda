"""The README's and docs/*.md's runnable command lines, run in a fresh clone of this commit, print what they show.

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
from tests.reference import REFERENCE, need

README = (ROOT / "README.md").read_text(encoding="utf-8")
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MAX_README_LINES = 200


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


EXAMPLES = [
    (page, *example) for page in PAGES for example in shell_examples(page.read_text(encoding="utf-8"))
]
OUTPUTS: dict[tuple[Path, str], subprocess.CompletedProcess] = {}  # a command shown on two pages runs once


def test_the_readme_and_docs_show_runnable_examples():
    assert len(EXAMPLES) >= 8 and all("python -m graph " in c for _, c, _ in EXAMPLES)
    assert len(import_commands(README)) == 2
    assert {p.name for p, _, _ in EXAMPLES} >= {"README.md", "curricula.md", "sparql.md", "reference.md"}


@pytest.fixture(scope="module")
def imported(clone) -> Path:
    """The clone after the README's import commands, as a fresh clone has them (no import under var/ yet:
    the curated examples run before may have made var/stores, var/users, …, but never an import)."""
    need("esco-1.1.1", "onet-29.3")
    assert not [f for f in ("esco.nt", "onet.nt") if (clone / "var" / f).exists()]
    for command in import_commands(README):
        proc = run(clone, command + " --quiet")
        assert proc.returncode == 0, proc.stderr
        triples = proc.stdout.split(": ", 1)[1].split(" triples")[0]
        assert f"{triples} triples" in README, proc.stdout  # the README's count is the real one
    return clone


@pytest.mark.parametrize(
    "page,command,expected",
    EXAMPLES,
    ids=[f"{p.name}:{c.split(chr(10))[0][:60]}" for p, c, _ in EXAMPLES],
)
def test_each_example_prints_what_its_page_shows(request, clone, page, command, expected):
    where = request.getfixturevalue("imported") if " var/" in command else clone  # examples on ESCO/O*NET
    if (where, command) not in OUTPUTS:
        OUTPUTS[where, command] = run(where, command)
    proc = OUTPUTS[where, command]
    actual = [line.rstrip() for line in (proc.stdout + proc.stderr).splitlines()]
    fails = expected and (expected[0].startswith("error:") or " violation(s) in " in expected[-1])
    assert proc.returncode == (1 if fails else 0), proc.stderr
    assert matches(expected, actual), "\n".join(actual)


def test_the_readme_import_commands_work_in_a_fresh_clone(imported):
    for command in import_commands(README):
        assert (imported / command.split("--out ")[1]).stat().st_size > 0


def test_the_readme_is_read_in_five_minutes():
    lines = README.count("\n")
    assert lines <= MAX_README_LINES, f"README.md has {lines} lines; move detail into docs/"


def without_code_blocks(text: str) -> str:
    """The text without fenced or indented code blocks (where `#` starts no heading)."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return "\n".join(line for line in text.splitlines() if not line.startswith("    "))


def prose(text: str) -> str:
    """The text without code blocks and code spans, where brackets are not links."""
    return re.sub(r"`[^`\n]*`", "", without_code_blocks(text))


def anchors(text: str) -> set[str]:
    """GitHub's anchors for a page's headings: the rendered text, lower case, punctuation dropped, spaces as '-'."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for heading in re.findall(r"^#{1,6} +(.+?) *#*$", without_code_blocks(text), flags=re.M):
        words = re.sub(
            r"\\(.)|[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or m.group(2) or "", heading
        )
        slug = re.sub(r"[^\w\- ]", "", words.lower()).replace(" ", "-")
        found.add(f"{slug}-{seen[slug]}" if slug in seen else slug)  # repeated headings get -1, -2, …
        seen[slug] = seen.get(slug, 0) + 1
    return found


def links(page: Path) -> list[str]:
    """Every link and image target on a page that is not a web address."""
    targets = re.findall(r"\]\(([^)\s]+)(?: \"[^\"]*\")?\)", prose(page.read_text(encoding="utf-8")))
    return [t for t in targets if not re.match(r"[a-z]+:", t)]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_link_on_the_page_resolves(page):
    broken = []
    for target in links(page):
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.is_file() or ROOT not in file.parents:
            broken.append(f"{target}: no file {file}")
        elif anchor and anchor not in anchors(file.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading #{anchor} in {file.name}")
    assert not broken, "\n".join(broken)


def test_the_link_checker_knows_githubs_anchors():
    text = "# Data: ESCO 1.1.1 and O\\*NET 29.3\n## The explorer (`app.py`)\n## Notes\n## Notes\n"
    assert anchors(text) == {"data-esco-111-and-onet-293", "the-explorer-apppy", "notes", "notes-1"}
    assert links(ROOT / "README.md")  # the README links into docs/
