"""Matching by words and by meaning at once: BM25's word shares fused with sentence-embedding similarity.

One score is shown and orders the proposals: WORD_WEIGHT x the share of the line's telling words in the
item's name + (1 - WORD_WEIGHT) x the meaning similarity (the model's cosine, rescaled from [COS_LOW,
COS_HIGH] to [0, 1]) + (1 - the line's best such value) x the item's prior (graph.priors: how many roles
hold it essential or optional), so the catalogue's prior counts when words and meaning are unsure and
hardly at all for a near-exact name; the score stays in [0, 1]. A proposal that means what a better one
already means loses REDUNDANCY x their meaning similarity (proposals are chosen one by one, each the best
after that loss), so five variants of one skill do not crowd out the second thing a line teaches; the
score shown is the one after the loss and still orders the proposals. Candidates are BM25's and the model's
best CANDIDATES each. The weights were tuned by benchmarks/matching.py on a development split whose
occupations the evaluation never sees (nor the prior). Without the model (package absent) a Matcher is
BM25 alone (graph.match), with no prior.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from graph.dense import Encoder
from graph.match import MAX_LINE, STOPWORDS, Lexical, Match, MatchIndex, words

WORD_WEIGHT = 0.5  # tuned on the development split (benchmarks/matching.py --tune)
COS_LOW, COS_HIGH = 0.81, 0.94
CANDIDATES = 100  # from each side
#: a proposal that shares no word with the line needs at least this cosine (nonsense lines stay below it)
MIN_COS = 0.84  # measured: paraphrases 0.84-0.92, nonsense (xyzzy, bake bread) 0.80-0.83
#: what a proposal loses for meaning what a better one means (x their similarity, rescaled like meaning)
REDUNDANCY = 0.1  # tuned on the development split (benchmarks/matching.py; docs/curricula.md)


@dataclass(frozen=True, eq=False)
class Matcher:
    """A store's items matched by BM25 and, when the model is installed, by meaning too."""

    lexical: MatchIndex
    encoder: Encoder | None = None
    vectors: np.ndarray | None = None  # one unit vector per item of lexical.entries (preferred labels)
    mode: str = "hybrid"  # "hybrid", "semantic" (meaning alone) or "lexical"
    prior: np.ndarray | None = None  # per item of lexical.entries, in [0, 0.5] (graph.priors.prior)
    word_weight: float = WORD_WEIGHT
    cos_low: float = COS_LOW
    cos_high: float = COS_HIGH
    min_cos: float = MIN_COS
    redundancy: float = REDUNDANCY

    @property
    def semantic(self) -> bool:
        """Whether meaning takes part (the model is loaded and the mode asks for it)."""
        return self.encoder is not None and self.vectors is not None and self.mode != "lexical"

    @property
    def method(self) -> str:
        """What this matcher does, in a few words (for the CLI, the app and the benchmark)."""
        if not self.semantic:
            return "words (BM25)"
        return "meaning (e5-small)" if self.mode == "semantic" else "words (BM25) + meaning (e5-small)"

    def match(
        self, text: str, *, top: int = 5, also: Sequence[str] = (), query: np.ndarray | None = None
    ) -> list[Match]:
        """The `top` items a line most likely teaches, best first by the score shown (ties: label, IRI).

        `also`: items (IRIs) proposed besides the top ones, scored against the same line. `query`: the
        line's vector when embedded already (queries() embeds many lines in batches).
        """
        extra = [i for i in (self.lexical.position(x) for x in also) if i >= 0]
        if not self.semantic:
            return self.lexical.match(text, top=top, also=extra)
        text = text[:MAX_LINE]
        found, candidates, score, method = self._order(text, top, extra, query)
        return [
            self.lexical.proposal(int(i), text, found, float(s), m)
            for i, s, m in zip(candidates, score, method, strict=True)
        ]

    def ranking(self, text: str, *, top: int = 100) -> list[str]:
        """The IRIs match() would propose, best first, without building the proposals (for benchmarks)."""
        if not self.semantic:
            return self.lexical.ranking(text, top=top)
        e = self.lexical.entries
        return [e[i].iri for i in self._order(text[:MAX_LINE], top, [])[1]]

    def queries(self, texts: Sequence[str]) -> dict[str, np.ndarray]:
        """Lines (as match() cuts them) to their vectors, embedded in batches; empty without the model."""
        if not self.semantic:
            return {}
        assert self.encoder is not None
        distinct = sorted({t[:MAX_LINE] for t in texts})
        return dict(zip(distinct, self.encoder.queries(distinct), strict=True))

    def _order(
        self, text: str, top: int, extra: list[int], query: np.ndarray | None = None
    ) -> tuple[Lexical | None, list[int], list[float], list[str]]:
        """The chosen items, best first, with their scores and what weighed more in each (words or meaning)."""
        if not any(w not in STOPWORDS for w in words(text)) or not self.lexical.entries:
            return None, [], [], []  # nothing to mean: "the", "and so on", punctuation
        assert self.encoder is not None and self.vectors is not None
        found = None if self.mode == "semantic" else self.lexical.lexical(text)
        cos = self.vectors @ (query if query is not None else self.encoder.query(text))
        pools = [_best(cos, CANDIDATES)]
        if found is not None:
            pools.append(_best(np.where(found.total > 0, found.total, -1.0), CANDIDATES, positive=True))
        candidates = np.unique(np.concatenate([*pools, np.asarray(extra, dtype=np.int64)]))
        w = 0.0 if found is None else self.word_weight
        shared = found.share[candidates] if found is not None else np.zeros(len(candidates))
        keep = (shared > 0) | (cos[candidates] >= self.min_cos) | np.isin(candidates, extra)
        candidates, shared = candidates[keep], shared[keep]
        meaning = np.clip((cos[candidates] - self.cos_low) / (self.cos_high - self.cos_low), 0.0, 1.0)
        score = w * shared + (1 - w) * meaning
        if self.prior is not None and len(candidates):  # the less sure the best, the more the prior counts
            score = score + max(0.0, 1.0 - float(score.max())) * self.prior[candidates]
        rank = self.lexical.label_rank[candidates]
        if self.redundancy and len(candidates) > 1:
            chosen, score = self._diversify(candidates, score, rank, top, extra)
        else:
            ranked = np.lexsort((rank, -np.round(score, 9)))  # ties: label, IRI
            chosen = np.concatenate([ranked[:top], ranked[top:][np.isin(candidates[ranked[top:]], extra)]])
        order = chosen[np.lexsort((rank[chosen], -np.round(score[chosen], 9)))].tolist()
        method = ["lexical" if w * shared[j] >= (1 - w) * meaning[j] else "semantic" for j in order]
        return found, [int(candidates[j]) for j in order], [float(score[j]) for j in order], method

    def _diversify(
        self, candidates: np.ndarray, score: np.ndarray, rank: np.ndarray, top: int, extra: list[int]
    ) -> tuple[np.ndarray, np.ndarray]:
        """The top proposals chosen one by one, each the best once it loses REDUNDANCY x its meaning
        similarity to the closest proposal chosen before it; with the extras, and every score after its loss.

        Each loss only grows as proposals are chosen, so the scores after the loss keep the order chosen.
        """
        assert self.vectors is not None
        v = self.vectors[candidates]
        loss = np.zeros(len(candidates))
        left = np.ones(len(candidates), dtype=bool)
        chosen: list[int] = []
        for _ in range(min(top, len(candidates))):
            value = np.where(left, np.round(score - self.redundancy * loss, 9), -np.inf)
            best = np.flatnonzero(value == value.max())
            j = int(best[np.argmin(rank[best])])  # ties: label, IRI
            chosen.append(j)
            left[j] = False
            similar = np.clip((v @ v[j] - self.cos_low) / (self.cos_high - self.cos_low), 0.0, 1.0)
            np.maximum(loss, np.where(left, similar, 0.0), out=loss)
        extras = np.flatnonzero(left & np.isin(candidates, extra))
        return np.asarray([*chosen, *extras], dtype=np.int64), np.maximum(score - self.redundancy * loss, 0.0)


