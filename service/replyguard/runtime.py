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
from dataclasses import dataclass, field
from typing import Literal

from replyguard_checks import CheckSuite

from .checks import shared_suite
from .llm import ChatModel, build_model
from .pipeline import ReplyPipeline
from .settings import Settings
from .storage import Store
from .storage.history import StoredReplies

log = logging.getLogger("replyguard")

ModelState = Literal["none", "loading", "ready", "failed"]


@dataclass(frozen=True, slots=True)
class Runtime:
    settings: Settings
    store: Store | None
    model: ChatModel | None
    suite: CheckSuite
    pipeline: ReplyPipeline
    #: The model's start (loading its weights) when it runs in the background.
    loading: asyncio.Task[None] | None = field(default=None, compare=False)

    @classmethod
    async def start(
        cls,
        settings: Settings,
        *,
        records: bool = True,
        suite: CheckSuite | None = None,
        model_in_background: bool = False,
    ) -> Runtime:
        """Open the store (with `records`; the evals keep none), build and start the
        model, and join them with the checks (the shared suite unless `suite`).
        With `model_in_background` the model loads while the caller goes on (the
        service answers /healthz meanwhile; a draft asked for sooner waits for it).
        Whatever was opened before a failure is closed again."""
        store = await _open_store(settings) if records else None
        model: ChatModel | None = None
        loading: asyncio.Task[None] | None = None
        try:
            model = build_model(settings)
            if model_in_background and getattr(model, "start", None) is not None:
                loading = asyncio.create_task(_start(model), name="replyguard-model-load")
                loading.add_done_callback(_report_load)
            else:
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
        return cls(settings, store, model, checks, pipeline, loading)

    @classmethod
    @asynccontextmanager
    async def open(
        cls,
        settings: Settings,
        *,
        records: bool = True,
        suite: CheckSuite | None = None,
        model_in_background: bool = False,
    ) -> AsyncIterator[Runtime]:
        """`start`, and `close` when the block ends."""
        runtime = await cls.start(
            settings, records=records, suite=suite, model_in_background=model_in_background
        )
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

    @property
    def model_state(self) -> ModelState:
        """none (templates only), loading, ready, or failed (its drafts then fail and
        the templates answer; the log says why)."""
        if self.model is None:
            return "none"
        if self.loading is None:
            return "ready"
        if not self.loading.done():
            return "loading"
        return "failed" if self.loading.cancelled() or self.loading.exception() else "ready"

    async def close(self) -> None:
        """Close the model, then the store, even when closing the model fails; a load
        still under way is waited for first (its thread cannot be stopped)."""
        if self.loading is not None and not self.loading.done():
            await asyncio.wait([self.loading])
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


def _report_load(task: asyncio.Task[None]) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("the model failed to load: %s", error, exc_info=error)
    else:
        log.info("the model is loaded")


async def _close(model: ChatModel | None, store: Store | None) -> None:
    try:
        if model is not None:
            await model.aclose()
    finally:
        if store is not None:
            store.close()
