r"""N-Triples terms as strings for the importers: IRIs checked, literals escaped, slugs stable.

>>> iri("http://example.org/a")
'<http://example.org/a>'
>>> literal('say "hi"', lang="en")
'"say \\"hi\\""@en'
>>> unique_slugs(["Laser A", "laser-a"])["Laser A"].startswith("laser-a-")
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable

from graph import terms

# ---------------------------------------------------------------- namespaces (plain strings)
AKG = str(terms.AKG)
AKGR = str(terms.AKGR)
ESCO = str(terms.ESCO)
SKOS = str(terms.SKOS)
DCTERMS = str(terms.DCTERMS)
RDF = terms.PREFIXES["rdf"]
RDFS = terms.PREFIXES["rdfs"]
OWL = terms.PREFIXES["owl"]
XSD = terms.PREFIXES["xsd"]

# ---------------------------------------------------------------- terms
_IRI_BAD = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:")
_ESCAPES = {ord("\\"): "\\\\", ord('"'): '\\"', ord("\n"): "\\n", ord("\r"): "\\r"}
_ESCAPES[ord("\t")] = "\\t"
for _c in (*range(0x20), 0x7F):
    _ESCAPES.setdefault(_c, f"\\u{_c:04X}")


def iri(value: str) -> str:
    """`<value>` in N-Triples; ValueError if `value` is not an absolute IRI allowed there."""
    if not value or _IRI_BAD.search(value) or not _IRI_SCHEME.match(value):
        raise ValueError(f"invalid IRI {value!r}")
    return f"<{value}>"


def literal(value: str, lang: str | None = None, datatype: str | None = None) -> str:
    """A literal in N-Triples: escaped, with a language tag or a full datatype IRI."""
    text = f'"{value.translate(_ESCAPES)}"'
    if lang:
        return f"{text}@{lang}"
    if datatype:
        return f"{text}^^<{datatype}>"
    return text


def en(value: str) -> str:
    return literal(value, lang="en")


def integer(value: int) -> str:
    return literal(str(value), datatype=XSD + "integer")


def boolean(value: bool) -> str:
    return literal("true" if value else "false", datatype=XSD + "boolean")


RDF_TYPE = iri(RDF + "type")
RDFS_COMMENT = iri(RDFS + "comment")
SKOS_PREF = iri(SKOS + "prefLabel")
SKOS_ALT = iri(SKOS + "altLabel")
SKOS_HIDDEN = iri(SKOS + "hiddenLabel")
SKOS_DEFINITION = iri(SKOS + "definition")
SKOS_SCOPE_NOTE = iri(SKOS + "scopeNote")
SKOS_NOTATION = iri(SKOS + "notation")
SKOS_BROADER = iri(SKOS + "broader")
SKOS_CONCEPT = iri(SKOS + "Concept")
DCT_SOURCE = iri(DCTERMS + "source")


def slugify(text: str) -> str:
    """Lowercase; every run of non-alphanumerics becomes one '-'; no leading/trailing '-'."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def unique_slugs(texts: Iterable[str]) -> dict[str, str]:
    """A slug per distinct text. Texts whose slug is shared with another text all get a short
    hash of the text appended, so the result does not depend on the order of the texts."""
    by_slug: dict[str, set[str]] = {}
    for text in texts:
        by_slug.setdefault(slugify(text), set()).add(text)
    result: dict[str, str] = {}
    for slug, group in by_slug.items():
        for text in group:
            if len(group) == 1:
                result[text] = slug
            else:
                digest = hashlib.sha1(text.encode("utf-8")).hexdigest()[:8]
                result[text] = f"{slug}-{digest}"
    return result


def split_lines(cell: str) -> list[str]:
    """The non-empty, stripped, de-duplicated lines of a multi-line cell, in order."""
    seen: dict[str, None] = {}
    for part in cell.splitlines():
        part = part.strip()
        if part:
            seen.setdefault(part, None)
    return list(seen)
