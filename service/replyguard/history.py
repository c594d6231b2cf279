"""The business's recent replies, which `not_repeated` compares a new draft with.

The service reads them from the records store (`storage.history.StoredReplies`, a
read-through cache); `RecentReplies` keeps them in memory only, bounded per business
and in the number of businesses, for pipelines without a store (evals, bench). A
reply to the same review (same `review.id`, or same text) is never a "repeat" of itself.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, deque
from typing import Protocol


def review_key(review_id: str | None, text: str) -> str:
    return review_id or hashlib.sha256(text.encode("utf-8")).hexdigest()


def business_key(name: str) -> str:
    """One business however its name is cased or spaced."""
    return " ".join(name.casefold().split())


class ReplyHistory(Protocol):
    def recent(self, business: str, review: str) -> tuple[str, ...]:
        """Recent replies of `business` to reviews other than `review` (a review key)."""
        ...

    def add(self, business: str, review: str, reply: str) -> None: ...


class RecentReplies:
    def __init__(self, per_business: int = 50, businesses: int = 10_000) -> None:
        self._per_business = per_business
        self._businesses = businesses
        self._replies: OrderedDict[str, deque[tuple[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    def recent(self, business: str, review: str) -> tuple[str, ...]:
        """Recent replies of `business` to reviews other than `review` (a review key)."""
        with self._lock:
            entries = self._replies.get(business_key(business), ())
            return tuple(reply for key, reply in entries if key != review)

    def add(self, business: str, review: str, reply: str) -> None:
        if self._per_business <= 0:
            return
        name = business_key(business)
        with self._lock:
            entries = self._replies.pop(name, None) or deque(maxlen=self._per_business)
            entries.append((review, reply))
            self._replies[name] = entries
            while len(self._replies) > self._businesses:
                self._replies.popitem(last=False)
