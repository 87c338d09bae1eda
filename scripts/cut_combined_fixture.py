"""Cut tests/fixtures/combined-sample.nt from the real ESCO and O*NET import output.

The sample keeps two imported roles whole (ESCO's hair removal technician and O*NET's skincare
specialists: every triple about them) and every role that links to
one ESCO skill, with the type and label of everything they name: enough for the queries that differ between
engines on the combined graph (tests/test_virtuoso.py), small enough for CI. Run after importing:

    python -m graph import esco ../shared/reference/esco-1.1.1 --out var/esco.nt
    python -m graph import onet ../shared/reference/onet-29.3 --out var/onet.nt
    python scripts/cut_combined_fixture.py var/esco.nt var/onet.nt
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "fixtures" / "combined-sample.nt"
ROLES = (
    "<http://data.europa.eu/esco/occupation/72413d91-f212-4ad6-bf95-8b78a37c041a>",
    "<https://www.onetonline.org/link/summary/39-5094.00>",
)
SKILL = "<http://data.europa.eu/esco/skill/7d9d73a8-08df-4624-a5df-95cb220c0736>"
KEEP = (
    "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>",
    "<http://www.w3.org/2004/02/skos/core#prefLabel>",
)
SOURCES = ("<https://w3id.org/aesthetics-kg/resource/source-",)


def cut(files: list[Path]) -> list[str]:
    """The sample's lines, sorted, from N-Triples files as the importers write them."""
    by_subject: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for path in files:
        with path.open(encoding="utf-8") as f:
            for line in f:
                s, p, rest = line.rstrip("\n").split(" ", 2)
                by_subject[s].append((p, rest, line))
    whole = set(ROLES) | {SKILL} | {s for s in by_subject if s.startswith(SOURCES)}
    partial = {s for s, triples in by_subject.items() for _, rest, _ in triples if rest.startswith(SKILL)}
    for role in ROLES:
        partial |= {rest[:-2].strip() for _, rest, _ in by_subject[role] if rest.startswith("<")}
    lines = set()
    for s in whole | partial:
        for p, rest, line in by_subject.get(s, ()):
            if s in whole or p in KEEP or rest.startswith(SKILL):
                lines.add(line)
    return sorted(lines)


def main(argv: list[str] | None = None) -> int:
    """Write the sample; print how many triples it has."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("files", nargs="+", type=Path, help="the N-Triples written by `python -m graph import`")
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    lines = cut(args.files)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(lines), encoding="utf-8")
    print(f"{args.out}: {len(lines)} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
