"""CSV cells a spreadsheet opens as text: OWASP's CSV-injection advice, reversible so exports read back whole.

A cell that begins with =, +, -, @, tab or carriage return is a formula to Excel, LibreOffice and
Google Sheets (`=HYPERLINK(…)`, `@SUM(…)`); a leading apostrophe makes it text. A cell that already
begins with an apostrophe gets one more, so `restore` (used by the importer of our own exports) takes
exactly one off and every export round-trips losslessly.
"""

from __future__ import annotations

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
PREFIX = "'"


def neutralise(cell: object) -> object:
    """A CSV cell safe to open in a spreadsheet (text with a formula lead gets a leading apostrophe).

    >>> neutralise("=HYPERLINK(\\"http://x\\")"), neutralise("-5 °C"), neutralise("plain"), neutralise(0.5)
    ('\\'=HYPERLINK("http://x")', "'-5 °C", 'plain', 0.5)
    """
    if isinstance(cell, str) and cell.startswith((*FORMULA_LEADS, PREFIX)):
        return PREFIX + cell
    return cell


def restore(cell: str) -> str:
    """A cell as it was before `neutralise` (only for files we wrote: other CSVs are read as they are).

    >>> restore("'=1+1"), restore("''quoted'"), restore("plain")
    ('=1+1', "'quoted'", 'plain')
    """
    return cell[1:] if cell.startswith(PREFIX) else cell


def row(cells) -> list:
    """Every cell of a row neutralised."""
    return [neutralise(c) for c in cells]
