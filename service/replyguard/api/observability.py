"""Request ids, structured logs and the access log line.

Every request gets an id: the caller's `X-Request-ID` when it is sane, else a new one.
It is echoed in the response header, put into a context variable that a logging filter
copies into every log record written while the request runs, and logged with the
access line. Logs are one JSON object a line; the review text is never logged at INFO.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import IO, Any

from fastapi import FastAPI
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .metrics import Metrics

REQUEST_ID: ContextVar[str | None] = ContextVar("replyguard_request_id", default=None)
HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")
access_log = logging.getLogger("replyguard.access")

# Attributes every LogRecord has; anything else was passed with `extra=`.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "request_id"}


def request_id_from(headers: list[tuple[bytes, bytes]]) -> str:
    """The caller's id when it is short and plain (it ends up in logs), else a new one."""
    for name, value in headers:
        if name.lower() == b"x-request-id":
            text = value.decode("latin-1").strip()
            if _SANE_ID.match(text):
                return text
            break
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = REQUEST_ID.get() or "-"
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message, request_id and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or REQUEST_ID.get() or "-",
        }
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info:
            entry["exc_info"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: str, fmt: str = "json", stream: IO[str] | None = None) -> None:
    """Root logging for `replyguard serve`: one handler, request ids on every line;
    `fmt` json, text, or auto (text when the stream is a terminal).

    uvicorn is run with `log_config=None`, so its own loggers end up here too.
    """
    out = stream or sys.stderr
    handler = logging.StreamHandler(out)
    handler.addFilter(RequestIdFilter())
    if fmt == "auto":
        # People starting the service in a terminal read the lines; collectors parse them.
        fmt = "text" if out.isatty() else "json"
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(
            logging.Formatter(
                "%(asctime)s %(levelname)-7s [%(request_id)s] %(message)s", datefmt="%H:%M:%S"
            )
        )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level.upper())


def _template_pattern(template: str) -> re.Pattern[str]:
    """ "/v1/replies/{reply_id}" -> a regex that matches "/v1/replies/abc"."""
    return re.compile("^" + re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template)) + "$")


class RouteNames:
    """The route's path template ("/v1/replies/{reply_id}"), never the raw path, so
    metric labels stay few. Requests stopped before routing (401, 429, 413) are matched
    against the OpenAPI paths."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self._templates: list[tuple[re.Pattern[str], str]] | None = None

    def _compiled(self) -> list[tuple[re.Pattern[str], str]]:
        if self._templates is None:
            self._templates = [
                (_template_pattern(path), path) for path in self.app.openapi().get("paths", {})
            ]
        return self._templates

    def __call__(self, scope: Scope) -> str:
        path = getattr(scope.get("route"), "path", None)
        if isinstance(path, str):
            return path
        for pattern, template in self._compiled():
            if pattern.match(scope["path"]):
                return template
        return "unmatched"


class RequestContext:
    """Outermost middleware: the request id, the access log line and request metrics."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics, routes: RouteNames) -> None:
        self.app = app
        self.metrics = metrics
        self.route_of = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope.get("headers") or [])
        scope.setdefault("state", {})["request_id"] = request_id
        token = REQUEST_ID.set(request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
                MutableHeaders(scope=message)[HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            route = self.route_of(scope)
            self.metrics.observe_request(scope["method"], route, status, seconds)
            access_log.info(
                "%s %s %d",
                scope["method"],
                route,
                status,
                extra={
                    "method": scope["method"],
                    "route": route,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 1),
                    "client": scope["state"].get("client_id"),
                },
            )
            REQUEST_ID.reset(token)
