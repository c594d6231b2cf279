"""The middleware stack around the routes, outermost first:

request id, access log and request metrics → CORS → API keys → rate limit → body
limit → routes. CORS sits outside the key check so a browser sees CORS headers on a
401 too, and preflight requests never need a key.
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.middleware.cors import CORSMiddleware

from ..settings import Settings
from . import openapi
from .auth import ApiKeyAuth, ApiKeys
from .limits import BodyLimit
from .metrics import Metrics
from .metrics import router as metrics_router
from .observability import HEADER, RequestContext, RouteNames
from .ratelimit import RateLimit, TokenBuckets

log = logging.getLogger("replyguard")


def install(app: FastAPI, settings: Settings) -> None:
    app.state.metrics = metrics = Metrics()
    app.state.api_keys = keys = ApiKeys(settings.api_keys)
    app.include_router(metrics_router)
    openapi.install(app)
    # add_middleware puts each one outside the ones added before it.
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.rate_limit_per_minute:
        app.add_middleware(RateLimit, buckets=TokenBuckets(settings.rate_limit_per_minute))
    app.add_middleware(ApiKeyAuth, keys=keys)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type", HEADER],
            expose_headers=[HEADER, "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining"],
            max_age=600,
        )
    app.add_middleware(RequestContext, metrics=metrics, routes=RouteNames(app))


def warn_if_open(settings: Settings) -> None:
    """Said once at start-up: an open API is fine on localhost, not on a network."""
    if not settings.api_keys:
        log.warning(
            "REPLYGUARD_API_KEYS is not set: /v1 is open to anyone who can reach this "
            "service. Set one or more keys before exposing it beyond localhost."
        )
