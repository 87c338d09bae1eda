"""Learning outcomes -> the items they teach: BM25 over labels, synonyms and definitions.

The index is built from match_catalogue.rq rows (entity, kind, framework, label, field, value), so what
can be matched is what SPARQL says. An item's score is its best name's BM25 score plus a share of its
definition's; the method was chosen against a token-overlap baseline by benchmarks/matching.py.
Nothing here reads a store.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

import numpy as np
from scipy import sparse

from graph.match_text import STOPWORDS, stemmed, terms, words
from graph.match_text import stem as stem  # re-exported: callers and tests import it from here

PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
ALT = "http://www.w3.org/2004/02/skos/core#altLabel"
DEFINITION = "http://www.w3.org/2004/02/skos/core#definition"
#: BM25 saturation and length normalisation (the usual defaults), and the weight of a definition match
K1, B, DEFINITION_WEIGHT = 1.2, 0.75, 0.3
#: BM25's weight (scaled to the line's best) when ordering by word share: it breaks near-ties
RANK_TIE = 0.05
#: the longest input line matched (longer text is cut, so one pasted essay cannot stall a request)
MAX_LINE = 2_000


@dataclass(frozen=True)
class Match:
    """One proposed item for a line: the name that matched, the one score shown, and why it was proposed.

    method is "lexical" when the shared words weigh most in the score, "semantic" when meaning does.
    """

    iri: str
    label: str
    kind: str
    framework: str
    score: float
    why: str = ""
    method: str = "lexical"

    def as_dict(self) -> dict[str, object]:
        """The JSON shape of a match."""
        return {
            "iri": self.iri,
            "label": self.label,
            "kind": self.kind,
            "framework": self.framework,
            "score": self.score,
            "why": self.why,
            "method": self.method,
        }


class Lexical(NamedTuple):
    """A line's lexical scores over every item: BM25 totals (ranking) and word shares (shown)."""

    cols: list[int]  # the line's known terms
    total: np.ndarray  # per item: best name's BM25 + DEFINITION_WEIGHT x definition's
    share: (
        np.ndarray
    )  # per item: the idf-weighted share of the line's terms in its best name (or half its definition's)
    name_share: np.ndarray  # per name row: the share it holds


@dataclass(frozen=True)
class Entry:
    """An item of the index: its preferred label, kind and framework."""

    iri: str
    label: str
    kind: str
    framework: str


