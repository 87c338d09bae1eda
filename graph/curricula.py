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
import threading
import urllib.parse
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from graph import limits
from graph.curricula_files import export, from_case, import_file
from graph.curricula_model import (
    AKG,
    ANONYMOUS,
    BASE,
    CSV_COLUMNS,
    CSV_PROVENANCE,
    DECISIONS,
    METHODS,
    ConflictError,
    Curriculum,
    CurriculumError,
    Decision,
    Outcome,
    QuotaError,
    check,
    check_id,
    decide,
    from_json,
    json_problems,
    new_id,
    now,
    to_json,
)
from graph.curricula_rdf import from_quads, to_quads
from graph.paths import QUERIES, VAR
from graph.uploads import UploadError

__all__ = [
    "AKG",
    "ANONYMOUS",
    "BASE",
    "CSV_COLUMNS",
    "CSV_PROVENANCE",
    "DECISIONS",
    "DEFAULT_PATH",
    "METHODS",
    "ConflictError",
    "Curriculum",
    "CurriculumError",
    "CurriculumStore",
    "Decision",
    "Outcome",
    "QuotaError",
    "UploadError",
    "check_id",
    "decide",
    "export",
    "from_case",
    "from_json",
    "from_quads",
    "import_file",
    "json_problems",
    "new_id",
    "now",
    "owner_iri",
    "to_json",
    "to_quads",
]

DEFAULT_PATH = VAR / "curricula"
#: who saved which curriculum, beside the curricula (not in them: exports never carry it); "_" is no id
OWNERS = BASE + "_owners"
_STRIPES = 64  # saves of different curricula take different locks (a save's check-and-write is atomic)
_QUERIES = QUERIES / "curricula"


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
        check(c)
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
