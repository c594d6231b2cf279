"""Group commit: replies that finish together share one transaction.

Each request still waits for the commit that holds its record, so a reply the caller
gets is always stored; but under load one transaction (one commit, one fsync, one
hop to a thread) keeps every reply that finished while the last one was committing,
instead of one each. Nothing waits on a timer: a lone reply is committed at once.
"""

from __future__ import annotations

import asyncio
import logging

from ..schemas import ReplyRequest, ReplyResponse
from .mapping import Rows
from .sessions import StoreUnavailable
from .store import Store

log = logging.getLogger("replyguard.storage.store")

#: Replies per transaction at most, so one commit never holds a huge batch.
MAX_BATCH = 256


class GroupCommit:
    """Saves replies for one event loop; `save_reply` returns once its record is
    committed and raises `StoreUnavailable` when it could not be."""

    def __init__(self, store: Store, *, max_batch: int = MAX_BATCH) -> None:
        self.store = store
        self.max_batch = max_batch
        self._queue: list[tuple[Rows, asyncio.Future[None]]] = []
        self._drainer: asyncio.Task[None] | None = None

    async def save_reply(
        self, request: ReplyRequest, response: ReplyResponse, *, duration_ms: float
    ) -> None:
        rows = self.store.reply_rows(request, response, duration_ms=duration_ms)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._queue.append((rows, future))
        drainer = self._drainer
        # A drainer left on a loop that has stopped (an app served again on a new
        # loop, as tests do) would never run: one on this loop takes over.
        if drainer is None or drainer.done() or drainer.get_loop() is not loop:
            self._drainer = loop.create_task(self._drain())
        # Shielded: a caller that goes away does not take its record out of the batch.
        await asyncio.shield(future)

    async def _drain(self) -> None:
        """Commit what is queued, batch after batch, until nothing is left."""
        while self._queue:
            batch = self._queue[: self.max_batch]
            del self._queue[: self.max_batch]
            try:
                outcomes = await asyncio.to_thread(
                    self.store.save_replies, [rows for rows, _ in batch]
                )
            except asyncio.CancelledError:
                # The loop is going away: nothing queued can be called stored.
                _fail([*batch, *self._queue], "the service is stopping")
                self._queue.clear()
                raise
            except Exception as exc:
                # Not a database error (those come back as outcomes): this batch cannot
                # be called stored; the next one is tried as usual.
                log.exception("records store: could not save %d replies", len(batch))
                _fail(batch, type(exc).__name__)
                continue
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue
                if outcome is None:
                    future.set_result(None)
                else:
                    future.set_exception(outcome)


def _fail(batch: list[tuple[Rows, asyncio.Future[None]]], why: str) -> None:
    for _, future in batch:
        if not future.done():
            future.set_exception(StoreUnavailable(f"could not save the reply: {why}"))
