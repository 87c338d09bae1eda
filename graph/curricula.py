"""Saved curricula as RDF: each curriculum one named graph in its own persistent Oxigraph store under var/.

Why Oxigraph: it is already the project's store, it keeps RDF on disk (RocksDB) so SPARQL sees saved
curricula beside nothing else, and every SPARQL update runs in one transaction: a save replaces the
curriculum's graph whole or not at all, so a crash mid-save leaves the previous version. Two editors
never overwrite each other silently: a save names the version it started from, and a newer version
on disk refuses it with a ConflictError. The data store stays read-only; this store is separate.

Vocabulary (akg: = https://w3id.org/aesthetics-kg/ontology#): an akg:Curriculum has dcterms:title,
akg:version, dcterms:modified, akg:hasTarget (each with akg:targetRole and akg:position) and
akg:hasOutcome; an akg:LearningOutcome has akg:position, akg:module, akg:outcomeText and akg:hasMatch; an akg:Match has akg:matchedItem,
akg:matchedLabel, akg:score and akg:decision ("proposed", "accepted" or "rejected"), and its provenance:
akg:matchMethod ("lexical" or "semantic": what proposed it), akg:matchReason, akg:matchedKind,
akg:matchedFramework, and once decided akg:decidedBy (the designer's name) and akg:decidedAt.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import threading
import urllib.parse
import uuid
from dataclasses import asdict, dataclass, fields, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph import cells, limits
from graph.errors import GraphError
from graph.paths import QUERIES, VAR
from graph.uploads import UploadError, csv_rows, decode
from graph.uploads import parse as parse_outcomes

AKG = "https://w3id.org/aesthetics-kg/ontology#"
BASE = "https://w3id.org/aesthetics-kg/curriculum/"
DCT = "http://purl.org/dc/terms/"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
DECISIONS = ("proposed", "accepted", "rejected")
DEFAULT_PATH = VAR / "curricula"
#: who saved which curriculum, beside the curricula (not in them: exports never carry it); "_" is no id
OWNERS = BASE + "_owners"
_STRIPES = 64  # saves of different curricula take different locks (a save's check-and-write is atomic)
CSV_COLUMNS = ("module", "outcome", "decision", "item", "label", "score")
#: after CSV_COLUMNS in an export: how each proposal was made and decided (optional on import)
CSV_PROVENANCE = ("kind", "framework", "method", "why", "decided_by", "decided_at")
METHODS = ("lexical", "semantic")
ANONYMOUS = "anonymous"  # who decided, when nobody is signed in
_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
_QUERIES = QUERIES / "curricula"


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


# ---------------------------------------------------------------- RDF


def _n(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _lit(value: object) -> ox.Literal:
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=_n(XSD + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=_n(XSD + "integer"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=_n(XSD + "double"))
    return ox.Literal(str(value))


def to_quads(c: Curriculum) -> list[ox.Quad]:
    """A curriculum as quads in its own named graph."""
    g = _n(c.iri)
    me = _n(c.iri)
    q = [
        ox.Quad(me, _n(RDF_TYPE), _n(AKG + "Curriculum"), g),
        ox.Quad(me, _n(DCT + "title"), _lit(c.title), g),
        ox.Quad(me, _n(AKG + "version"), _lit(c.version), g),
        ox.Quad(me, _n(DCT + "modified"), ox.Literal(c.modified, datatype=_n(XSD + "dateTime")), g),
    ]
    for n, r in enumerate(c.roles, 1):  # target roles in the designer's order (it orders the role modules)
        t = _n(f"{c.iri}/target/{n}")
        q += [
            ox.Quad(me, _n(AKG + "hasTarget"), t, g),
            ox.Quad(t, _n(AKG + "targetRole"), _n(r), g),
            ox.Quad(t, _n(AKG + "position"), _lit(n), g),
        ]
    for n, o in enumerate(c.outcomes, 1):
        node = _n(f"{c.iri}/outcome/{n}")
        q += [
            ox.Quad(me, _n(AKG + "hasOutcome"), node, g),
            ox.Quad(node, _n(RDF_TYPE), _n(AKG + "LearningOutcome"), g),
            ox.Quad(node, _n(AKG + "position"), _lit(n), g),
            ox.Quad(node, _n(AKG + "module"), _lit(o.module), g),
            ox.Quad(node, _n(AKG + "outcomeText"), _lit(o.text), g),
        ]
        for k, m in enumerate(o.matches, 1):
            mn = _n(f"{c.iri}/outcome/{n}/match/{k}")
            q += [
                ox.Quad(node, _n(AKG + "hasMatch"), mn, g),
                ox.Quad(mn, _n(RDF_TYPE), _n(AKG + "Match"), g),
                ox.Quad(mn, _n(AKG + "position"), _lit(k), g),
                ox.Quad(mn, _n(AKG + "matchedItem"), _n(m.item), g),
                ox.Quad(mn, _n(AKG + "matchedLabel"), _lit(m.label), g),
                ox.Quad(mn, _n(AKG + "score"), _lit(float(m.score)), g),
                ox.Quad(mn, _n(AKG + "decision"), _lit(m.decision), g),
                ox.Quad(mn, _n(AKG + "matchMethod"), _lit(m.method), g),
            ]
            q += [
                ox.Quad(mn, _n(AKG + p), _lit(v), g)
                for p, v in (
                    ("matchedKind", m.kind),
                    ("matchedFramework", m.framework),
                    ("matchReason", m.why),
                    ("decidedBy", m.decided_by),
                )
                if v
            ]
            if m.decided_at:
                q.append(
                    ox.Quad(
                        mn, _n(AKG + "decidedAt"), ox.Literal(m.decided_at, datatype=_n(XSD + "dateTime")), g
                    )
                )
    return q


def from_quads(quads: list[ox.Quad], cid: str | None = None, *, strict: bool = False) -> Curriculum:
    """A curriculum back from its quads (of one graph); a CurriculumError when they do not hold one.

    Reading a saved curriculum tolerates legacy bad numbers (a NaN score reads as 0), so a stored
    curriculum can always be opened; `strict` (imports) refuses them in one line instead.
    """
    by: dict[str, dict[str, list]] = {}
    for q in quads:
        by.setdefault(q.subject.value, {}).setdefault(q.predicate.value, []).append(q.object)
    heads = [s for s, p in by.items() if any(o.value == AKG + "Curriculum" for o in p.get(RDF_TYPE, ()))]
    if len(heads) != 1:
        raise CurriculumError(f"expected one akg:Curriculum, found {len(heads)}")
    head = by[heads[0]]
    score = limits.finite if strict else lambda v, _what: limits.tolerant(v)
    one = lambda props, p, default="": props[p][0].value if props.get(p) else default  # noqa: E731
    outcomes = []
    for node in sorted((o.value for o in head.get(AKG + "hasOutcome", ())), key=lambda s: _pos(by, s)):
        props = by.get(node, {})
        matches = []
        for mn in sorted((o.value for o in props.get(AKG + "hasMatch", ())), key=lambda s: _pos(by, s)):
            mp = by.get(mn, {})
            decision = one(mp, AKG + "decision", "proposed")
            if decision not in DECISIONS or not mp.get(AKG + "matchedItem"):
                raise CurriculumError(f"match {mn}: decision {decision!r} or item missing")
            matches.append(
                Decision(
                    one(mp, AKG + "matchedItem"),
                    one(mp, AKG + "matchedLabel"),
                    score(one(mp, AKG + "score", "0"), f"the score of match {mn}"),
                    decision,
                    one(mp, AKG + "matchedKind"),
                    one(mp, AKG + "matchedFramework"),
                    one(mp, AKG + "matchMethod", "lexical"),
                    one(mp, AKG + "matchReason"),
                    one(mp, AKG + "decidedBy"),
                    one(mp, AKG + "decidedAt"),
                )
            )
        outcomes.append(Outcome(one(props, AKG + "outcomeText"), one(props, AKG + "module"), tuple(matches)))
    iri = heads[0]
    return Curriculum(
        cid or (iri[len(BASE) :] if iri.startswith(BASE) else new_id()),
        one(head, DCT + "title", "untitled curriculum"),
        tuple(
            one(by.get(t, {}), AKG + "targetRole")
            for t in sorted((o.value for o in head.get(AKG + "hasTarget", ())), key=lambda s: _pos(by, s))
            if by.get(t, {}).get(AKG + "targetRole")
        ),
        tuple(outcomes),
        int(limits.tolerant(one(head, AKG + "version", "0"))),
        one(head, DCT + "modified"),
    )


def _pos(by: dict[str, dict[str, list]], node: str) -> tuple[int, str]:
    p = by.get(node, {}).get(AKG + "position")
    try:
        return (int(p[0].value) if p else 0, node)
    except ValueError:
        return (0, node)


# ---------------------------------------------------------------- files


def export(c: Curriculum, fmt: str) -> str:
    """The curriculum as TriG, JSON-LD, CSV or CASE 1.0 (JSON) text (CSV cells a spreadsheet would run are neutralised)."""
    if fmt == "case":
        from graph import case

        return case.dumps(case.curriculum_package(c))
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")  # RFC 4180: a carriage return in a cell gets quoted
        w.writerow(CSV_COLUMNS + CSV_PROVENANCE)
        for o in c.outcomes:
            for m in o.matches or (None,):
                w.writerow(cells.row((o.module, o.text, *(_csv_fields(m) if m else [""] * 10))))
        return buf.getvalue()
    formats = {"trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD}
    if fmt not in formats:
        raise CurriculumError(f"export format {fmt!r}: choose trig, jsonld, csv or case")
    store = ox.Store()
    store.extend(to_quads(c))
    return store.dump(format=formats[fmt]).decode("utf-8")


def _csv_fields(m: Decision) -> tuple:
    return (
        m.decision,
        m.item,
        m.label,
        m.score,
        m.kind,
        m.framework,
        m.method,
        m.why,
        m.decided_by,
        m.decided_at,
    )


def import_file(data: bytes, name: str, *, title: str | None = None) -> Curriculum:
    """A new, unsaved curriculum from an uploaded file: TriG/JSON-LD (as exported), CSV, Markdown or text.

    The import never overwrites: it gets a fresh id and version 0. Every problem is one UploadError line
    (a limit of graph.limits is a LimitError line); the result is within every limit.
    """
    text = decode(data, name)
    return limits.check_curriculum(_import(text, name, title), where=name)


def _import(text: str, name: str, title: str | None) -> Curriculum:
    suffix = Path(name).suffix.lower()
    if suffix == ".json" and _is_case(text):
        return from_case(text, name, title=title)
    if suffix == ".json" and _is_own_json(text):  # as the tab's Export JSON and the API write it
        try:
            c = from_json({**json.loads(text), "id": new_id()})
        except CurriculumError as exc:
            raise UploadError(f"{name}: {exc}") from None
        return replace(c, version=0, title=title or c.title)
    if suffix in (".trig", ".jsonld", ".json"):
        fmt = ox.RdfFormat.TRIG if suffix == ".trig" else ox.RdfFormat.JSON_LD
        try:
            quads = list(ox.parse(text.encode("utf-8"), format=fmt))
        except (SyntaxError, ValueError) as exc:
            raise UploadError(f"{name}: not {fmt.name}: {str(exc).splitlines()[0]}") from None
        try:
            c = from_quads(quads, strict=True)
        except (CurriculumError, limits.LimitError) as exc:
            raise UploadError(f"{name}: {exc}") from None
        return replace(c, id=new_id(), version=0, title=title or c.title)
    outcomes = _outcomes_with_decisions(text, name)
    return Curriculum(new_id(), title or Path(name).stem or "imported curriculum", (), outcomes)


def _is_case(text: str) -> bool:
    """A .json upload holding a CASE package (else it is read as JSON-LD)."""
    from graph import case

    try:
        return case.looks_like_case(json.loads(text))
    except ValueError:
        return False


def _is_own_json(text: str) -> bool:
    """A .json upload holding this app's own curriculum JSON (title and outcomes, no JSON-LD @context)."""
    try:
        data = json.loads(text)
    except ValueError:
        return False
    return isinstance(data, dict) and "outcomes" in data and "@context" not in data


