"""`not_repeated`'s recent replies, read through from the records store.

The first request for a business loads its last replies from the store; later ones
are served from memory and kept current by `add`. An entry older than `ttl_s` is
reloaded, so replies written by other processes (several workers, several hosts on
one PostgreSQL) are seen within that time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from dataclasses import dataclass

from ..history import business_key
from .store import Store


@dataclass(slots=True)
class _Entry:
    loaded: float
    replies: deque[tuple[str, str]]


class StoredReplies:
    def __init__(
        self,
        store: Store,
        per_business: int = 50,
        *,
        ttl_s: float = 30.0,
        businesses: int = 10_000,
    ) -> None:
        self._store = store
        self._per_business = per_business
        self._ttl_s = ttl_s
        self._businesses = businesses
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def _cached(self, key: str) -> _Entry | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or time.monotonic() - entry.loaded > self._ttl_s:
                return None
            self._entries.move_to_end(key)
            return entry

    def _load(self, business: str, key: str) -> _Entry:
        rows = self._store.recent_replies(business, self._per_business)
        entry = _Entry(time.monotonic(), deque(rows, maxlen=self._per_business))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self._businesses:
                self._entries.popitem(last=False)
        return entry

    def recent(self, business: str, review: str) -> tuple[str, ...]:
        """Recent replies of `business` to reviews other than `review` (a review key)."""
        if self._per_business <= 0:
            return ()
        key = business_key(business)
        entry = self._cached(key) or self._load(business, key)
        with self._lock:
            return tuple(reply for other, reply in entry.replies if other != review)

    def add(self, business: str, review: str, reply: str) -> None:
        """Note a reply just made; the store gets it with the whole record."""
        if self._per_business <= 0:
            return
        with self._lock:
            entry = self._entries.get(business_key(business))
            if entry is not None:
                entry.replies.append((review, reply))
