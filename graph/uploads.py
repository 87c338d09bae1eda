"""A designer's file -> (module, outcome) lines: plain text, CSV or a Markdown table, checked before use.

Every refusal is one UploadError line that says what was wrong and what to do; nothing is half-read.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from graph import limits
from graph.errors import GraphError
from graph.load import decode_text

#: the figures are graph.limits' (one set for upload, paste, save, import and the API)
MAX_BYTES = limits.MAX_FILE_BYTES
MAX_OUTCOMES = limits.MAX_OUTCOMES
MAX_OUTCOME_CHARS = limits.MAX_OUTCOME_CHARS
OUTCOME_COLUMNS = (
    "outcome",
    "learning outcome",
    "learning outcomes",
    "outcomes",
    "objective",
    "objectives",
    "learning objective",
    "learning objectives",
    "competence",
    "competences",
    "competency",
    "competencies",
)
MODULE_COLUMNS = (
    "module",
    "unit",
    "course",
    "section",
    "module name",
    "module title",
    "unit name",
    "unit title",
    "course name",
    "course title",
    "lesson",
)
#: a spreadsheet's CSV is comma-separated, or semicolon-separated where the decimal mark is a comma
#: (Excel in most of Europe), or tab-separated (.tsv, a copy from a sheet)
DELIMITERS = (",", ";", "\t")
_MD_RULE = re.compile(r"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")


class UploadError(GraphError):
    """An upload that cannot be used as a curriculum: too big, binary, not UTF-8, or no outcome column."""


@dataclass(frozen=True)
class Line:
    """One learning outcome and the module it belongs to ("" when the file names none)."""

    module: str
    outcome: str


def decode(data: bytes, name: str = "upload") -> str:
    """The text of an upload: UTF-8 (a BOM allowed) or UTF-16 with its BOM, at most MAX_BYTES, no binary content."""
    if len(data) > MAX_BYTES:
        raise UploadError(
            f"{name}: {len(data):,} bytes is too big for a curriculum (at most {MAX_BYTES:,}); split it"
        )
    binary = UploadError(f"{name}: this is a binary file, not text; upload .txt, .csv or .md")
    try:  # UTF-16 with its mark too: Excel's "Unicode Text" (.txt)
        text = decode_text(data)
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:65536]:
            raise binary from None
        raise UploadError(
            f"{name}: not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}); "
            "save it as UTF-8 and upload again"
        ) from None
    if "\x00" in text[:65536]:
        raise binary
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\r\n")
    if controls > max(8, len(text) // 100):
        raise UploadError(f"{name}: this looks like a binary file, not text; upload .txt, .csv or .md")
    return text


def is_table(text: str, name: str = "upload") -> bool:
    """Whether parse() reads the text as a table (CSV, TSV, Markdown) rather than one outcome a line."""
    first = next((r.strip() for r in text.splitlines() if r.strip()), "")
    return first.startswith("|") or _csv(first, name)


def parse(text: str, name: str = "upload") -> list[Line]:
    """Outcomes from plain text (one a line), a CSV file or a Markdown table with an outcome column."""
    rows = [r for r in text.splitlines() if r.strip()]
    if not rows:
        raise UploadError(f"{name}: no outcomes: the file is empty")
    first = rows[0].strip()
    if first.startswith("|"):
        lines = _table(_markdown_rows(rows), name)
    elif _csv(first, name):
        lines = _table(csv_rows(text, name, delimiter(first, name)), name)
    else:
        lines = [Line("", r.strip().lstrip("-*•").strip()) for r in rows]
        lines = [x for x in lines if x.outcome]
    if not lines:
        raise UploadError(f"{name}: no outcomes: every outcome cell is empty")
    if len(lines) > MAX_OUTCOMES:
        raise UploadError(f"{name}: {len(lines):,} outcomes is too many (at most {MAX_OUTCOMES:,}); split it")
    long = next((n for n, x in enumerate(lines, 1) if len(x.outcome) > MAX_OUTCOME_CHARS), None)
    if long is not None:
        raise UploadError(
            f"{name}: outcome {long} is {len(lines[long - 1].outcome):,} characters "
            f"(at most {MAX_OUTCOME_CHARS:,}); one outcome a line"
        )
    wide = next((n for n, x in enumerate(lines, 1) if len(x.module) > limits.MAX_MODULE_CHARS), None)
    if wide is not None:
        raise UploadError(
            f"{name}: the module of outcome {wide} is {len(lines[wide - 1].module):,} characters "
            f"(at most {limits.MAX_MODULE_CHARS:,})"
        )
    return lines


def delimiter(header: str, name: str = "") -> str:
    """The separator of a table's header line: the first of DELIMITERS that splits it into a known
    column (a .tsv: a tab), else a comma."""
    if name.lower().endswith(".tsv"):
        return "\t"
    for d in DELIMITERS:
        if any(c in OUTCOME_COLUMNS + MODULE_COLUMNS for c in _cells(header, d)):
            return d
    return ","


def _cells(header: str, d: str) -> list[str]:
    try:
        return [c.strip().strip('"').casefold() for c in next(csv.reader([header], delimiter=d))]
    except (csv.Error, StopIteration):
        return []


def csv_rows(text: str, name: str, delimiter: str = ",") -> list[list[str]]:
    """Every row of a CSV text; a cell over the csv module's field limit is one UploadError line."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise UploadError(
                f"{name}: line {reader.line_num}: a cell is over {csv.field_size_limit():,} characters "
                f"(an outcome is at most {MAX_OUTCOME_CHARS:,}); is a quote left open?"
            ) from None
        raise UploadError(f"{name}: line {reader.line_num}: not CSV: {exc}") from None


def _csv(first: str, name: str) -> bool:
    """Whether a text whose first line is `first` is read as CSV / TSV: by its name, or its header."""
    return name.lower().endswith((".csv", ".tsv")) or _looks_like_csv(first)


def _looks_like_csv(header: str) -> bool:
    cells = _cells(header, delimiter(header))
    return len(cells) > 1 and any(c in OUTCOME_COLUMNS + MODULE_COLUMNS for c in cells)


def _markdown_rows(rows: list[str]) -> list[list[str]]:
    out = []
    for r in rows:
        r = r.strip()
        if _MD_RULE.match(r):
            continue
        if r.startswith("|"):
            out.append([c.strip() for c in r.strip("|").split("|")])
    return out


def _table(rows: list[list[str]], name: str) -> list[Line]:
    if not rows:
        raise UploadError(f"{name}: no outcomes: the table is empty")
    header = [c.strip().casefold() for c in rows[0]]
    outcome = next((header.index(c) for c in OUTCOME_COLUMNS if c in header), None)
    if outcome is None:
        raise UploadError(
            f"{name}: no outcome column: the header has {', '.join(repr(c) for c in rows[0])}; "
            f"name one column 'outcome' (and optionally one 'module')"
        )
    module = next((header.index(c) for c in MODULE_COLUMNS if c in header), None)
    lines = []
    for r in rows[1:]:
        text = r[outcome].strip() if outcome < len(r) else ""
        if text:
            mod = r[module].strip() if module is not None and module < len(r) else ""
            lines.append(Line(mod, text))
    return lines
