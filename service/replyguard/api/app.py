"""The FastAPI application factory.

Heavy objects (lexicons, lemma tables, language models, the LLM) are built once in
the lifespan and shared by every request.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

from fastapi import FastAPI

from replyguard_checks.suite import CheckSuite

from .. import __version__
from ..llm import build_model
from ..pipeline import ReplyPipeline
from ..settings import Settings
from . import errors
from .limits import BodyLimit
from .routes import router

log = logging.getLogger("replyguard")


@cache
def shared_suite() -> CheckSuite:
    """One check suite per process: compiling lexicons and loading lemmas takes seconds."""
    suite = CheckSuite()
    suite.warm_up()
    return suite


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        model = build_model(settings)
        start = getattr(model, "start", None)
        if start is not None:
            await start()
        app.state.pipeline = ReplyPipeline(settings, model, shared_suite())
        log.info("replyguard ready: provider=%s model=%s", settings.provider, settings.model_name)
        try:
            yield
        finally:
            if model is not None:
                await model.aclose()

    app = FastAPI(
        title="replyguard",
        version=__version__,
        summary="Guarded replies to negative customer reviews.",
        lifespan=lifespan,
    )
    errors.install(app)
    app.include_router(router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    return app