@dataclass(frozen=True, eq=False)
class MatchIndex:
    """Items with their names (one row per name, grouped by item) and definitions as sparse term matrices."""

    entries: tuple[Entry, ...]
    names: tuple[str, ...]
    name_item: np.ndarray  # item position of each name row, non-decreasing
    name_starts: np.ndarray  # first name row of each item
    vocabulary: dict[str, int]
    name_matrix: sparse.csr_matrix  # names x terms, BM25 weights
    definition_matrix: sparse.csr_matrix  # items x terms, BM25 weights
    idf: np.ndarray  # per term, over names: how telling a word is, for the score people see
    baseline: bool = False

    def match(self, text: str, *, top: int = 5, also: Sequence[int] = ()) -> list[Match]:
        """The `top` items a line of text most likely teaches, best first by the score shown (then label, IRI).

        `also`: item positions proposed besides the top ones, scored against the same line.
        """
        found, chosen = self._order(text, top, also)
        return [
            self.proposal(int(i), text, found, float(found.total[i] if self.baseline else found.share[i]))
            for i in chosen
        ]

    def ranking(self, text: str, *, top: int = 100) -> list[str]:
        """The IRIs match() would propose, best first, without building the proposals (for benchmarks)."""
        return [self.entries[i].iri for i in self._order(text, top, ())[1]]

    def _order(self, text: str, top: int, also: Sequence[int]) -> tuple[Lexical, list[int]]:
        found = self.lexical(text)
        if found is None:
            return Lexical([], np.zeros(0), np.zeros(0), np.zeros(0)), []
        key = (
            found.total
            if self.baseline
            else found.share + RANK_TIE * found.total / (found.total.max() or 1.0)
        )
        candidates = np.flatnonzero(found.total > 0)
        k = min(len(candidates), max(top * 4, top + 20))
        shortlist = candidates[np.argpartition(-key[candidates], k - 1)[:k]]
        order = sorted(
            shortlist, key=lambda i: (-round(float(key[i]), 9), self.entries[i].label, self.entries[i].iri)
        )
        chosen = [
            *order[:top],
            *(i for i in dict.fromkeys(also) if i not in order[:top] and found.total[i] > 0),
        ]
        chosen.sort(key=lambda i: (-round(float(key[i]), 9), self.entries[i].label, self.entries[i].iri))
        return found, [int(i) for i in chosen]

    def position(self, iri: str) -> int:
        """An item's position in entries (sorted by IRI), or -1."""
        i = bisect.bisect_left(self.iris, iri)
        return i if i < len(self.iris) and self.iris[i] == iri else -1

    @cached_property
    def label_rank(self) -> np.ndarray:
        """Each item's place in (label, IRI) order: ties in score are broken by it, in one array sort."""
        order = sorted(range(len(self.entries)), key=lambda i: (self.entries[i].label, self.entries[i].iri))
        rank = np.empty(len(order), dtype=np.int64)
        rank[order] = np.arange(len(order))
        return rank

    @cached_property
    def iris(self) -> list[str]:
        """The items' IRIs, in entries' (sorted) order."""
        return [e.iri for e in self.entries]

    def lexical(self, text: str) -> Lexical | None:
        """BM25 totals and word shares of every item for a line; None when no word of it is known."""
        text = text[:MAX_LINE]
        tokens = words(text) if self.baseline else terms(text)
        cols = sorted({self.vocabulary[t] for t in tokens if t in self.vocabulary})
        if not cols or not self.entries:
            return None
        per_name = _column_sum(self.name_columns, cols)
        if self.baseline:  # Jaccard of word sets: shared / (name words + line words - shared)
            per_name = per_name / (self.name_lengths + len(set(tokens)) - per_name)
            total = np.maximum.reduceat(per_name, self.name_starts)
            return Lexical(cols, total, total, per_name)
        total = np.maximum.reduceat(per_name, self.name_starts) + DEFINITION_WEIGHT * _column_sum(
            self.definition_columns, cols
        )
        weight = float(self.idf[cols].sum()) or 1.0
        name_share = _column_sum(self.name_presence, cols) / weight
        share = np.maximum(
            np.maximum.reduceat(name_share, self.name_starts),
            0.5 * _column_sum(self.definition_presence, cols) / weight,
        )
        return Lexical(cols, total, share, name_share)

    def proposal(
        self, item: int, text: str, found: Lexical | None, score: float, method: str = "lexical"
    ) -> Match:
        """Item `item` proposed for a line: the name that shares most of its words, and which words."""
        e = self.entries[item]
        start = int(self.name_starts[item])
        end = int(self.name_starts[item + 1]) if item + 1 < len(self.name_starts) else len(self.names)
        if found is None or self.baseline:
            label = (
                e.label if found is None else self.names[start + int(np.argmax(found.name_share[start:end]))]
            )
            why = "" if self.baseline else _why([], method)
            return Match(e.iri, label, e.kind, e.framework, round(score, 3), why, method)
        shares = found.name_share[start:end]
        best = int(np.argmax(shares))  # the first name is the preferred label: it wins ties
        if shares[best] > 0:
            matrix, row, label = self.name_matrix, start + best, self.names[start + best]
        else:
            matrix, row, label = self.definition_matrix, item, e.label
        via = "its definition " if shares[best] <= 0 else ""
        vocab = set(matrix.indices[matrix.indptr[row] : matrix.indptr[row + 1]].tolist())  # no row copy
        shared = list(
            dict.fromkeys(
                w
                for w in words(text[:MAX_LINE])
                if w not in STOPWORDS and self.vocabulary.get(stemmed(w)) in vocab
            )
        )
        return Match(e.iri, label, e.kind, e.framework, round(score, 3), _why(shared, method, via), method)

    @cached_property
    def name_columns(self) -> sparse.csc_matrix:
        """The names matrix by term, so a line's few terms are summed without touching the rest."""
        return self.name_matrix.tocsc()

    @cached_property
    def definition_columns(self) -> sparse.csc_matrix:
        """The definitions matrix by term."""
        return self.definition_matrix.tocsc()

    @cached_property
    def name_presence(self) -> sparse.csc_matrix:
        """Per name and term, the term's idf where the name holds it: a line's word share is a column sum."""
        m = self.name_matrix.tocsc(copy=True)
        m.data = self.idf[np.repeat(np.arange(m.shape[1]), np.diff(m.indptr))]
        return m

    @cached_property
    def definition_presence(self) -> sparse.csc_matrix:
        """Per item and term, the term's idf where the item's definition holds it."""
        m = self.definition_matrix.tocsc(copy=True)
        m.data = self.idf[np.repeat(np.arange(m.shape[1]), np.diff(m.indptr))]
        return m

    @cached_property
    def name_lengths(self) -> np.ndarray:
        """Distinct words per name (the baseline's Jaccard denominators)."""
        return np.asarray(self.name_matrix.sum(axis=1)).ravel()


def _why(shared: list[str], method: str, via: str = "") -> str:
    """Why an item was proposed, in a designer's words: similar meaning, and the words it shares."""
    said = f"{via}shares " + ", ".join(f"“{w}”" for w in shared) if shared else ""
    if method == "semantic":
        return f"similar meaning; {said}" if said else "similar meaning"
    return said


