"""The records API: stored replies for QA and CRMs, follow-ups, outcomes, statistics.

The store is synchronous; every call runs in a worker thread so the event loop keeps
serving. A store that cannot be read or written answers 503 `store_unavailable`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, FastAPI, Path, Query, Request
from fastapi.responses import JSONResponse

from ..feedback import UnknownReply
from ..record_schemas import (
    MAX_PAGE,
    FollowUpPage,
    OutcomeRecord,
    OutcomeRequest,
    RecordKind,
    ReplyPage,
    ReplyRecord,
    SentRequest,
    SentResponse,
    Stats,
    TopicStats,
)
from ..schemas import (
    ErrorBody,
    FeedbackRequest,
    Language,
    ReplyRequest,
    ReplyResponse,
    RevisionRequest,
    RevisionResponse,
    Scenario,
)
from ..schemas import RevisionSource as SourceName
from ..storage import InvalidCursor, ReplyFilter, Store
from ..storage.group import GroupCommit
from .deps import PipelineDep
from .errors import error_response

T = TypeVar("T")
log = logging.getLogger("replyguard")

router = APIRouter(tags=["records"])


async def get_store(request: Request) -> Store:
    """Async, as every dependency here: FastAPI runs a plain `def` one in a thread."""
    store: Store = request.app.state.store
    return store


StoreDep = Annotated[Store, Depends(get_store)]


async def in_thread(call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    return await asyncio.to_thread(partial(call, *args, **kwargs))


# -- wiring --------------------------------------------------------------------
def attach_store(app: FastAPI, store: Store) -> None:
    """Serve the records routes from the runtime's store, and let it keep feedback
    reports."""
    app.state.store = store
    app.state.reply_writer = GroupCommit(store)
    app.state.feedback_sink = StoreFeedbackSink(store)
    log.info("records store: %s", store.engine.url.render_as_string(hide_password=True))


def get_reply_writer(request: Request) -> GroupCommit:
    writer: GroupCommit = request.app.state.reply_writer
    return writer


async def record_reply(
    writer: GroupCommit, body: ReplyRequest, reply: ReplyResponse, started: float
) -> None:
    """Keep the reply before it is returned (sharing a commit with replies that finish
    alongside); a failure raises `StoreUnavailable` (503)."""
    duration_ms = (time.perf_counter() - started) * 1000
    await writer.save_reply(body, reply, duration_ms=duration_ms)


async def record_revision(
    store: Store, body: RevisionRequest, revision: RevisionResponse, started: float
) -> None:
    """Keep the revision before it is returned, as `record_reply` keeps a reply."""
    duration_ms = (time.perf_counter() - started) * 1000
    await in_thread(store.save_revision, body, revision, duration_ms=duration_ms)


class StoreFeedbackSink:
    """Keeps each agent's report with its reply; `sent_at` starts the follow-up."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def record(self, reply_id: str, feedback: FeedbackRequest, received_at: datetime) -> None:
        kept = await in_thread(
            self.store.record_feedback,
            reply_id,
            used_suggestion=feedback.used_suggestion,
            edited=feedback.edited,
            final_text=feedback.final_text,
            sent_at=feedback.sent_at,
            received_at=received_at,
        )
        if kept is None:
            raise UnknownReply(reply_id)


# -- routes ----------------------------------------------------------------------
_STORE_DOWN: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorBody, "description": "The records store is unavailable."}
}
_UNKNOWN: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No reply has this id."},
    **_STORE_DOWN,
}
_BAD_QUERY: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "A query parameter is invalid."},
    **_STORE_DOWN,
}

ReplyId = Annotated[
    str,
    Path(max_length=64, description="The `id` of a `/v1/replies` or `/v1/revisions` response."),
]
Business = Annotated[
    str | None,
    Query(max_length=200, description="Business name (case and spacing do not matter)."),
]
Since = Annotated[
    datetime | None, Query(description="From this moment on (ISO 8601; no zone means UTC).")
]
Until = Annotated[datetime | None, Query(description="Before this moment (ISO 8601).")]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description="Page size.")]
Cursor = Annotated[
    str | None, Query(max_length=400, description="`next_cursor` of the previous page.")
]


def _unknown(reply_id: str) -> JSONResponse:
    return error_response(404, "not_found", f"No reply has the id {reply_id}.", "reply_id")


def _bad_cursor(exc: InvalidCursor) -> JSONResponse:
    return error_response(422, "invalid_request", str(exc), "cursor")


