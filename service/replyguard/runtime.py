"""What a reply is drafted with, built from the settings in one place: the records
store, the LLM client, the checks and the pipeline that joins them.

The API, the batch command and the evals draft through the same objects, so they are
opened in one order (records first: a service that cannot keep its replies does not
start; then the model, started before the first draft) and closed in one way (the
model, then the store, even when closing the model fails).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from replyguard_checks import CheckSuite

from .checks import shared_suite
from .llm import ChatModel, build_model
from .pipeline import ReplyPipeline
from .settings import Settings
from .storage import Store
from .storage.history import StoredReplies

log = logging.getLogger("replyguard")


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    store: Store | None
    model: ChatModel | None
    suite: CheckSuite
    pipeline: ReplyPipeline

    @classmethod
    async def start(
        cls, settings: Settings, *, records: bool = True, suite: CheckSuite | None = None
    ) -> Runtime:
        """Open the store (with `records`; the evals keep none), build and start the
        model, and join them with the checks (the shared suite unless `suite`).
        Whatever was opened before a failure is closed again."""
        store = await _open_store(settings) if records else None
        model: ChatModel | None = None
        try:
            model = build_model(settings)
            await _start(model)
            checks = suite or shared_suite()
            # Without records, `not_repeated` remembers this process's replies only.
            history = StoredReplies(store, per_business=settings.repeat_window) if store else None
            pipeline = ReplyPipeline(settings, model, checks, history=history)
        except BaseException:
            try:
                await _close(model, store)
            except Exception:
                log.exception("closing after a failed start")
            raise
        return cls(settings, store, model, checks, pipeline)

    @classmethod
    @asynccontextmanager
    async def open(
        cls, settings: Settings, *, records: bool = True, suite: CheckSuite | None = None
    ) -> AsyncIterator[Runtime]:
        """`start`, and `close` when the block ends."""
        runtime = await cls.start(settings, records=records, suite=suite)
        try:
            yield runtime
        finally:
            await runtime.close()

    @classmethod
    def templates_only(cls) -> Runtime:
        """No LLM and no records, so nothing to start or close: template replies and
        the shared checks, for benchmarks and tools that measure the checks alone."""
        settings = Settings(llm_provider="none")
        suite = shared_suite()
        return cls(settings, None, None, suite, ReplyPipeline(settings, None, suite))

    @property
    def records(self) -> Store:
        """The store, for callers that opened the runtime with records."""
        if self.store is None:
            raise RuntimeError("this runtime was opened without a records store")
        return self.store

    async def close(self) -> None:
        """Close the model, then the store, even when closing the model fails."""
        await _close(self.model, self.store)


async def _open_store(settings: Settings) -> Store:
    # Opening migrates the schema and may wait on the network: off the event loop.
    return await asyncio.to_thread(
        Store.open, settings.database_url, migrate_schema=settings.database_migrate
    )


async def _start(model: ChatModel | None) -> None:
    # Only some clients have something to load first (the local model's weights).
    start = getattr(model, "start", None)
    if start is not None:
        await start()


async def _close(model: ChatModel | None, store: Store | None) -> None:
    try:
        if model is not None:
            await model.aclose()
    finally:
        if store is not None:
            store.close()