def from_case(text: str, name: str, *, title: str | None = None) -> Curriculum:
    """A new curriculum from a CASE 1.0 framework: one outcome per CFItem, alignments to the graph accepted."""
    from graph import case

    try:
        found_title, outcomes = case.read(case.load_json(text, name), name)
    except case.CaseError as exc:
        raise UploadError(str(exc)) from None
    return Curriculum(
        new_id(),
        title or found_title,
        (),
        tuple(
            Outcome(
                o.text, o.module, tuple(Decision(x.iri, x.title or x.iri, 1.0, "accepted") for x in o.links)
            )
            for o in outcomes
        ),
    )


def _outcomes_with_decisions(text: str, name: str) -> tuple[Outcome, ...]:
    """Outcomes from text, CSV or Markdown; an exported CSV's decision columns come back too."""
    if not _is_export(text):
        return tuple(Outcome(x.outcome, x.module) for x in parse_outcomes(text, name))
    table = csv_rows(text.lstrip("\ufeff"), name)  # one row per match: counted once grouped
    grouped: dict[tuple[str, str], list[Decision]] = {}
    for n, cells_ in enumerate(table[1:], 2):
        names = CSV_COLUMNS + CSV_PROVENANCE  # the provenance columns: when the export has them
        row = dict(
            zip(names, (cells.restore(x) for x in [*cells_, *[""] * len(names)][: len(names)]), strict=True)
        )
        key = (row["module"] or "", (row["outcome"] or "").strip())
        if not key[1]:
            continue
        found = grouped.setdefault(key, [])
        if row["item"]:
            if row["decision"] not in DECISIONS:
                raise UploadError(
                    f"{name}:{n}: decision {row['decision']!r}: expected {', '.join(DECISIONS)}"
                )
            try:
                score = limits.finite(row["score"] or 0, "score", where=f"{name}:{n}")
            except limits.LimitError as exc:
                raise UploadError(str(exc)) from None
            extra = [(row.get(k) or "") for k in CSV_PROVENANCE]
            if extra[2] and extra[2] not in METHODS:
                raise UploadError(f"{name}:{n}: method {extra[2]!r}: expected {', '.join(METHODS)}")
            extra[2] = extra[2] or "lexical"
            found.append(Decision(row["item"], row["label"] or row["item"], score, row["decision"], *extra))
    if not grouped:
        raise UploadError(f"{name}: no outcomes: every outcome cell is empty")
    return tuple(Outcome(text_, module, tuple(ds)) for (module, text_), ds in grouped.items())


