"""Reading the frameworks' delimited files: headers checked first, malformed rows collected with file and line."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tqdm import tqdm

from graph import progress
from graph.importers.writer import ImportFailed, RowError, check_output


def progress_bar(stream: TextIO | None, label: str, total: int) -> tqdm:
    """A byte-count progress bar on `stream` (tqdm: rate and time left), silent when stream is None."""
    return progress.bar(
        total=total,
        desc=label,
        unit="B",
        unit_scale=True,
        file=stream,
        disable=stream is None,
        mininterval=0.2,
    )


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
        bar = progress_bar(self.progress, self.label or self.name, size)
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
                bar.update(consumed - bar.n)
                if not cells or cells == [""]:
                    continue  # blank line
                if len(cells) != width:
                    self.error(number, f"expected {width} columns, found {len(cells)}")
                    continue
                yield number, dict(zip(header, cells, strict=True))
        bar.update(consumed - bar.n)
        bar.close()


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


def require_directory(src: Path, files: Iterable[str]) -> None:
    if not src.is_dir():
        raise ImportFailed(f"source directory not found: {src}")
    files = list(files)
    missing = [name for name in files if not (src / name).is_file()]
    if missing:
        raise ImportFailed(f"{src}: required file(s) missing: {', '.join(missing)}{_hint(src, files)}")


#: a file only one framework's download holds -> the command that imports that framework
_SIGNATURES = {"occupations_en.csv": ("esco", "ESCO"), "Occupation Data.txt": ("onet", "O*NET")}


def _hint(src: Path, files: list[str]) -> str:
    """Where the files are, when a common slip put them elsewhere: the other framework's folder, or
    a folder inside the one given (an unzipped download's own folder)."""
    for signature, (command, name) in _SIGNATURES.items():
        if signature not in files and (src / signature).is_file():
            return f" (this folder holds {name}'s files: python -m graph import {command} {src})"
    try:  # a folder one may not read gives no hint, not a traceback
        inner = sorted(d for d in src.iterdir() if d.is_dir() and all((d / f).is_file() for f in files))
    except OSError:
        return ""
    return f" (they are in {inner[0]}: import that folder)" if inner else ""


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
