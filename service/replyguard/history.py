"""The business's recent replies, which `not_repeated` compares a new draft with.

Kept in memory per process, bounded per business and in the number of businesses;
the records store (issue: records) will take its place. A reply to the same review
(same `review.id`, or same text) is never a "repeat" of itself.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict, deque


def review_key(review_id: str | None, text: str) -> str:
    return review_id or hashlib.sha256(text.encode("utf-8")).hexdigest()


class RecentReplies:
    def __init__(self, per_business: int = 50, businesses: int = 10_000) -> None:
        self._per_business = per_business
        self._businesses = businesses
        self._replies: OrderedDict[str, deque[tuple[str, str]]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _business(name: str) -> str:
        return " ".join(name.casefold().split())

    def recent(self, business: str, review: str) -> tuple[str, ...]:
        """Recent replies of `business` to reviews other than `review` (a review key)."""
        with self._lock:
            entries = self._replies.get(self._business(business), ())
            return tuple(reply for key, reply in entries if key != review)

    def add(self, business: str, review: str, reply: str) -> None:
        if self._per_business <= 0:
            return
        name = self._business(business)
        with self._lock:
            entries = self._replies.pop(name, None) or deque(maxlen=self._per_business)
            entries.append((review, reply))
            self._replies[name] = entries
            while len(self._replies) > self._businesses:
                self._replies.popitem(last=False)
