"""Cut the alignment fixture from the real ESCO and O*NET files and run the real importers on it.

Keeps every ESCO and O*NET concept that ontology/roles.ttl maps to (and fails if one is missing
from the reference files), the full skill lists of ESCO's aesthetician and hair removal
technician, and every task and alternate title of the O*NET occupations the roles map to, so
tests see the same names, ties and links as the full frameworks. Writes tests/fixtures/alignment/
(the cut source rows) and tests/fixtures/esco-cut.nt, onet-cut.nt.

    python scripts/make_alignment_fixture.py [--reference ../shared/reference]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.importers import esco, import_esco, import_onet, onet  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures"
ESCO_OCC = "http://data.europa.eu/esco/occupation/"
ESCO_SKILL = "http://data.europa.eu/esco/skill/"
ONET_OCC = "https://www.onetonline.org/link/summary/"
TASK = "https://w3id.org/aesthetics-kg/onet/task/"
#: ESCO occupations whose whole skill list the fixture keeps (the done-when comparisons)
FULL_OCCUPATIONS = (
    ESCO_OCC + "a1e1a788-2352-4172-8fcf-1f985a6968b0",  # aesthetician
    ESCO_OCC + "72413d91-f212-4ad6-bf95-8b78a37c041a",  # hair removal technician
)


def referenced(ttl: Path) -> set[str]:
    """Every ESCO or O*NET IRI the curated graph names."""
    text = ttl.read_text(encoding="utf-8")
    bases = (ESCO_OCC, ESCO_SKILL, ONET_OCC, TASK)
    return {i for i in re.findall(r"<([^>]+)>", text) if i.startswith(bases) and i not in bases}


def cut_csv(src: Path, dest: Path, keep) -> int:
    """Header plus the records for which keep(record) is true; returns how many were kept."""
    with src.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [r for r in reader if keep(dict(zip(header, r, strict=True)))]
    with dest.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header, *rows])
    return len(rows)


def cut_tsv(src: Path, dest: Path, keep) -> int:
    """The same for O*NET's tab-separated files (no quoting)."""
    lines = src.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    rows = [line for line in lines[1:] if keep(dict(zip(header, line.split("\t"), strict=False)))]
    dest.write_text("\n".join([lines[0], *rows]) + "\n", encoding="utf-8")
    return len(rows)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--reference", type=Path, default=ROOT.parent / "shared" / "reference")
    args = p.parse_args()
    esco_dir, onet_dir = args.reference / "esco-1.1.1", args.reference / "onet-29.3"
    refs = referenced(ROOT / "ontology" / "roles.ttl")
    occupations = {i for i in refs if i.startswith(ESCO_OCC)} | set(FULL_OCCUPATIONS)
    skills = {i for i in refs if i.startswith(ESCO_SKILL)}
    with (esco_dir / "occupationSkillRelations.csv").open(encoding="utf-8", newline="") as f:
        relations = [r for r in csv.DictReader(f) if r["occupationUri"] in occupations]
    keep_rel = [r for r in relations if r["occupationUri"] in FULL_OCCUPATIONS or r["skillUri"] in skills]
    skills |= {r["skillUri"] for r in keep_rel}
    socs = {i[len(ONET_OCC) :] for i in refs if i.startswith(ONET_OCC)}
    tasks = {i[len(TASK) :] for i in refs if i.startswith(TASK)}

    out = FIXTURES / "alignment"
    (out / "esco").mkdir(parents=True, exist_ok=True)
    (out / "onet").mkdir(parents=True, exist_ok=True)
    found: dict[str, set[str]] = {"occupations": set(), "skills": set()}

    def keep_concept(kind: str, wanted: set[str]):
        def keep(r: dict[str, str]) -> bool:
            if r["conceptUri"] in wanted:
                found[kind].add(r["conceptUri"])
                return True
            return False

        return keep

    for _key, (name, _cols, _label) in esco.FILES.items():
        keep = {
            "occupations_en.csv": keep_concept("occupations", occupations),
            "skills_en.csv": keep_concept("skills", skills),
            "occupationSkillRelations.csv": lambda r: r in keep_rel,
        }.get(name, lambda r: False)
        cut_csv(esco_dir / name, out / "esco" / name, keep)
    found_tasks: set[str] = set()

    def keep_task(r: dict[str, str]) -> bool:
        if r["O*NET-SOC Code"] in socs:
            found_tasks.add(r["Task ID"])
            return True
        return False

    for _key, (name, _cols, _label) in onet.FILES.items():
        keep = {
            "Task Statements.txt": keep_task,
            "Tools Used.txt": lambda r: False,
            "Technology Skills.txt": lambda r: False,
            "Related Occupations.txt": lambda r: (
                r["O*NET-SOC Code"] in socs and r["Related O*NET-SOC Code"] in socs
            ),
        }.get(name, lambda r: r["O*NET-SOC Code"] in socs)
        cut_tsv(onet_dir / name, out / "onet" / name, keep)
    with (onet_dir / "Occupation Data.txt").open(encoding="utf-8") as f:
        known_socs = {line.split("\t", 1)[0] for line in f}
    missing = sorted(
        (occupations - found["occupations"])
        | (skills - found["skills"])
        | {ONET_OCC + s for s in socs - known_socs}
        | {TASK + t for t in tasks - found_tasks}
    )
    if missing:
        print("not in the reference files:\n  " + "\n  ".join(missing), file=sys.stderr)
        return 1
    for summary in (
        import_esco(out / "esco", FIXTURES / "esco-cut.nt", progress=None),
        import_onet(out / "onet", FIXTURES / "onet-cut.nt", progress=None),
    ):
        print(summary.format())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
