"""The FastAPI application factory.

Heavy objects (lexicons, lemma tables, language models, the LLM) are built once in
the lifespan and shared by every request.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import FastAPI

from replyguard_checks.suite import CheckSuite

from .. import __version__
from ..feedback import LoggingFeedbackSink
from ..llm import build_model
from ..llm.breaker import STATE_VALUES, CircuitBreaker
from ..pipeline import ReplyPipeline
from ..settings import Settings
from . import errors, middleware, page, records
from .feedback import router as feedback_router
from .observability import configure_logging
from .routes import router

log = logging.getLogger("replyguard")


@cache
def shared_suite() -> CheckSuite:
    """One check suite per process: compiling lexicons and loading lemmas takes seconds."""
    suite = CheckSuite()
    suite.warm_up()
    # Lexicons and lemma tables live as long as the process: freezing them keeps the
    # collector from walking millions of objects on every full collection (pauses of
    # tens of milliseconds in the middle of requests).
    gc.freeze()
    return suite


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Records first: a service that cannot keep its replies does not start.
        store = await records.open_store(app, settings)
        model = build_model(settings)
        start = getattr(model, "start", None)
        if start is not None:
            await start()
        app.state.pipeline = ReplyPipeline(
            settings, model, shared_suite(), history=records.history(store, settings)
        )
        if isinstance(model, CircuitBreaker):
            breaker = model
            app.state.metrics.watch_circuit(lambda: STATE_VALUES[breaker.state])
        middleware.warn_if_open(settings)
        log.info("replyguard ready: provider=%s model=%s", settings.provider, settings.model_name)
        try:
            yield
        finally:
            if model is not None:
                await model.aclose()
            store.close()

    app = FastAPI(
        title="replyguard",
        version=__version__,
        summary="Guarded replies to negative customer reviews.",
        lifespan=lifespan,
    )
    errors.install(app)
    # The records store replaces this sink to keep the reports (see replyguard.feedback).
    app.state.feedback_sink = LoggingFeedbackSink()
    app.include_router(router)
    app.include_router(feedback_router)
    app.include_router(records.router)
    page.install(app)
    middleware.install(app, settings)
    return app


def worker_app() -> FastAPI:
    """The app one `replyguard serve --workers N` process runs: settings and logging
    from the environment, as the parent read them."""
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    return create_app(settings)