@router.get("/v1/replies", response_model=ReplyPage, responses=_BAD_QUERY)
async def list_replies(
    store: StoreDep,
    business: Business = None,
    since: Since = None,
    until: Until = None,
    source: Annotated[SourceName | None, Query()] = None,
    scenario: Annotated[Scenario | None, Query()] = None,
    language: Annotated[Language | None, Query()] = None,
    failed_check: Annotated[
        str | None, Query(max_length=64, description="Any attempt failed this check.")
    ] = None,
    topic: Annotated[
        str | None, Query(max_length=64, description="The review names this problem.")
    ] = None,
    review_id: Annotated[str | None, Query(max_length=200, description="The CRM's id.")] = None,
    passed: Annotated[bool | None, Query(description="The returned reply passed.")] = None,
    kind: Annotated[
        RecordKind | None, Query(description="`reply` or `revision`; both by default.")
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> ReplyPage | JSONResponse:
    """Stored replies and revisions, newest first, filtered; page on with `cursor` =
    `next_cursor`."""
    filters = ReplyFilter(
        business=business,
        since=since,
        until=until,
        source=source,
        scenario=scenario,
        language=language,
        failed_check=failed_check,
        topic=topic,
        review_id=review_id,
        passed=passed,
        kind=kind,
    )
    try:
        return await in_thread(store.list_replies, filters, limit=limit, cursor=cursor)
    except InvalidCursor as exc:
        return _bad_cursor(exc)


@router.get("/v1/replies/{reply_id}", response_model=ReplyRecord, responses=_UNKNOWN)
async def get_reply(reply_id: ReplyId, store: StoreDep) -> ReplyRecord | JSONResponse:
    """One stored reply: review, business, every attempt with its failed checks, the
    reply, timings, tokens, and the feedback and follow-up outcome when recorded."""
    record = await in_thread(store.get_reply, reply_id)
    return record if record is not None else _unknown(reply_id)


@router.post("/v1/replies/{reply_id}/sent", response_model=SentResponse, responses=_UNKNOWN)
async def mark_sent(
    reply_id: ReplyId, store: StoreDep, body: SentRequest | None = None
) -> SentResponse | JSONResponse:
    """Mark the reply posted (feedback with `sent_at` does the same): its follow-up is
    due `REPLYGUARD_FOLLOW_UP_DAYS` later."""
    sent_at = await in_thread(store.mark_sent, reply_id, body.sent_at if body else None)
    if sent_at is None:
        return _unknown(reply_id)
    return SentResponse(reply_id=reply_id, sent_at=sent_at)


@router.post("/v1/replies/{reply_id}/outcome", response_model=OutcomeRecord, responses=_UNKNOWN)
async def record_outcome(
    reply_id: ReplyId, body: OutcomeRequest, store: StoreDep
) -> OutcomeRecord | JSONResponse:
    """How the follow-up went: satisfied or not, rating updated or not. The reply then
    leaves the list of due follow-ups."""
    outcome = await in_thread(store.record_outcome, reply_id, body)
    return outcome if outcome is not None else _unknown(reply_id)


@router.get("/v1/follow-ups/due", response_model=FollowUpPage, responses=_BAD_QUERY)
async def due_follow_ups(
    pipeline: PipelineDep,
    store: StoreDep,
    business: Business = None,
    days: Annotated[
        int | None,
        Query(ge=0, le=365, description="Default: REPLYGUARD_FOLLOW_UP_DAYS (3)."),
    ] = None,
    limit: Limit = 50,
    cursor: Cursor = None,
) -> FollowUpPage | JSONResponse:
    """Replies sent at least `days` ago with no outcome yet, longest-waiting first."""
    settings = pipeline.settings
    try:
        return await in_thread(
            store.due_follow_ups,
            settings.follow_up_days if days is None else days,
            business=business,
            limit=limit,
            cursor=cursor,
        )
    except InvalidCursor as exc:
        return _bad_cursor(exc)


@router.get("/v1/stats", response_model=Stats, responses=_BAD_QUERY)
async def stats(
    store: StoreDep, business: Business = None, since: Since = None, until: Until = None
) -> Stats:
    """Counts over the replies made in the period (all time by default): by source,
    scenario, language and failed check; tokens; acceptance and edit rates from agents'
    feedback; follow-ups sent and their outcomes."""
    return await in_thread(store.stats, business=business, since=since, until=until)


@router.get("/v1/stats/topics", response_model=TopicStats, responses=_BAD_QUERY)
async def topic_stats(
    store: StoreDep,
    business: Business = None,
    since: Annotated[
        datetime | None, Query(description="Period start (default: 30 days before `until`).")
    ] = None,
    until: Annotated[datetime | None, Query(description="Period end (default: now).")] = None,
    limit: Annotated[int, Query(ge=1, le=100, description="Topics to return.")] = 10,
) -> TopicStats | JSONResponse:
    """The problems reviews name most often, with counts and the trend against the
    previous period of the same length: what to fix first."""
    try:
        return await in_thread(
            store.topic_stats, business=business, since=since, until=until, limit=limit
        )
    except ValueError as exc:
        return error_response(422, "invalid_request", str(exc), "since")
