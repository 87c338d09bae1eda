"""The app's memo: bounded, least recently used out first, and answers it was told not to keep recomputed."""

from __future__ import annotations

from graph.ui.context import Lru


def test_lru_remembers_evicts_the_least_recent_and_skips_what_it_should_not_keep():
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    memo: Lru[str] = Lru(2)
    assert memo.get("a", make("a")) == "A" and memo.get("b", make("b")) == "B"
    assert memo.get("a", make("a")) == "A" and made == ["a", "b"]  # a hit, and now the most recent
    memo.get("c", make("c"))  # evicts b, the least recently used
    assert memo.get("b", make("b")) == "B" and made == ["a", "b", "c", "b"]
    memo.get("big", make("big"), keep=lambda _v: False)
    memo.get("big", make("big"), keep=lambda _v: False)
    assert made.count("big") == 2
