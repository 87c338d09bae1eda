"""Shared helpers of the importers: term serialisation, the atomic N-Triples writer, the
progress bar, row readers that collect malformed rows, and the import summary."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from graph import terms
from graph.errors import GraphError

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

SUPPORTED_SUFFIXES = (".nt", ".ttl")


# ---------------------------------------------------------------- results and errors
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


# ---------------------------------------------------------------- progress
class Progress:
    """`\\r<label> [#####.....] 62%` on `stream`, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO | None, label: str, total: int) -> None:
        self.stream = stream
        self.label = label
        self.total = max(total, 1)
        self._last = 0.0
        self._shown = -1

    def update(self, done: int) -> None:
        if self.stream is None:
            return
        now = time.monotonic()
        if now - self._last < 0.1:
            return
        self._last = now
        self._draw(min(done, self.total))

    def _draw(self, done: int) -> None:
        assert self.stream is not None
        percent = done * 100 // self.total
        if percent == self._shown:
            return
        self._shown = percent
        filled = done * self.WIDTH // self.total
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{self.label} [{bar}] {percent:3d}%")
        self.stream.flush()

    def finish(self) -> None:
        if self.stream is None:
            return
        self._draw(self.total)
        self.stream.write("\n")
        self.stream.flush()


# ---------------------------------------------------------------- readers
@dataclass
class Table:
    """A delimited source file being read: `rows()` yields (line number, {column: value})
    for the well-formed rows and records the malformed ones in `errors`."""

    path: Path
    delimiter: str
    required: tuple[str, ...]
    errors: list[RowError]
    progress: TextIO | None = None
    label: str = ""

    @property
    def name(self) -> str:
        return self.path.name

    def error(self, line: int, message: str) -> None:
        self.errors.append(RowError(self.name, line, message))

    def _open(self) -> TextIO:
        if not self.path.is_file():
            raise ImportFailed(f"required file missing: {self.path}")
        return open(self.path, encoding="utf-8-sig", newline="")

    def check_header(self) -> list[str]:
        with self._open() as handle:
            first = handle.readline()
        if self.delimiter == "\t":
            header = first.rstrip("\r\n").split("\t")
        else:
            header = next(csv.reader([first], delimiter=self.delimiter), [])
        header = [column.strip() for column in header]
        missing = [column for column in self.required if column not in header]
        if missing:
            raise ImportFailed(
                f"{self.path}: missing required column(s) {', '.join(map(repr, missing))}; "
                f"expected a header with {', '.join(map(repr, self.required))}, "
                f"found {', '.join(map(repr, header))}"
            )
        return header

    def rows(self) -> Iterator[tuple[int, dict[str, str]]]:
        header = self.check_header()
        size = self.path.stat().st_size
        bar = Progress(self.progress, self.label or self.name, size)
        consumed = 0

        with self._open() as handle:

            def lines() -> Iterator[str]:
                nonlocal consumed
                for text in handle:
                    consumed += len(text)
                    yield text

            source = lines()
            next(source, None)  # header
            if self.delimiter == "\t":
                records: Iterator[tuple[int, list[str]]] = (
                    (number, text.rstrip("\r\n").split("\t")) for number, text in enumerate(source, start=2)
                )
            else:
                records = _csv_records(source, self.delimiter)
            width = len(header)
            for number, cells in records:
                bar.update(consumed)
                if not cells or cells == [""]:
                    continue  # blank line
                if len(cells) != width:
                    self.error(number, f"expected {width} columns, found {len(cells)}")
                    continue
                yield number, dict(zip(header, cells, strict=True))
        bar.finish()


def _csv_records(lines: Iterator[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the physical line each starts on (quoted cells may span lines)."""
    reader = csv.reader(lines, delimiter=delimiter)
    start = 2  # line 1 is the header, consumed before the reader
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFailed(f"CSV syntax error in record starting at line {start}: {exc}") from exc
        yield start, cells
        start = reader.line_num + 2


# ---------------------------------------------------------------- writer
def check_output(out: Path) -> None:
    if out.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise ImportFailed(
            f"unsupported output file {out}: the extension must be one of "
            f"{', '.join(SUPPORTED_SUFFIXES)} (N-Triples, which is also valid Turtle)"
        )
    if not out.parent.is_dir():
        raise ImportFailed(f"output directory does not exist: {out.parent}")


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


# ---------------------------------------------------------------- source nodes
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


def require_directory(src: Path, files: Iterable[str]) -> None:
    if not src.is_dir():
        raise ImportFailed(f"source directory not found: {src}")
    missing = [name for name in files if not (src / name).is_file()]
    if missing:
        raise ImportFailed(f"{src}: required file(s) missing: {', '.join(missing)}")


def open_tables(
    src: Path,
    out: Path,
    files: dict[str, tuple[str, object, str]],
    delimiter: str,
    errors: list[RowError],
    progress: TextIO | None,
) -> dict[str, Table]:
    """Check the output path and every input file and header before anything is written."""
    check_output(out)
    require_directory(src, [name for name, _, _ in files.values()])
    tables = {
        key: Table(src / name, delimiter, required, errors, progress, label)
        for key, (name, required, label) in files.items()
    }
    for table in tables.values():
        table.check_header()
    return tables
