"""The on-disk projection cache: the cycle collector is paused while a projection is built, and back after."""

from __future__ import annotations

import gc

import pytest

from graph.projection_cache import ProjectionCache


def test_a_build_runs_with_the_collector_paused_and_leaves_it_as_it_was(tmp_path):
    cache = ProjectionCache(tmp_path)
    seen: list[bool] = []
    assert gc.isenabled()
    assert cache.get("thing", lambda: seen.append(gc.isenabled()) or {"rows": 3}) == {"rows": 3}
    assert seen == [False] and gc.isenabled()
    assert cache.get("thing", lambda: seen.append(True)) == {"rows": 3} and seen == [False]  # read back

    def broken() -> object:
        raise ValueError("no rows")

    with pytest.raises(ValueError, match="no rows"):
        cache.get("other", broken)
    assert gc.isenabled() and not cache.on_disk("other")  # a failed build keeps nothing, collector back on
    gc.disable()
    try:
        cache.get("third", lambda: 1)
        assert not gc.isenabled()  # paused by the caller: left paused
    finally:
        gc.enable()
