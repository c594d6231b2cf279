"""`POST /v1/revisions`: a reply a person wrote, revised until it passes the checks.

Thin: validation is pydantic's, the revision is `replyguard.revisions`'. Each revision
is kept in the records as a reply is (kind `revision`), before it is returned, so its
`id` takes feedback and follow-ups like a reply's.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter

from ..revisions import revise_request
from ..schemas import ErrorBody, RevisionRequest, RevisionResponse
from .deps import MetricsDep, PipelineDep
from .records import StoreDep, record_revision

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    413: {"model": ErrorBody, "description": "The body is too large."},
    422: {"model": ErrorBody, "description": "A field is missing or invalid."},
    503: {
        "model": ErrorBody,
        "description": "The records store could not keep the revision (`store_unavailable`).",
    },
}


@router.post("/v1/revisions", response_model=RevisionResponse, tags=["replies"], responses=_ERRORS)
async def revise_draft(
    body: RevisionRequest, pipeline: PipelineDep, metrics: MetricsDep, store: StoreDep
) -> RevisionResponse:
    """Revise a reply written elsewhere with the smallest edits that make it pass:
    sentences that attack, promise an unallowed offer, repeat private data or talk like
    an AI go; a stock formula gives way to the reviewer's own problem; the channel and
    the contact's sign-off are added; an over-long reply loses its least useful
    sentences. When the rules cannot make it pass, the configured LLM edits it (source
    `llm`), and when nothing else passes a template replaces it (source `template`).
    A draft that passes comes back unchanged. The revision is kept in the records
    (`GET /v1/replies/{id}`, kind `revision`); its `id` takes feedback."""
    started = time.perf_counter()
    response = await revise_request(pipeline, body)
    # Kept before it is returned: a revision the caller got is always in the records.
    await record_revision(store, body, response, started)
    metrics.observe_checks(response.checks_before, "request")
    return response
