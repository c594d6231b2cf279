"""The FastAPI application factory.

Heavy objects (lexicons, lemma tables, language models, the LLM) are built once per
process and shared by every request: the LLM client in the lifespan, by
`replyguard.runtime`; the checks right after it, on a background thread.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..checks import cold_suite, warm_in_background
from ..feedback import LoggingFeedbackSink
from ..llm.breaker import STATE_VALUES, CircuitBreaker
from ..runtime import Runtime
from ..settings import Settings
from . import errors, middleware, page, records
from .banner import banner
from .feedback import router as feedback_router
from .observability import configure_logging
from .revisions import router as revisions_router
from .routes import router

log = logging.getLogger("replyguard")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Records first (the runtime's order): a service that cannot keep its replies
        # does not start. The checks load after start-up, in the background: /healthz
        # answers in seconds, and a request that comes sooner loads what it needs.
        # The embedded model loads in the background too: /healthz says "loading".
        async with Runtime.open(
            settings, records=True, suite=cold_suite(), model_in_background=True
        ) as runtime:
            records.attach_store(app, runtime.records)
            app.state.pipeline = runtime.pipeline
            app.state.runtime = runtime
            if isinstance(runtime.model, CircuitBreaker):
                breaker = runtime.model
                app.state.metrics.watch_circuit(lambda: STATE_VALUES[breaker.state])
            middleware.warn_if_open(settings)
            warm_in_background()
            # One record a line, so JSON collectors get it too; the fields say it for them.
            ready = {"provider": settings.provider, "model": settings.model_name}
            for line in banner(settings, runtime.model_state):
                log.info("%s", line, extra=ready)
            yield

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
    app.include_router(revisions_router)
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
