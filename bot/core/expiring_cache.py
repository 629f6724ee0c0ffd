"""A small per-process cache whose entries go stale after a time, and which keeps the last value
it had so a failed refresh can fall back on it."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class ExpiringCache(Generic[V]):
    """Values by key, each fresh for ``ttl`` after it was stored. Thread-safe."""

    ttl: timedelta
    _entries: dict[str, tuple[datetime, V]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _refreshing: dict[str, threading.Lock] = field(default_factory=dict)

    def fresh(self, key: str, *, now: datetime, max_age: timedelta | None = None) -> V | None:
        """The value stored under ``key`` less than ``ttl`` (or ``max_age``) ago, else None."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is None or now - entry[0] >= (self.ttl if max_age is None else max_age):
            return None
        return entry[1]

    def last(self, key: str) -> V | None:
        """The last value stored under ``key``, however old."""
        with self._lock:
            entry = self._entries.get(key)
        return entry[1] if entry else None

    def refreshing(self, key: str) -> threading.Lock:
        """The lock to hold while fetching ``key``: requests that all find it stale wait for
        one fetch instead of each making their own (then read it with :meth:`fresh`)."""
        with self._lock:
            return self._refreshing.setdefault(key, threading.Lock())

    def store(self, key: str, value: V, *, now: datetime) -> None:
        with self._lock:
            self._entries[key] = (now, value)
