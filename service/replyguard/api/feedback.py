"""POST /v1/replies/{reply_id}/feedback: thin, so the records store can take over the
sink without touching the route."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from ..feedback import FeedbackSink, LoggingFeedbackSink, UnknownReply
from ..schemas import ErrorBody, FeedbackRequest, FeedbackResponse
from .errors import error_response

router = APIRouter()

#: The ids `/v1/replies` and `/v1/revisions` make: uuid4 hex.
REPLY_ID = re.compile(r"[0-9a-f]{32}")


def feedback_sink(request: Request) -> FeedbackSink:
    sink: FeedbackSink | None = getattr(request.app.state, "feedback_sink", None)
    return sink or LoggingFeedbackSink()


_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    404: {"model": ErrorBody, "description": "No reply has this id."},
    413: {"model": ErrorBody, "description": "The body is too large."},
    422: {"model": ErrorBody, "description": "A field is missing or invalid."},
}


@router.post(
    "/v1/replies/{reply_id}/feedback",
    status_code=202,
    response_model=FeedbackResponse,
    tags=["replies"],
    responses=_ERRORS,
)
async def reply_feedback(
    reply_id: Annotated[
        str, Path(description="The `id` of a `/v1/replies` or `/v1/revisions` response.")
    ],
    body: FeedbackRequest,
    request: Request,
) -> FeedbackResponse | JSONResponse:
    """Report which suggestion an agent used, whether they edited it, and when it was
    sent: QA's acceptance and edit rates come from these reports."""
    if not REPLY_ID.fullmatch(reply_id):
        return error_response(
            422,
            "invalid_request",
            "reply_id: not a reply id (32 lowercase hex characters, the `id` of a "
            "/v1/replies response)",
            "reply_id",
        )
    received_at = datetime.now(UTC)
    try:
        await feedback_sink(request).record(reply_id, body, received_at)
    except UnknownReply:
        return error_response(404, "not_found", f"No reply has the id {reply_id}.", "reply_id")
    return FeedbackResponse(reply_id=reply_id, received_at=received_at)
