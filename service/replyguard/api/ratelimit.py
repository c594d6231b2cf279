"""Per-caller rate limits on `/v1`: a token bucket per API key (or per client address
when the API is open), in memory.

Each bucket holds up to `REPLYGUARD_RATE_LIMIT_PER_MINUTE` requests and refills at
that rate; an empty bucket answers 429 with `Retry-After` (whole seconds until a
request is allowed again). Limits are per process: behind several workers, each
keeps its own.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .auth import client_address, protected
from .errors import error_response


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    remaining: int
    retry_after_s: int


class TokenBuckets:
    def __init__(
        self,
        per_minute: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        max_clients: int = 10_000,
    ) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self._clock = clock
        self._max_clients = max_clients
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def take(self, client: str) -> Decision:
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = _Bucket(self.capacity, now)
            self._buckets[client] = bucket
            if len(self._buckets) > self._max_clients:
                # The least recently seen caller's bucket goes (it is nearly full by now).
                self._buckets.popitem(last=False)
        else:
            self._buckets.move_to_end(client)
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Decision(True, int(bucket.tokens), 0)
        wait = (1.0 - bucket.tokens) / self.rate
        return Decision(False, 0, max(1, math.ceil(wait)))


class RateLimit:
    """429 with Retry-After once a caller's bucket is empty (only under `/v1`)."""

    def __init__(self, app: ASGIApp, *, buckets: TokenBuckets) -> None:
        self.app = app
        self.buckets = buckets

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not protected(scope["path"]) or scope["method"] == "OPTIONS":
            await self.app(scope, receive, send)
            return
        client = scope.get("state", {}).get("client_id") or client_address(scope)
        decision = self.buckets.take(client)
        limit = str(int(self.buckets.capacity))
        if not decision.allowed:
            response = error_response(
                429,
                "rate_limited",
                f"Too many requests: at most {limit} a minute; "
                f"try again in {decision.retry_after_s}s.",
                headers={
                    "Retry-After": str(decision.retry_after_s),
                    "X-RateLimit-Limit": limit,
                    "X-RateLimit-Remaining": "0",
                },
            )
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["X-RateLimit-Limit"] = limit
                headers["X-RateLimit-Remaining"] = str(decision.remaining)
            await send(message)

        await self.app(scope, receive, send_with_headers)
