"""ESCO v1.1.1 (English CSV) to RDF with ESCO's own IRIs and model terms.

Occupations `a esco:Occupation, skos:Concept`, skills `a esco:Skill, skos:Concept`, ISCO groups
and skill groups `a skos:Concept` plus `esco:ISCOGroup` / `esco:SkillGroup` (the CSV's
conceptType), all with skos labels, definitions and notations; hierarchies as skos:broader;
occupation->skill and skill->skill links as esco:relatedEssentialSkill / esco:relatedOptionalSkill;
skill type and reuse level as ESCO's concept IRIs (esco:skillType, esco:skillReuseLevel).
Every concept has dcterms:source to the ESCO source node.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from graph.importers.tables import Table, open_tables
from graph.importers.terms import (
    AKGR,
    DCT_SOURCE,
    ESCO,
    RDF_TYPE,
    SKOS_ALT,
    SKOS_BROADER,
    SKOS_CONCEPT,
    SKOS_DEFINITION,
    SKOS_HIDDEN,
    SKOS_NOTATION,
    SKOS_PREF,
    SKOS_SCOPE_NOTE,
    en,
    iri,
    literal,
    split_lines,
)
from graph.importers.writer import ImportSummary, NTriplesWriter, RowError, SourceInfo, write_source

SOURCE = SourceInfo(
    iri=AKGR + "source-esco-1.1.1",
    title="ESCO classification v1.1.1",
    label="ESCO v1.1.1",
    license="http://data.europa.eu/eli/dec/2011/833/oj",
    publisher="http://publications.europa.eu/resource/authority/corporate-body/COM",
    version="1.1.1",
    page="https://esco.ec.europa.eu/en/use-esco/download",
    citation=(
        "ESCO (European Skills, Competences, Qualifications and Occupations) v1.1.1, "
        "European Commission. Reuse is authorised provided the source is acknowledged "
        "(Commission Decision 2011/833/EU)."
    ),
)

_CONCEPT_COLUMNS = ("conceptUri", "preferredLabel", "altLabels", "description")
FILES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "isco": ("ISCOGroups_en.csv", (*_CONCEPT_COLUMNS, "code"), "ESCO ISCO groups"),
    "occupations": ("occupations_en.csv", (*_CONCEPT_COLUMNS, "code"), "ESCO occupations"),
    "skill_groups": ("skillGroups_en.csv", (*_CONCEPT_COLUMNS, "code"), "ESCO skill groups"),
    "skills": (
        "skills_en.csv",
        (*_CONCEPT_COLUMNS, "skillType", "reuseLevel"),
        "ESCO skills",
    ),
    "occ_broader": (
        "broaderRelationsOccPillar.csv",
        ("conceptUri", "broaderUri"),
        "ESCO occupation hierarchy",
    ),
    "skill_broader": (
        "broaderRelationsSkillPillar.csv",
        ("conceptUri", "broaderUri"),
        "ESCO skill hierarchy",
    ),
    "occ_skill": (
        "occupationSkillRelations.csv",
        ("occupationUri", "relationType", "skillUri"),
        "ESCO occupation-skill relations",
    ),
    "skill_skill": (
        "skillSkillRelations.csv",
        ("originalSkillUri", "relationType", "relatedSkillUri"),
        "ESCO skill-skill relations",
    ),
}

SKILL_TYPES = {
    "skill/competence": "http://data.europa.eu/esco/skill-type/skill",
    "knowledge": "http://data.europa.eu/esco/skill-type/knowledge",
}
REUSE_LEVELS = {
    name: f"http://data.europa.eu/esco/skill-reuse-level/{name}"
    for name in ("transversal", "cross-sector", "sector-specific", "occupation-specific")
}
RELATION = {
    "essential": iri(ESCO + "relatedEssentialSkill"),
    "optional": iri(ESCO + "relatedOptionalSkill"),
}
OCCUPATION = iri(ESCO + "Occupation")
SKILL = iri(ESCO + "Skill")
ISCO_GROUP = iri(ESCO + "ISCOGroup")
SKILL_GROUP = iri(ESCO + "SkillGroup")
SKILL_TYPE = iri(ESCO + "skillType")
REUSE_LEVEL = iri(ESCO + "skillReuseLevel")


def import_esco(src: Path, out: Path, *, progress: TextIO | None = sys.stderr) -> ImportSummary:
    """Convert the ESCO CSV directory `src` into N-Triples at `out` (.nt or .ttl), atomically."""
    src, out = Path(src), Path(out)
    errors: list[RowError] = []
    tables = open_tables(src, out, FILES, ",", errors, progress)

    counts = dict.fromkeys(
        (
            "occupations",
            "skills",
            "isco_groups",
            "skill_groups",
            "occupation_broader",
            "skill_broader",
            "essential_links",
            "optional_links",
            "skill_relations",
            "skills_without_type",
        ),
        0,
    )
    with NTriplesWriter(out) as writer:
        source = write_source(writer, SOURCE)
        counts["isco_groups"] = _concepts(writer, tables["isco"], (ISCO_GROUP,), source)
        counts["occupations"] = _concepts(writer, tables["occupations"], (OCCUPATION,), source)
        counts["skill_groups"] = _concepts(writer, tables["skill_groups"], (SKILL_GROUP,), source)
        counts["skills"], counts["skills_without_type"] = _skills(writer, tables["skills"], source)
        counts["occupation_broader"] = _broader(writer, tables["occ_broader"])
        counts["skill_broader"] = _broader(writer, tables["skill_broader"])
        essential, optional = _relations(writer, tables["occ_skill"], "occupationUri", "skillUri")
        counts["essential_links"], counts["optional_links"] = essential, optional
        essential, optional = _relations(writer, tables["skill_skill"], "originalSkillUri", "relatedSkillUri")
        counts["skill_relations"] = essential + optional
    return ImportSummary(SOURCE.title, counts, writer.triples, errors)


def _uri(table: Table, line: int, row: dict[str, str], column: str) -> str | None:
    """The serialised IRI in `column`, or None after recording the row as malformed."""
    value = row[column].strip()
    if not value:
        table.error(line, f"missing {column}")
        return None
    try:
        return iri(value)
    except ValueError as exc:
        table.error(line, f"{column}: {exc}")
        return None


def _describe(
    writer: NTriplesWriter,
    table: Table,
    line: int,
    row: dict[str, str],
    classes: tuple[str, ...],
    source: str,
) -> str | None:
    node = _uri(table, line, row, "conceptUri")
    if node is None:
        return None
    label = row["preferredLabel"].strip()
    if not label:
        table.error(line, "missing preferredLabel")
        return None
    add = writer.add
    add(node, RDF_TYPE, SKOS_CONCEPT)
    for cls in classes:
        add(node, RDF_TYPE, cls)
    add(node, SKOS_PREF, en(label))
    for alt in split_lines(row["altLabels"]):
        add(node, SKOS_ALT, en(alt))
    for hidden in split_lines(row.get("hiddenLabels", "")):
        add(node, SKOS_HIDDEN, en(hidden))
    description = row["description"].strip()
    if description:
        add(node, SKOS_DEFINITION, en(description))
    definition = row.get("definition", "").strip()
    if definition and definition != description:
        add(node, SKOS_DEFINITION, en(definition))
    scope = row.get("scopeNote", "").strip()
    if scope:
        add(node, SKOS_SCOPE_NOTE, en(scope))
    code = row.get("code", "").strip()
    if code:
        add(node, SKOS_NOTATION, literal(code))
    add(node, DCT_SOURCE, source)
    return node


def _concepts(writer: NTriplesWriter, table: Table, classes: tuple[str, ...], source: str) -> int:
    count = 0
    for line, row in table.rows():
        if _describe(writer, table, line, row, classes, source) is not None:
            count += 1
    return count


def _skills(writer: NTriplesWriter, table: Table, source: str) -> tuple[int, int]:
    count = untyped = 0
    for line, row in table.rows():
        node = _describe(writer, table, line, row, (SKILL,), source)
        if node is None:
            continue
        count += 1
        skill_type = row["skillType"].strip()
        if not skill_type:
            untyped += 1
        elif skill_type in SKILL_TYPES:
            writer.add(node, SKILL_TYPE, iri(SKILL_TYPES[skill_type]))
        else:
            table.error(line, f"unknown skillType {skill_type!r} (skill kept without a type)")
        reuse = row["reuseLevel"].strip()
        if reuse in REUSE_LEVELS:
            writer.add(node, REUSE_LEVEL, iri(REUSE_LEVELS[reuse]))
        elif reuse:
            table.error(line, f"unknown reuseLevel {reuse!r} (skill kept without it)")
    return count, untyped


def _broader(writer: NTriplesWriter, table: Table) -> int:
    count = 0
    for line, row in table.rows():
        narrower = _uri(table, line, row, "conceptUri")
        broader = narrower and _uri(table, line, row, "broaderUri")
        if narrower and broader:
            writer.add(narrower, SKOS_BROADER, broader)
            count += 1
    return count


def _relations(writer: NTriplesWriter, table: Table, from_column: str, to_column: str) -> tuple[int, int]:
    counts = {"essential": 0, "optional": 0}
    for line, row in table.rows():
        kind = row["relationType"].strip()
        if kind not in RELATION:
            table.error(line, f"relationType {kind!r} is neither 'essential' nor 'optional'")
            continue
        subject = _uri(table, line, row, from_column)
        obj = subject and _uri(table, line, row, to_column)
        if subject and obj:
            writer.add(subject, RELATION[kind], obj)
            counts[kind] += 1
    return counts["essential"], counts["optional"]
