"""``common.memo``: a batch reads its reference data once; outside a batch nothing is cached."""

from __future__ import annotations

from common.memo import batch_memo, memoized


def test_a_lookup_runs_once_per_batch_and_every_time_outside():
    calls: list[str] = []

    def read(key: str) -> str:
        calls.append(key)
        return key.upper()

    def lookup(key: str) -> str:
        return memoized(("lookup", key), lambda: read(key))

    # Outside a batch: every call reads
    assert lookup("a") == "A" and lookup("a") == "A"
    assert calls == ["a", "a"]
    # Inside a batch: once per key, nested blocks sharing the outer one
    with batch_memo():
        assert lookup("a") == "A"
        with batch_memo():
            assert lookup("a") == "A" and lookup("b") == "B"
        assert lookup("b") == "B"
    assert calls == ["a", "a", "a", "b"]
    # and the next batch starts afresh
    with batch_memo():
        lookup("a")
    assert calls == ["a", "a", "a", "b", "a"]
