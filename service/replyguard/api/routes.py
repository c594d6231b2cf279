"""The routes: validation is pydantic's, work is the pipeline's."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from ..schemas import CheckRequest, CheckResponse, ErrorBody, ReplyRequest, ReplyResponse
from .deps import PipelineDep

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    413: {"model": ErrorBody, "description": "The body is too large."},
    422: {"model": ErrorBody, "description": "A field is missing or invalid."},
}


@router.get("/healthz", tags=["service"])
async def healthz(pipeline: PipelineDep) -> dict[str, Any]:
    """Liveness, and which LLM is in use."""
    return {
        "status": "ok",
        "provider": pipeline.settings.provider,
        "model": pipeline.model.name if pipeline.model else "templates-only",
        "max_attempts": pipeline.settings.max_attempts,
        "checks": pipeline.suite.names,
    }


@router.post(
    "/v1/replies",
    response_model=ReplyResponse,
    tags=["replies"],
    responses={**_ERRORS, 503: {"model": ErrorBody, "description": "The local model is busy."}},
)
async def create_reply(body: ReplyRequest, pipeline: PipelineDep) -> ReplyResponse:
    """Draft a reply to a negative review and report every check and attempt.

    The reply comes from the LLM when a draft passes every check, otherwise from a
    personalised template; `passed` says whether the returned text passed them all.
    """
    return await pipeline.reply(body)


@router.post("/v1/checks", response_model=CheckResponse, tags=["replies"], responses=_ERRORS)
async def check_draft(body: CheckRequest, pipeline: PipelineDep) -> CheckResponse:
    """Run every check on a reply written elsewhere (by a person, or another tool)."""
    return pipeline.check(body)
