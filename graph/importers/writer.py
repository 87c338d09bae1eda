"""Writing an import: N-Triples lines to a temporary file moved over the output only when all went well."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from graph.errors import GraphError
from graph.importers.terms import AKG, DCTERMS, OWL, RDF_TYPE, RDFS, SKOS_PREF, en, iri, literal

SUPPORTED_SUFFIXES = (".nt", ".ttl")


class ImportFailed(GraphError):
    """A fatal problem: the source directory, a required file or a required column is missing,
    or the output cannot be written. Nothing is written when it is raised."""


@dataclass(frozen=True)
class RowError:
    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


@dataclass(frozen=True)
class ImportSummary:
    source: str
    counts: dict[str, int]
    triples: int
    errors: list[RowError] = field(default_factory=list)

    def format(self, max_errors: int = 20) -> str:
        lines = [f"{self.source}: {self.triples:,} triples"]
        lines += [f"  {name}: {value:,}" for name, value in self.counts.items()]
        if self.errors:
            lines.append(f"  malformed rows: {len(self.errors):,}")
            lines += [f"    {error}" for error in self.errors[:max_errors]]
            if len(self.errors) > max_errors:
                lines.append(f"    … and {len(self.errors) - max_errors:,} more")
        else:
            lines.append("  malformed rows: none")
        return "\n".join(lines)


def check_output(out: Path) -> None:
    if out.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ImportFailed(
            f"unsupported output file {out}: the extension must be one of "
            f"{', '.join(SUPPORTED_SUFFIXES)} (N-Triples, which is also valid Turtle)"
        )
    if out.is_dir():
        raise ImportFailed(f"output {out} is a directory; name a .nt or .ttl file")
    blocker = next((p for p in (out.parent, *out.parent.parents) if p.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise ImportFailed(f"cannot create the output directory {out.parent}: {blocker} is a file")


class NTriplesWriter:
    """Writes N-Triples lines to a temporary file beside `out` and moves it over `out` only
    when the `with` block ends without an exception; otherwise the temporary file is removed
    and `out` is left as it was."""

    def __init__(self, out: Path) -> None:
        check_output(out)
        self.out = out
        self.triples = 0
        self._handle: TextIO | None = None
        self._tmp: str | None = None
        self._seen_nodes: set[str] = set()

    def __enter__(self) -> NTriplesWriter:
        try:  # a fresh clone has no var/: the README's `--out var/esco.nt` must work there
            self.out.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ImportFailed(f"cannot create the output directory {self.out.parent}: {exc}") from None
        fd, self._tmp = tempfile.mkstemp(dir=self.out.parent, prefix=f".{self.out.name}.", suffix=".tmp")
        os.chmod(self._tmp, _default_mode())  # mkstemp makes it 0600
        self._handle = open(fd, "w", encoding="utf-8", newline="\n", buffering=1 << 20)
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        assert self._handle is not None and self._tmp is not None
        try:
            if exc_type is None:
                self._handle.flush()
                os.fsync(self._handle.fileno())
                self._handle.close()
                os.replace(self._tmp, self.out)
                _fsync_dir(self.out.parent)
                self._tmp = None
        finally:
            if self._tmp is not None:
                self._handle.close()
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(self._tmp)

    def add(self, subject: str, predicate: str, obj: str) -> None:
        """Write one triple; the three terms are already serialised (see iri / literal)."""
        assert self._handle is not None
        self._handle.write(f"{subject} {predicate} {obj} .\n")
        self.triples += 1

    def first_time(self, key: str) -> bool:
        """True the first time `key` is seen: for nodes described once though met often."""
        if key in self._seen_nodes:
            return False
        self._seen_nodes.add(key)
        return True


def _default_mode() -> int:
    """The mode a newly created file gets (0666 less the umask)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _fsync_dir(directory: Path) -> None:
    if sys.platform.startswith("win"):
        return
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass(frozen=True)
class SourceInfo:
    iri: str
    title: str
    label: str
    license: str
    publisher: str
    version: str
    page: str
    citation: str


def write_source(writer: NTriplesWriter, info: SourceInfo) -> str:
    """Emit the `akg:Source` node for a data set; returns its serialised IRI."""
    node = iri(info.iri)
    writer.add(node, RDF_TYPE, iri(AKG + "Source"))
    writer.add(node, iri(DCTERMS + "title"), en(info.title))
    writer.add(node, SKOS_PREF, en(info.label))
    writer.add(node, iri(DCTERMS + "license"), iri(info.license))
    writer.add(node, iri(DCTERMS + "publisher"), iri(info.publisher))
    writer.add(node, iri(OWL + "versionInfo"), literal(info.version))
    writer.add(node, iri(RDFS + "seeAlso"), iri(info.page))
    writer.add(node, iri(DCTERMS + "bibliographicCitation"), en(info.citation))
    return node
