"""O*NET 29.3 (tab-delimited text files) to RDF aligned with the ontology.

Occupations `https://www.onetonline.org/link/summary/<O*NET-SOC code>` `a akg:OnetOccupation`
(prefLabel, definition, akg:socCode, akg:jobZone, skos:altLabel, akg:relatedOccupation);
tasks `…/onet/task/<Task ID>` `a akg:OnetTask` linked by akg:performsCoreTask or
akg:performsSupplementalTask; tools `…/onet/tool/<slug>` `a akg:Tool` and technologies
`…/onet/technology/<slug>` `a akg:Technology` (akg:hotTechnology), each with akg:unspscCode and
skos:broader to the UNSPSC commodity `…/unspsc/<code>`, linked by akg:usesTool /
akg:usesTechnology. Skills and knowledge ratings: one node `…/onet/rating/<code>/<element>`
`a akg:OnetRating` per occupation and descriptor (akg:hasRating from the occupation), with
akg:ratedDescriptor to `…/onet/descriptor/<element>` (`a akg:OnetSkill` or `akg:OnetKnowledge`),
akg:importance (scale IM, 1-5) and akg:level (scale LV, 0-7) as xsd:decimal, and akg:notRelevant /
akg:recommendSuppress true where O*NET flags them. Every entity has dcterms:source to the O*NET
source node.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from graph.importers.tables import Table, open_tables
from graph.importers.terms import (
    AKG,
    AKGR,
    DCT_SOURCE,
    RDF_TYPE,
    SKOS_ALT,
    SKOS_BROADER,
    SKOS_CONCEPT,
    SKOS_DEFINITION,
    SKOS_NOTATION,
    SKOS_PREF,
    XSD,
    boolean,
    en,
    integer,
    iri,
    literal,
    unique_slugs,
)
from graph.importers.writer import ImportSummary, NTriplesWriter, RowError, SourceInfo, write_source

SOURCE = SourceInfo(
    iri=AKGR + "source-onet-29.3",
    title="O*NET 29.3 Database",
    label="O*NET 29.3",
    license="https://creativecommons.org/licenses/by/4.0/",
    publisher="https://www.onetcenter.org/",
    version="29.3",
    page="https://www.onetcenter.org/database.html",
    citation=(
        "O*NET 29.3 Database (May 2025) by the U.S. Department of Labor, Employment and "
        "Training Administration (USDOL/ETA), used under the CC BY 4.0 license."
    ),
)

OCCUPATION_BASE = "https://www.onetonline.org/link/summary/"
TASK_BASE = "https://w3id.org/aesthetics-kg/onet/task/"
TOOL_BASE = "https://w3id.org/aesthetics-kg/onet/tool/"
TECHNOLOGY_BASE = "https://w3id.org/aesthetics-kg/onet/technology/"
UNSPSC_BASE = "https://w3id.org/aesthetics-kg/unspsc/"
RATING_BASE = "https://w3id.org/aesthetics-kg/onet/rating/"
DESCRIPTOR_BASE = "https://w3id.org/aesthetics-kg/onet/descriptor/"


CODE = "O*NET-SOC Code"
RATING_COLUMNS = (CODE, "Element ID", "Element Name", "Scale ID", "Data Value")
FILES: dict[str, tuple[str, tuple[str, ...], str]] = {
    "occupations": (
        "Occupation Data.txt",
        (CODE, "Title", "Description"),
        "O*NET occupations",
    ),
    "tasks": (
        "Task Statements.txt",
        (CODE, "Task ID", "Task", "Task Type"),
        "O*NET tasks",
    ),
    "tools": (
        "Tools Used.txt",
        (CODE, "Example", "Commodity Code", "Commodity Title"),
        "O*NET tools",
    ),
    "technology": (
        "Technology Skills.txt",
        (CODE, "Example", "Commodity Code", "Commodity Title", "Hot Technology"),
        "O*NET technology skills",
    ),
    "job_zones": ("Job Zones.txt", (CODE, "Job Zone"), "O*NET job zones"),
    "related": (
        "Related Occupations.txt",
        (CODE, "Related O*NET-SOC Code"),
        "O*NET related occupations",
    ),
    "alternate": (
        "Alternate Titles.txt",
        (CODE, "Alternate Title", "Short Title"),
        "O*NET alternate titles",
    ),
    "skills": ("Skills.txt", RATING_COLUMNS, "O*NET skills ratings"),
    "knowledge": ("Knowledge.txt", RATING_COLUMNS, "O*NET knowledge ratings"),
}

_SOC = re.compile(r"\d{2}-\d{4}\.\d{2}")
_UNSPSC = re.compile(r"\d{8}")
_TASK_ID = re.compile(r"\d+")
_ELEMENT = re.compile(r"\d+(\.[A-Za-z0-9]+)+")
_DECIMAL = re.compile(r"\d+(\.\d+)?")
#: O*NET's scales for skills and knowledge: ID -> (predicate local name, lowest, highest value)
SCALES = {"IM": ("importance", 1.0, 5.0), "LV": ("level", 0.0, 7.0)}

ONET_OCCUPATION = iri(AKG + "OnetOccupation")
ONET_TASK = iri(AKG + "OnetTask")
TOOL = iri(AKG + "Tool")
TECHNOLOGY = iri(AKG + "Technology")
SOC_CODE = iri(AKG + "socCode")
JOB_ZONE = iri(AKG + "jobZone")
UNSPSC_CODE = iri(AKG + "unspscCode")
HOT = iri(AKG + "hotTechnology")
CORE = iri(AKG + "performsCoreTask")
SUPPLEMENTAL = iri(AKG + "performsSupplementalTask")
USES_TOOL = iri(AKG + "usesTool")
USES_TECHNOLOGY = iri(AKG + "usesTechnology")
RELATED = iri(AKG + "relatedOccupation")
ONET_RATING = iri(AKG + "OnetRating")
HAS_RATING = iri(AKG + "hasRating")
RATED = iri(AKG + "ratedDescriptor")
NOT_RELEVANT = iri(AKG + "notRelevant")
SUPPRESS = iri(AKG + "recommendSuppress")


def import_onet(src: Path, out: Path, *, progress: TextIO | None = sys.stderr) -> ImportSummary:
    """Convert the O*NET text-file directory `src` into N-Triples at `out`, atomically."""
    src, out = Path(src), Path(out)
    errors: list[RowError] = []
    tables = open_tables(src, out, FILES, "\t", errors, progress)

    counts: dict[str, int] = {}
    with NTriplesWriter(out) as writer:
        run = _Run(writer, write_source(writer, SOURCE), counts)
        titles = run.occupations(tables["occupations"])
        run.tasks(tables["tasks"])
        run.equipment(tables["tools"], TOOLS)
        run.equipment(tables["technology"], TECHNOLOGIES)
        run.job_zones(tables["job_zones"])
        run.related(tables["related"])
        run.alternate_titles(tables["alternate"], titles)
        run.ratings(tables["skills"], iri(AKG + "OnetSkill"), "skills")
        run.ratings(tables["knowledge"], iri(AKG + "OnetKnowledge"), "knowledge")
    return ImportSummary(SOURCE.title, counts, writer.triples, errors)


def _occupation(table: Table, line: int, code: str) -> str | None:
    code = code.strip()
    if not _SOC.fullmatch(code):
        table.error(line, f"bad O*NET-SOC code {code!r} (expected NN-NNNN.NN)")
        return None
    return iri(OCCUPATION_BASE + code)


@dataclass
class _Equipment:
    line: int
    occupation: str
    text: str
    code: str
    title: str
    hot: bool


@dataclass(frozen=True)
class _Kind:
    """Tools or technologies: their counter names, IRI base, class, link predicate, and a Hot flag."""

    name: str
    links: str
    base: str
    cls: str
    predicate: str
    hot: bool


TOOLS = _Kind("tools", "tool_links", TOOL_BASE, TOOL, USES_TOOL, hot=False)
TECHNOLOGIES = _Kind(
    "technologies", "technology_links", TECHNOLOGY_BASE, TECHNOLOGY, USES_TECHNOLOGY, hot=True
)


def _equipment_row(table: Table, line: int, row: dict[str, str]) -> _Equipment | None:
    """One checked Tools/Technology row, or None after recording why it is malformed."""
    occupation = _occupation(table, line, row[CODE])
    if occupation is None:
        return None
    text, code = row["Example"].strip(), row["Commodity Code"].strip()
    if not text:
        table.error(line, "missing Example")
        return None
    if not _UNSPSC.fullmatch(code):
        table.error(line, f"bad Commodity Code {code!r} (expected 8 digits)")
        return None
    flag = row.get("Hot Technology", "N").strip()
    if flag not in ("Y", "N"):
        table.error(line, f"Hot Technology {flag!r} is neither Y nor N")
        return None
    return _Equipment(line, occupation, text, code, row["Commodity Title"].strip(), flag == "Y")


@dataclass
class _Run:
    writer: NTriplesWriter
    source: str
    counts: dict[str, int]

    def count(self, key: str, by: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + by

    def occupations(self, table: Table) -> dict[str, str]:
        add = self.writer.add
        titles: dict[str, str] = {}
        self.counts["occupations"] = 0
        for line, row in table.rows():
            node = _occupation(table, line, row[CODE])
            if node is None:
                continue
            title = row["Title"].strip()
            if not title:
                table.error(line, "missing Title")
                continue
            titles[node] = title
            add(node, RDF_TYPE, ONET_OCCUPATION)
            add(node, SKOS_PREF, en(title))
            description = row["Description"].strip()
            if description:
                add(node, SKOS_DEFINITION, en(description))
            add(node, SOC_CODE, literal(row[CODE].strip()))
            add(node, DCT_SOURCE, self.source)
            self.count("occupations")
        return titles

    def tasks(self, table: Table) -> None:
        add = self.writer.add
        for key in ("tasks", "core_task_links", "supplemental_task_links", "tasks_without_type"):
            self.counts[key] = 0
        for line, row in table.rows():
            occupation = _occupation(table, line, row[CODE])
            if occupation is None:
                continue
            task_id, text, kind = row["Task ID"].strip(), row["Task"].strip(), row["Task Type"]
            if not _TASK_ID.fullmatch(task_id):
                table.error(line, f"bad Task ID {task_id!r}")
                continue
            if not text:
                table.error(line, "missing Task text")
                continue
            kind = kind.strip()
            if kind == "Core":
                predicate, counter = CORE, "core_task_links"
            elif kind in ("Supplemental", ""):
                predicate, counter = SUPPLEMENTAL, "supplemental_task_links"
                if not kind:
                    self.count("tasks_without_type")  # no type given: linked as supplemental
            else:
                table.error(line, f"unknown Task Type {kind!r} (expected Core or Supplemental)")
                continue
            node = iri(TASK_BASE + task_id)
            if self.writer.first_time(node):
                add(node, RDF_TYPE, ONET_TASK)
                add(node, SKOS_PREF, en(text))
                add(node, DCT_SOURCE, self.source)
                self.count("tasks")
            add(occupation, predicate, node)
            self.count(counter)

    def equipment(self, table: Table, kind: _Kind) -> None:
        """Tools or technology skills: one node per distinct Example text, under its UNSPSC commodity."""
        rows = [r for line, row in table.rows() if (r := _equipment_row(table, line, row)) is not None]
        slugs = unique_slugs(row.text for row in rows)
        hot_texts = {row.text for row in rows if row.hot} if kind.hot else None
        self.counts[kind.name] = 0
        links = 0
        for row in rows:
            node = iri(kind.base + slugs[row.text])
            if self.writer.first_time(node):
                self._equipment_node(node, row.text, kind, hot_texts)
            commodity = iri(UNSPSC_BASE + row.code)
            if self.writer.first_time(commodity):
                self._commodity(commodity, row)
            if self.writer.first_time(f"{node} {commodity}"):
                self.writer.add(node, UNSPSC_CODE, literal(row.code))
                self.writer.add(node, SKOS_BROADER, commodity)
            if self.writer.first_time(f"{row.occupation} {node}"):
                self.writer.add(row.occupation, kind.predicate, node)
                links += 1
        self.counts[kind.links] = links
        if hot_texts is not None:
            self.counts["hot_technologies"] = len(hot_texts)

    def _equipment_node(self, node: str, text: str, kind: _Kind, hot_texts: set[str] | None) -> None:
        add = self.writer.add
        add(node, RDF_TYPE, kind.cls)
        add(node, SKOS_PREF, en(text))
        add(node, DCT_SOURCE, self.source)
        if hot_texts is not None:
            add(node, HOT, boolean(text in hot_texts))
        self.count(kind.name)

    def _commodity(self, commodity: str, row: _Equipment) -> None:
        add = self.writer.add
        add(commodity, RDF_TYPE, SKOS_CONCEPT)
        if row.title:
            add(commodity, SKOS_PREF, en(row.title))
        add(commodity, SKOS_NOTATION, literal(row.code))
        add(commodity, UNSPSC_CODE, literal(row.code))
        add(commodity, DCT_SOURCE, self.source)
        self.count("unspsc_commodities")

    def job_zones(self, table: Table) -> None:
        self.counts["job_zones"] = 0
        for line, row in table.rows():
            occupation = _occupation(table, line, row[CODE])
            if occupation is None:
                continue
            zone = row["Job Zone"].strip()
            if zone not in {"1", "2", "3", "4", "5"}:
                table.error(line, f"Job Zone {zone!r} is not an integer from 1 to 5")
                continue
            self.writer.add(occupation, JOB_ZONE, integer(int(zone)))
            self.count("job_zones")

    def related(self, table: Table) -> None:
        self.counts["related_links"] = 0
        for line, row in table.rows():
            occupation = _occupation(table, line, row[CODE])
            other = occupation and _occupation(table, line, row["Related O*NET-SOC Code"])
            if occupation and other:
                self.writer.add(occupation, RELATED, other)
                self.count("related_links")

    def alternate_titles(self, table: Table, titles: dict[str, str]) -> None:
        seen: set[tuple[str, str]] = set()
        self.counts["alternate_titles"] = 0
        self.counts["alternate_title_duplicates"] = 0
        for line, row in table.rows():
            occupation = _occupation(table, line, row[CODE])
            if occupation is None:
                continue
            names = [row["Alternate Title"].strip(), row["Short Title"].strip()]
            if not names[0]:
                table.error(line, "missing Alternate Title")
                continue
            for name in names:
                if not name:
                    continue
                key = (occupation, name.casefold())
                if key in seen or name == titles.get(occupation):
                    self.count("alternate_title_duplicates")
                    continue
                seen.add(key)
                self.writer.add(occupation, SKOS_ALT, en(name))
                self.count("alternate_titles")

    def ratings(self, table: Table, kind: str, name: str) -> None:
        """Skills or Knowledge.txt: a rating node per occupation and descriptor, importance and level typed."""
        add, first = self.writer.add, self.writer.first_time
        self.counts[f"{name}_ratings"] = 0
        descriptors = 0
        for line, row in table.rows():
            occupation = _occupation(table, line, row[CODE])
            if occupation is None:
                continue
            element, label, scale = row["Element ID"].strip(), row["Element Name"].strip(), row["Scale ID"]
            value = row["Data Value"].strip()
            if not _ELEMENT.fullmatch(element) or not label:
                table.error(line, f"bad Element ID {element!r} or missing Element Name")
                continue
            if scale.strip() not in SCALES:
                continue  # skills and knowledge carry IM and LV only; any other scale is not ours to model
            predicate, low, high = SCALES[scale.strip()]
            if not _DECIMAL.fullmatch(value) or not low <= float(value) <= high:
                table.error(line, f"Data Value {value!r} is not a number from {low:g} to {high:g}")
                continue
            descriptor = iri(DESCRIPTOR_BASE + element)
            if first(descriptor):
                add(descriptor, RDF_TYPE, kind)
                add(descriptor, SKOS_PREF, en(label))
                add(descriptor, SKOS_NOTATION, literal(element))
                add(descriptor, DCT_SOURCE, self.source)
                descriptors += 1
            node = iri(f"{RATING_BASE}{row[CODE].strip()}/{element}")
            if first(node):
                add(occupation, HAS_RATING, node)
                add(node, RDF_TYPE, ONET_RATING)
                add(node, RATED, descriptor)
                add(node, DCT_SOURCE, self.source)
                self.count(f"{name}_ratings")
            add(node, iri(AKG + predicate), literal(value, datatype=XSD + "decimal"))
            for column, flag in (("Not Relevant", NOT_RELEVANT), ("Recommend Suppress", SUPPRESS)):
                if row.get(column, "").strip() == "Y" and first(f"{node} {flag}"):
                    add(node, flag, boolean(True))
        self.counts[name] = descriptors
