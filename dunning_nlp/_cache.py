"""Memoisation bounded by memory, not by entry count.

The normaliser and the tokenizer remember their results because SMS dumps
repeat messages verbatim.  A cache bounded by its number of entries is only
small while the texts are small: 12,000 distinct 4,000-character texts held
gigabytes in ``functools.lru_cache`` caches of 32,768 and 65,536 entries.
:func:`bounded_cache` counts the bytes its keys and values hold
(``sys.getsizeof`` of the strings and tuples of strings these caches store)
and drops the least recently used entries past ``max_bytes``; a result
larger than ``max_item_bytes`` is returned without being remembered, so one
huge text cannot push out thousands of short templates.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, NamedTuple, Protocol, TypeVar, cast

__all__ = ["bounded_cache", "CacheInfo", "size_of"]

_R = TypeVar("_R")
_R_co = TypeVar("_R_co", covariant=True)

# Bytes an OrderedDict entry costs beyond its key and value (hash slot, linked-list node, the (value, cost) pair).
_ENTRY_OVERHEAD = 160


class CacheInfo(NamedTuple):
    """Counters of one :func:`bounded_cache` (``bytes`` is the estimate that is bounded)."""

    hits: int
    misses: int
    entries: int
    bytes: int
    max_bytes: int


class BoundedCached(Protocol[_R_co]):
    """What :func:`bounded_cache` returns: the cached function with its cache's controls."""

    max_bytes: int
    cache_info: Callable[[], CacheInfo]
    cache_clear: Callable[[], None]

    def __call__(self, *args: Any) -> _R_co: ...


def size_of(value: Any) -> int:
    """Bytes held by a value these caches store: a str, or a tuple (of str) with its items.

    Items shared with other objects (interned tokens, ``True``) are counted
    anyway: the estimate errs on the large side.
    """
    size = sys.getsizeof(value)
    if isinstance(value, tuple):
        size += sum(map(sys.getsizeof, value))
    return size


def bounded_cache(
    max_bytes: int, *, max_item_bytes: int | None = None, cost: Callable[[tuple, Any], int] | None = None
) -> Callable[[Callable[..., _R]], BoundedCached[_R]]:
    """Decorator: an LRU cache of a function of hashable positional arguments, bounded by bytes.

    ``max_item_bytes`` (default ``max_bytes // 64``) is the largest entry
    remembered.  ``cost(args, result)`` estimates an entry's bytes when the
    caller knows a cheaper upper bound than :func:`size_of` of both (which
    measures every item and costs as much as a short computation).  The
    wrapper has ``cache_info()``, ``cache_clear()`` and a
    writable ``max_bytes`` attribute (read on every insertion).  Thread-safe:
    hits are single dictionary operations, insertions and evictions take a lock.

    >>> @bounded_cache(1 << 20)
    ... def upper(text):
    ...     return text.upper()
    >>> upper("abc"), upper("abc"), upper.cache_info().hits
    ('ABC', 'ABC', 1)
    """

    def decorate(func: Callable[..., _R]) -> BoundedCached[_R]:
        entries: OrderedDict = OrderedDict()  # args -> (result, cost)
        lock = threading.Lock()
        counts = {"hits": 0, "misses": 0, "bytes": 0}

        @functools.wraps(func)
        def wrapper(*args):
            entry = entries.get(args)
            if entry is not None:
                try:
                    entries.move_to_end(args)
                except KeyError:  # evicted by another thread in between: still a valid result
                    pass
                counts["hits"] += 1
                return entry[0]
            result = func(*args)
            held = _ENTRY_OVERHEAD + (cost(args, result) if cost else size_of(args) + size_of(result))
            limit = cached.max_bytes
            largest = max_item_bytes if max_item_bytes is not None else limit // 64
            with lock:
                counts["misses"] += 1
                if held <= largest and args not in entries:
                    entries[args] = (result, held)
                    counts["bytes"] += held
                    while counts["bytes"] > limit and entries:
                        _, (_, dropped) = entries.popitem(last=False)
                        counts["bytes"] -= dropped
            return result

        def cache_info() -> CacheInfo:
            return CacheInfo(counts["hits"], counts["misses"], len(entries), counts["bytes"], cached.max_bytes)

        def cache_clear() -> None:
            with lock:
                entries.clear()
                counts.update(hits=0, misses=0, bytes=0)

        cached = cast("BoundedCached[_R]", wrapper)  # given its attributes on the next lines
        cached.max_bytes = max_bytes
        cached.cache_info = cache_info
        cached.cache_clear = cache_clear
        return cached

    return decorate
