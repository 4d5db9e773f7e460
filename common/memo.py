"""Look-ups shared by the invoices of one batch (issue #17: "structure lookups cached per
request or per batch").

A deposit flow of 500 invoices names the same recipient, service and supplier 500 times; inside
``batch_memo()`` each such look-up runs once. Outside a batch, ``memoized`` simply computes: a web
request or a single deposit sees the database as it is. A batch lasts one task (seconds), so a
structure closed meanwhile is seen closed by the next flow, as it would be a moment later anyway.
Only reads of reference data go through here, and counts that the batch itself keeps up to date
as it adds to them (``memo_add``), never other data the batch changes.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar, cast

T = TypeVar("T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar("chorus_batch_memo", default=None)


@contextmanager
def batch_memo() -> Iterator[None]:
    """Share memoized look-ups within this block (nested blocks join the outer one)."""
    if _store.get() is not None:
        yield
        return
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def memo_put(key: Hashable, value: Any) -> None:
    """Record ``value`` for ``key``, read by a wider look-up of the same batch (an annotation of
    another query), so that ``memoized(key, …)`` does not read it again; nothing outside a batch."""
    store = _store.get()
    if store is not None:
        store.setdefault(key, value)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside ``batch_memo()``; every time outside."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    return cast(T, store[key])


def memo_add(key: Hashable, n: int = 1) -> None:
    """Add ``n`` to the count memoized under ``key``, if this batch read it: the batch counts what
    it adds itself instead of reading the count again."""
    store = _store.get()
    if store is not None and key in store:
        store[key] += n