def _column_sum(matrix: sparse.csc_matrix, cols: list[int]) -> np.ndarray:
    """Sum of some columns of a CSC matrix as a dense vector over its rows."""
    out = np.zeros(matrix.shape[0])
    for c in cols:
        lo, hi = matrix.indptr[c], matrix.indptr[c + 1]
        out[matrix.indices[lo:hi]] += matrix.data[lo:hi]  # a column's rows are distinct
    return out


def build_index(
    rows: Iterable[Sequence[object]],
    *,
    baseline: bool = False,
    exclude: frozenset[tuple[str, str]] = frozenset(),
) -> MatchIndex:
    """An index from match_catalogue.rq rows; `exclude` holds (item, synonym) pairs left out (held-out tests).

    baseline=True builds the naive method the real one is measured against: Jaccard of lower-case
    word sets over labels and synonyms, no stemming, stopwords or definitions.
    """
    entries: dict[str, Entry] = {}
    names: dict[str, list[str]] = {}
    definitions: dict[str, list[str]] = {}
    for entity, kind, framework, label, field, value in rows:
        iri, value = str(entity), str(value)
        if iri not in entries or str(label) < entries[iri].label:  # one label even if a store holds two
            entries[iri] = Entry(iri, str(label), _short(str(kind)), str(framework))
        if str(field) == DEFINITION:
            definitions.setdefault(iri, []).append(value)
        elif (iri, value) not in exclude:
            names.setdefault(iri, []).append(value)
    order = sorted(entries)
    analyse = words if baseline else terms
    all_names: list[str] = []
    name_item: list[int] = []
    starts: list[int] = []
    for pos, iri in enumerate(order):
        label = entries[iri].label
        own = sorted(set(names.get(iri, [])) - {label}, key=lambda n: (n.casefold(), n))
        starts.append(len(all_names))
        for n in (label, *own):
            all_names.append(n)
            name_item.append(pos)
    name_tokens = [analyse(n) for n in all_names]
    def_tokens = [] if baseline else [analyse(" ".join(sorted(definitions.get(i, [])))) for i in order]
    vocabulary: dict[str, int] = {}
    for toks in (*name_tokens, *def_tokens):
        for t in toks:
            vocabulary.setdefault(t, len(vocabulary))
    if baseline:
        name_matrix = _binary(name_tokens, vocabulary)
        definition_matrix = sparse.csr_matrix((len(order), len(vocabulary)))
        idf = np.ones(len(vocabulary))
    else:
        name_matrix, idf = _bm25(name_tokens, vocabulary)
        definition_matrix, _ = _bm25(def_tokens, vocabulary)
    return MatchIndex(
        tuple(entries[i] for i in order),
        tuple(all_names),
        np.asarray(name_item, dtype=np.int64),
        np.asarray(starts, dtype=np.int64),
        vocabulary,
        name_matrix,
        definition_matrix,
        idf,
        baseline,
    )


def _short(kind: str) -> str:
    return kind.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _binary(docs: list[list[str]], vocabulary: dict[str, int]) -> sparse.csr_matrix:
    rows, cols = [], []
    for r, toks in enumerate(docs):
        for c in sorted({vocabulary[t] for t in toks}):
            rows.append(r)
            cols.append(c)
    return sparse.csr_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(docs), len(vocabulary)), dtype=np.float64
    )


def _bm25(docs: list[list[str]], vocabulary: dict[str, int]) -> tuple[sparse.csr_matrix, np.ndarray]:
    """Documents x terms BM25 weights, and each term's idf."""
    rows, cols, tfs = [], [], []
    lengths = np.array([len(d) for d in docs], dtype=np.float64)
    for r, toks in enumerate(docs):
        counts: dict[int, int] = {}
        for t in toks:
            counts[vocabulary[t]] = counts.get(vocabulary[t], 0) + 1
        for c in sorted(counts):
            rows.append(r)
            cols.append(c)
            tfs.append(counts[c])
    n = max(len(docs), 1)
    df = np.bincount(np.asarray(cols, dtype=np.int64), minlength=len(vocabulary)).astype(np.float64)
    idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
    avg = float(lengths[lengths > 0].mean()) if (lengths > 0).any() else 1.0
    tf = np.asarray(tfs, dtype=np.float64)
    norm = K1 * (1 - B + B * lengths[np.asarray(rows, dtype=np.int64)] / avg) if rows else tf
    weights = idf[np.asarray(cols, dtype=np.int64)] * tf * (K1 + 1) / (tf + norm) if rows else tf
    matrix = sparse.csr_matrix((weights, (rows, cols)), shape=(len(docs), len(vocabulary)))
    return matrix, idf


def read_lines(text: str) -> list[str]:
    """The non-empty lines of a text, stripped, in order."""
    return [line.strip() for line in text.splitlines() if line.strip()]