_PARTS = re.compile(r"\s*(?:;|,|\band\b|&|\bas well as\b)\s*", re.IGNORECASE)


def parts(text: str) -> list[str]:
    """The things a line names when it teaches several ("apply peels and microdermabrasion": two).

    >>> parts("Apply chemical peels and microdermabrasion")
    ['Apply chemical peels', 'microdermabrasion']
    """
    found = [p for p in _PARTS.split(text[:MAX_LINE]) if len(p.split()) >= 1 and p.strip()]
    return found if len(found) > 1 else []


def several(
    matcher: Matcher,
    text: str,
    *,
    top: int = 5,
    per_part: int = 1,
    queries: Mapping[str, np.ndarray] | None = None,
) -> list[Match]:
    """Proposals for an outcome that may teach several items: the line's best, and each part's best.

    The best `per_part` items of each part of a line naming several things are proposed too, so the
    second thing is not crowded out by variants of the first; every proposal is scored against the
    whole line, so one score orders them all. `queries`: vectors of the line and its parts, when
    embedded already (Matcher.queries over lines_and_parts()).
    """
    known = queries or {}
    also = [
        m.iri
        for part in parts(text)
        for m in matcher.match(part, top=per_part, query=known.get(part[:MAX_LINE]))
    ]
    return matcher.match(text, top=top, also=also, query=known.get(text[:MAX_LINE]))


def lines_and_parts(texts: Sequence[str]) -> list[str]:
    """Every line and every part of one, as several() embeds them (to embed them all in batches)."""
    return [t for text in texts for t in (text, *parts(text))]


def _best(values: np.ndarray, k: int, *, positive: bool = False) -> np.ndarray:
    """Positions of the k largest values (only those above 0 when `positive`)."""
    pool = np.flatnonzero(values > 0) if positive else np.arange(len(values))
    if len(pool) > k:
        pool = pool[np.argpartition(-values[pool], k - 1)[:k]]
    return pool
