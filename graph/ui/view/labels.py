"""Labels shortened where they are a control (options, pickers, node and link labels), kept whole elsewhere.

One 100,000-character label in a filter's options kept the page from ever loading: the browser
measures and lays out every option and every canvas label. The detail panel shows the whole text.
"""

from __future__ import annotations

LABEL_CHARS = 80  # a control shows at most this many characters of a label
SHORT_CHARS = 26  # a node's label on the canvas (the whole label shows on hover)


def counted(n: int, noun: str) -> str:
    """A count as people say it: the noun in the plural unless there is one.

    >>> counted(1, "item"), counted(0, "item"), counted(3, "optional item")
    ('1 item', '0 items', '3 optional items')
    """
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def shorten(text: str, limit: int = LABEL_CHARS) -> str:
    """The label cut at the last word break before `limit` characters, with an ellipsis when cut.

    >>> shorten("laser hair removal")
    'laser hair removal'
    >>> shorten("a very long label indeed", 12)
    'a very long…'
    """
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"
