"""How matching reads a text: words, stopwords and a light stemmer, shared by the BM25 index and transitions."""

from __future__ import annotations

import re
from functools import lru_cache

_IZE = re.compile(r"iz(e|es|ed|ing|ation|ations)$")
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE = re.compile(r"(?<=[^\W_])['’]s\b")  # "company's" is "company": a lone "s" matched any possessive
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "this",
        "to",
        "using",
        "use",
        "with",
        "within",
        "without",
        "will",
        "able",
        "you",
        "your",
        "they",
        "them",
        "which",
        "who",
        "what",
        "when",
        "where",
    ]
)


def words(text: str) -> list[str]:
    """Lower-case words of a text, as the baseline sees them (a possessive's "s" is not a word).

    >>> words("the client’s skin, the doctor's office")
    ['the', 'client', 'skin', 'the', 'doctor', 'office']
    """
    return _WORD.findall(_POSSESSIVE.sub("", text.casefold()))


def stem(word: str) -> str:
    """A light English stemmer: plurals, -ing, -ed, -ation, -ize as -ise, so "lasers" meets "laser".

    >>> [stem(w) for w in ("lasers", "treating", "injected", "therapies", "sterilisation", "sterilize")]
    ['laser', 'treat', 'inject', 'therapy', 'sterilis', 'sterilis']
    """
    word = _IZE.sub(r"is\1", word)
    for suffix, repl, keep in (
        ("ations", "", 4),
        ("ation", "", 4),
        ("ies", "y", 3),
        ("sses", "ss", 3),
        ("ing", "", 4),
        ("ed", "", 4),
        ("es", "", 4),
        ("s", "", 3),
        ("e", "", 4),
    ):
        if word.endswith(suffix) and len(word) - len(suffix) >= keep:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                return word
            return word[: len(word) - len(suffix)] + repl
    return word


#: stem() remembered: ESCO + O*NET's catalogue stems 800k words of a few tens of thousands (5-7 s of CPU
#: in the match index and the transition model, well under 1 s remembered); bounded, as lines are any text
stemmed = lru_cache(maxsize=1 << 17)(stem)


def terms(text: str) -> list[str]:
    """The index terms of a text: words less stopwords, stemmed."""
    return [stemmed(w) for w in words(text) if w not in STOPWORDS]
