"""Namespaces and prefixes shared by every module, so CURIEs mean the same thing everywhere."""

import re
from collections.abc import Iterable

from rdflib import Namespace

AKG = Namespace("https://w3id.org/aesthetics-kg/ontology#")
AKGR = Namespace("https://w3id.org/aesthetics-kg/resource/")
ESCO = Namespace("http://data.europa.eu/esco/model#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
DCTERMS = Namespace("http://purl.org/dc/terms/")

PREFIXES: dict[str, str] = {
    "akg": str(AKG),
    "akgr": str(AKGR),
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": "https://schema.org/",
    "esco": str(ESCO),
    "escoocc": "http://data.europa.eu/esco/occupation/",
    "escoskill": "http://data.europa.eu/esco/skill/",
    "onet": "https://www.onetonline.org/link/summary/",
    "onettask": "https://w3id.org/aesthetics-kg/onet/task/",
    "ctdl": "https://purl.org/ctdl/terms/",
    "prov": "http://www.w3.org/ns/prov#",
}


def curie(iri: str) -> str:
    """Shorten an IRI with the known prefixes, for people; the IRI itself when none fits."""
    best = ""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(ns) > len(PREFIXES.get(best, "")):
            best = prefix
    return f"{best}:{iri[len(PREFIXES[best]) :]}" if best else iri


def expand(name: str) -> str | None:
    """Expand a CURIE with a known prefix; None when the prefix is unknown."""
    prefix, sep, local = name.partition(":")
    if not sep or prefix not in PREFIXES or local.startswith("//"):
        return None
    return PREFIXES[prefix] + local


#: where an IRI comes from, by namespace: the curated graph, or the framework an importer read it from
_FRAMEWORKS = (
    (str(AKGR), "curated"),
    ("http://data.europa.eu/esco/", "ESCO"),
    ("https://www.onetonline.org/", "O*NET"),
    ("https://w3id.org/aesthetics-kg/onet/", "O*NET"),
    ("https://w3id.org/aesthetics-kg/unspsc/", "O*NET"),
)


def framework(iri: str) -> str:
    """'curated', 'ESCO' or 'O*NET' for an entity IRI ('other' for anything else), so names say their origin."""
    for ns, name in _FRAMEWORKS:
        if str(iri).startswith(ns):
            return name
    return "other"


def label_key(term: object, lang: str | None = None) -> tuple[int, int, str, str]:
    """Which of an entity's labels names it (SKOS allows one preferred label per language): English
    first, then one without a language, then any other; the shortest; never the order rows came in.

    >>> from rdflib import Literal
    >>> min([Literal("technicien", lang="fr"), Literal("tattoo removal technician", lang="en")], key=label_key)
    rdflib.term.Literal('tattoo removal technician', lang='en')
    >>> min(["laser", "a laser"], key=label_key)
    'laser'
    >>> label_key("peeling", "fr") > label_key("skin peel", "")  # a lexical form and its language
    True
    """
    text = str(term)
    lang = (lang if lang is not None else getattr(term, "language", None) or "").lower()
    rank = 0 if lang == "en" or lang.startswith("en-") else 1 if not lang else 2
    return (rank, len(text), text.casefold(), text)


def best_labels(pairs: Iterable[tuple[object, object]]) -> dict[str, str]:
    """One label per IRI from (IRI, label) rows, as label_key chooses, in the order the IRIs came."""
    best: dict[str, object] = {}
    for iri, label in pairs:
        if str(iri) not in best or label_key(label) < label_key(best[str(iri)]):
            best[str(iri)] = label
    return {iri: str(label) for iri, label in best.items()}


def kind_name(kind: str) -> str:
    """A kind IRI as words: akg:CosmeticProcedure -> "cosmetic procedure".

    >>> kind_name("https://w3id.org/aesthetics-kg/ontology#CosmeticProcedure")
    'cosmetic procedure'
    """
    local = kind.rsplit("#", 1)[-1].rsplit("/", 1)[-1] or "entity"
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower()
