"""scripts/run.sh and scripts/test.sh set up what they need or say in one line why they cannot."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from graph.paths import ROOT

# python3 as Debian's is without python3-venv: `-m venv` leaves a .venv with no pip and exits 1.
NO_VENV_MODULE = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin" && ln -sf /usr/bin/python3 "$3/bin/python"
  echo "The virtual environment was not created successfully because ensurepip is not"
  echo "available.  On Debian/Ubuntu systems, you need to install the python3-venv"
  exit 1
fi
exec /usr/bin/python3 "$@"
"""


def checkout(tmp_path: Path) -> Path:
    """The scripts and requirements alone, where a failed set-up can be watched."""
    repo = tmp_path / "repo"
    (repo / "scripts").mkdir(parents=True)
    for name in ("scripts/run.sh", "scripts/venv.sh", "requirements.txt"):
        shutil.copy(ROOT / name, repo / name)
    return repo


def test_without_the_venv_module_run_sh_says_which_package_and_leaves_no_half_made_venv(tmp_path):
    repo, fake = checkout(tmp_path), tmp_path / "bin"
    fake.mkdir()
    (fake / "python3").write_text(NO_VENV_MODULE)
    (fake / "python3").chmod(0o755)
    (repo / ".venv" / "bin").mkdir(parents=True)  # a half-made .venv from an earlier try: no pip
    (repo / ".venv" / "bin" / "python").symlink_to("/usr/bin/python3")
    env = {**os.environ, "PATH": f"{fake}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(
        ["bash", str(repo / "scripts" / "run.sh")], env=env, capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "error: python3 cannot create a virtual environment (no ensurepip): install Debian's python3-venv "
        "(apt-get install python3-venv), then run this again"
    ]
    assert "== creating the virtual environment .venv" in proc.stdout
    assert not (repo / ".venv").exists()