def _is_export(text: str) -> bool:
    """Whether a CSV text is one of our exports (its header is CSV_COLUMNS): its cells were neutralised."""
    first = text.lstrip("\ufeff").partition("\n")[0]
    try:
        header = next(csv.reader([first]), [])
    except csv.Error:
        return False
    return [h.strip().casefold() for h in header][:6] == list(CSV_COLUMNS)


# ---------------------------------------------------------------- the store


class CurriculumStore:
    """Saved curricula with their history: a local Oxigraph store (one process), or a SPARQL store (--curricula URL)."""

    def __init__(
        self, path: Path | str | None = DEFAULT_PATH, *, saves_per_minute: int = limits.SAVES_PER_MINUTE
    ):
        from graph import curricula_sparql as S

        self.path = path
        try:
            is_url = isinstance(path, str) and path.startswith(("http://", "https://"))
            self.backend = S.Remote(path) if is_url else S.Local(Path(path) if path is not None else None)
        except S.StoreUnavailable as exc:
            raise CurriculumError(str(exc)) from None
        self._lock = self.backend.lock
        self._locks = tuple(threading.Lock() for _ in range(_STRIPES))  # saves of other curricula don't wait
        self._new = threading.Lock()  # counting an owner's curricula and adding one is one step
        self._saves = limits.Window(saves_per_minute, 60.0)
        self.saves_per_minute = saves_per_minute

    @property
    def store(self) -> ox.Store:
        """The local Oxigraph store (tests look inside it)."""
        return self.backend.store

    def _lock_for(self, cid: str) -> threading.Lock:
        return self._locks[uuid.uuid5(uuid.NAMESPACE_URL, cid).int % _STRIPES]

    def close(self) -> None:
        """Flush and let the store go (a new CurriculumStore on the same path reopens it)."""
        self.backend.close()

    def query(self, text: str, bindings: dict[str, str] | None = None) -> list[dict[str, str]]:
        """A SELECT over every saved curriculum (each in its named graph), rows as plain strings."""
        return self.backend.select(text, bindings)

    def saved(self) -> list[dict[str, str]]:
        """Saved curricula: id, title, version, modified, outcomes (list_curricula.rq), newest first."""
        rows = self.query((_QUERIES / "list_curricula.rq").read_text(encoding="utf-8"))
        for r in rows:
            r["id"] = r.pop("curriculum")[len(BASE) :]
        return rows

    def load(self, cid: str, version: int | None = None) -> Curriculum:
        """The saved curriculum with this id (or one of its earlier versions), or a CurriculumError."""
        from graph.curricula_sparql import version_graph

        iri = BASE + check_id(cid)
        quads = self.backend.quads(iri if version is None else version_graph(iri, version))
        if not quads:
            what = (
                f"version {version} of curriculum {cid!r}" if version is not None else f"curriculum {cid!r}"
            )
            raise CurriculumError(f"no saved {what}")
        c = from_quads(quads, cid)
        return c if version is None else replace(c, version=version)

    def versions(self, cid: str) -> list[dict[str, str]]:
        """A curriculum's saved versions, newest first: version, saved, who, title, restored (curriculum_versions.rq)."""
        from graph.curricula_sparql import query_text

        rows = self.query(query_text("curriculum_versions"), {"curriculum": BASE + check_id(cid)})
        return [{k: v for k, v in r.items() if k != "graph"} for r in rows]

    def save(
        self, c: Curriculum, *, who: str | None = None, restored: int | None = None, owner: str | None = None
    ) -> Curriculum:
        """Store a curriculum as version+1 if the stored one is still c.version; else a ConflictError.

        One SPARQL update does it (checked against the stored version inside the update), so writers in
        other processes sharing the store are refused the same way. who: the designer, kept in history.
        The quotas of graph.limits hold `owner` (default: who; anonymous use: "address:<hash>"), each
        refused with one QuotaError line; saves of different curricula do not wait for each other.
        """
        from graph import curricula_sparql as S

        check_id(c.id)
        _check(c)
        key = owner or who or ""
        if key and (wait := self._saves.take(key)):
            raise QuotaError(
                f"{self.saves_per_minute} saves a minute is the most one designer may make "
                f"(SAVES_PER_MINUTE); try again in {wait:.0f} s"
            )
        saved = replace(c, version=c.version + 1, modified=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
        token = uuid.uuid4().hex
        text = S.save_update(
            c.iri,
            to_quads(saved),
            expected=c.version,
            version=saved.version,
            modified=saved.modified,
            token=token,
            who=who,
            restored=restored,
        )
        try:
            with self._new if c.version == 0 else contextlib.nullcontext(), self._lock_for(c.id):
                if c.version == 0:
                    self._check_quota(key)
                try:
                    self.backend.update(text)
                except S.StoreUnavailable:  # a shared store may refuse one of two racing updates (deadlock)
                    if not isinstance(self.backend, S.Remote):
                        raise
                rows = self.query(S.query_text("save_token"), {"curriculum": c.iri})
                if any(r["token"] == token for r in rows):
                    self._after_save(saved, key)
        except S.StoreUnavailable as exc:
            raise CurriculumError(str(exc)) from None
        if {r["token"] for r in rows} != {token}:  # another writer's save, or none of ours, is a conflict
            if len(rows) > 1:  # two updates both applied: the store let them overlap
                raise ConflictError(
                    f"{c.title!r}: two saves overlapped in the curricula store, which does not isolate updates "
                    "(Virtuoso: DefaultIsolation = 8 in virtuoso.ini); restore a version from the history"
                )
            current = max((int(r["version"]) for r in rows), default=0)
            raise ConflictError(
                f"{c.title!r} was saved by someone else (version {current}) after you opened version "
                f"{c.version}; reload it to see their changes, or save yours as a copy"
            )
        return saved

    def restore(self, cid: str, version: int, *, current: int, who: str | None = None) -> Curriculum:
        """Bring back an earlier version as a new version (history keeps everything in between)."""
        old = self.load(cid, version)
        return self.save(replace(old, version=current), who=who, restored=version)

    def delete(self, cid: str, version: int) -> None:
        """Remove a saved curriculum and its history, if it is still the version the caller saw."""
        from graph import curricula_sparql as S

        iri = BASE + check_id(cid)
        with self._lock_for(cid):
            self.backend.update(S.delete_update(iri, expected=version))
            left = self.query(S.query_text("save_token"), {"curriculum": iri})
            if not left:
                self.backend.update(f"DELETE WHERE {{ GRAPH <{OWNERS}> {{ <{iri}> <{AKG}owner> ?o }} }}")
        if left:
            current = max(int(r["version"]) for r in left)
            raise ConflictError(f"curriculum {cid!r} is at version {current}, not {version}; reload it first")

    def current_version(self, cid: str) -> int:
        """The stored version of a curriculum (0: none)."""
        from graph.curricula_sparql import query_text

        rows = self.query(query_text("save_token"), {"curriculum": BASE + check_id(cid)})
        return max((int(r["version"]) for r in rows), default=0)

    def owned(self, owner: str) -> int:
        """How many saved curricula this owner (a designer, or "address:<hash>") holds."""
        rows = self.query(_query("owned_curricula"), {"owner": owner_iri(owner)})
        return int(rows[0]["curricula"]) if rows else 0

    def _check_quota(self, owner: str) -> None:
        rows = self.query(_query("count_curricula"))
        total = int(rows[0]["curricula"]) if rows else 0
        if total >= limits.MAX_CURRICULA:
            raise QuotaError(
                f"the store holds {total:,} curricula, its most (MAX_CURRICULA {limits.MAX_CURRICULA:,}); "
                "delete some first"
            )
        if owner and (mine := self.owned(owner)) >= limits.MAX_CURRICULA_PER_OWNER:
            raise QuotaError(
                f"you have {mine:,} saved curricula, the most one designer may keep "
                f"(MAX_CURRICULA_PER_OWNER {limits.MAX_CURRICULA_PER_OWNER:,}); delete one or save over one"
            )

    def _after_save(self, saved: Curriculum, owner: str) -> None:
        """A new curriculum counted against its owner; versions beyond MAX_VERSIONS give way, oldest first."""
        from graph.curricula_sparql import version_graph

        if saved.version == 1 and owner:
            self.backend.update(
                f"INSERT DATA {{ GRAPH <{OWNERS}> {{ <{saved.iri}> <{AKG}owner> <{owner_iri(owner)}> }} }}"
            )
        if saved.version > limits.MAX_VERSIONS:
            self.backend.update(
                f"DROP SILENT GRAPH <{version_graph(saved.iri, saved.version - limits.MAX_VERSIONS)}>"
            )


def owner_iri(owner: str) -> str:
    """The IRI a quota owner is counted under (a designer's name or an address hash, percent-encoded)."""
    return "urn:akg:owner:" + urllib.parse.quote(owner, safe="")


def _query(name: str) -> str:
    return (_QUERIES / f"{name}.rq").read_text(encoding="utf-8")


def _check(c: Curriculum) -> None:
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
