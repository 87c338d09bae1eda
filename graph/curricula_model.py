"""A curriculum's values: outcomes, the items proposed for them and the designer's decisions, checked.

Plain frozen dataclasses with their checks and the browser's JSON copy; graph.curricula_rdf maps them
to RDF, graph.curricula_files to files, graph.curricula stores them.
"""

from __future__ import annotations

import functools
import json
import re
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph import limits
from graph.errors import GraphError

if TYPE_CHECKING:
    from jsonschema import Draft7Validator

AKG = "https://w3id.org/aesthetics-kg/ontology#"
BASE = "https://w3id.org/aesthetics-kg/curriculum/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
DECISIONS = ("proposed", "accepted", "rejected")
CSV_COLUMNS = ("module", "outcome", "decision", "item", "label", "score")
#: after CSV_COLUMNS in an export: how each proposal was made and decided (optional on import)
CSV_PROVENANCE = ("kind", "framework", "method", "why", "decided_by", "decided_at")
METHODS = ("lexical", "semantic")
ANONYMOUS = "anonymous"  # who decided, when nobody is signed in
SCHEMA = Path(__file__).parent / "schemas" / "curriculum.schema.json"
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class CurriculumError(GraphError):
    """A curriculum that cannot be found, read or saved as asked."""


class ConflictError(CurriculumError):
    """A save based on an older version than the one stored: someone else saved in between."""


class QuotaError(CurriculumError):
    """A save over a designer's (or address's) quota: too many curricula, or saves too fast."""


@dataclass(frozen=True)
class Decision:
    """A proposed item for an outcome and what the designer decided about it."""

    item: str
    label: str
    score: float
    decision: str = "proposed"
    kind: str = ""
    framework: str = ""
    method: str = "lexical"  # what proposed it: "lexical" (shared words) or "semantic" (similar meaning)
    why: str = ""
    decided_by: str = ""  # the designer who accepted or rejected it
    decided_at: str = ""  # when (xsd:dateTime, UTC)


@dataclass(frozen=True)
class Outcome:
    """A learning outcome, its module, and the items proposed for it."""

    text: str
    module: str = ""
    matches: tuple[Decision, ...] = ()

    def accepted(self) -> tuple[str, ...]:
        """The items the designer accepted as taught by this outcome."""
        return tuple(m.item for m in self.matches if m.decision == "accepted")


@dataclass(frozen=True)
class Curriculum:
    """A designer's curriculum: title, target roles, outcomes with decisions, and its saved version (0: new)."""

    id: str
    title: str
    roles: tuple[str, ...] = ()
    outcomes: tuple[Outcome, ...] = ()
    version: int = 0
    modified: str = ""

    @property
    def iri(self) -> str:
        """The curriculum's IRI, which also names its graph."""
        return BASE + self.id

    def taught(self) -> tuple[str, ...]:
        """Every accepted item, once, in outcome order."""
        return tuple(dict.fromkeys(i for o in self.outcomes for i in o.accepted()))


def new_id() -> str:
    """A fresh curriculum id (random: ids must not collide between designers)."""
    return uuid.uuid4().hex[:12]


def check_id(cid: str) -> str:
    """A curriculum id as given, or a CurriculumError: lower-case letters, digits and dashes."""
    if not isinstance(cid, str) or not _ID.match(cid):
        raise CurriculumError(
            f"{limits.short(cid, 80)} is not a curriculum id (lower-case letters, digits and dashes)"
        )
    return cid


def check(c: Curriculum) -> None:
    """A curriculum fit to save: within graph.limits, a title, known decisions, absolute item and role IRIs."""
    if not c.title.strip():
        raise CurriculumError("a curriculum needs a title")
    limits.check_curriculum(c)
    for r in c.roles:
        _iri(r, "role")
    for o in c.outcomes:
        for m in o.matches:
            _iri(m.item, "item")
            if m.decision not in DECISIONS:
                raise CurriculumError(f"decision {m.decision!r}: expected {', '.join(DECISIONS)}")
            if m.method not in METHODS:
                raise CurriculumError(f"method {m.method!r}: expected {', '.join(METHODS)}")
            if m.decided_at and not _DATETIME.match(m.decided_at):
                raise CurriculumError(
                    f"decided at {m.decided_at!r}: expected a UTC time like 2026-01-31T12:00:00Z"
                )


def _iri(value: str, what: str) -> None:
    try:
        ox.NamedNode(value)
    except ValueError:
        raise CurriculumError(f"{what} {limits.short(value, 200)} is not an IRI") from None
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        raise CurriculumError(f"{what} {limits.short(value, 200)} is not an absolute IRI")


# ---------------------------------------------------------------- the browser's copy


def to_json(c: Curriculum) -> dict:
    """A curriculum as plain JSON for the browser's store."""
    return {
        "id": c.id,
        "title": c.title,
        "roles": list(c.roles),
        "version": c.version,
        "modified": c.modified,
        "outcomes": [
            {
                "text": o.text,
                "module": o.module,
                "matches": [asdict(m) for m in o.matches],
            }
            for o in c.outcomes
        ],
    }


def from_json(data: object) -> Curriculum:
    """A curriculum from the browser's JSON (untrusted): a CurriculumError when it is not one."""
    try:
        outcomes = tuple(
            Outcome(
                str(o["text"]),
                str(o.get("module") or ""),
                tuple(_decision(m) for m in o.get("matches") or ()),
            )
            for o in data["outcomes"]
        )
        return Curriculum(
            check_id(str(data["id"])),
            str(data.get("title") or ""),
            tuple(str(r) for r in data.get("roles") or ()),
            outcomes,
            int(data.get("version") or 0),
            str(data.get("modified") or ""),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise CurriculumError(f"not a curriculum: {exc}") from None


def json_problems(doc: object) -> list[str]:
    """What makes a JSON body or file no curriculum (graph/schemas/curriculum.schema.json), each `path:
    message`, at most 5: a string where a list belongs was read letter by letter ("abc": roles a, b, c)."""
    found = sorted(_validator().iter_errors(doc), key=lambda e: (list(map(str, e.absolute_path)), e.message))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message}" for e in found[:5]]


@functools.cache
def _validator() -> Draft7Validator:
    """The schema read and checked once (on the first body or file to judge, not at import)."""
    from jsonschema import Draft7Validator

    return Draft7Validator(json.loads(SCHEMA.read_text(encoding="utf-8")))


def _decision(m: dict) -> Decision:
    """A decision from the browser's JSON: the four fields it always has, the provenance when present."""
    extra = {f.name: str(m[f.name]) for f in fields(Decision)[4:] if m.get(f.name) is not None}
    return Decision(str(m["item"]), str(m["label"]), limits.finite(m["score"]), str(m["decision"]), **extra)


def decide(d: Decision, accepted: bool, who: str, when: str) -> Decision:
    """A proposal accepted or rejected by `who` at `when`; an unchanged decision keeps its provenance."""
    decision = "accepted" if accepted else "rejected"
    if d.decision == decision:
        return d
    return replace(d, decision=decision, decided_by=who or ANONYMOUS, decided_at=when)


def now() -> str:
    """The time of a decision or save: UTC, to the second."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
