"""The routes: validation is pydantic's, work is the pipeline's."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request

from ..checks import warmed
from ..llm.breaker import CircuitBreaker
from ..schemas import CheckRequest, CheckResponse, ErrorBody, ReplyRequest, ReplyResponse
from .deps import MetricsDep, PipelineDep
from .records import get_reply_writer, record_reply

router = APIRouter()

_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "The body is not valid JSON."},
    413: {"model": ErrorBody, "description": "The body is too large."},
    422: {"model": ErrorBody, "description": "A field is missing or invalid."},
}


@router.get("/healthz", tags=["service"])
async def healthz(pipeline: PipelineDep, request: Request) -> dict[str, Any]:
    """Liveness, which LLM is in use, and its circuit breaker: `status` is "degraded"
    while the circuit is open (replies come from templates until a probe passes).
    `checks_warm` is false for the first seconds while the checks load in the
    background; replies are already correct then, only slower. `model_state` is
    "loading" while the embedded model reads its weights (replies wait for it, or come
    from templates when their time runs out)."""
    breaker = pipeline.model if isinstance(pipeline.model, CircuitBreaker) else None
    circuit = breaker.snapshot() if breaker else None
    return {
        "status": "degraded" if circuit and circuit["state"] == "open" else "ok",
        "provider": pipeline.settings.provider,
        "model": pipeline.model.name if pipeline.model else "templates-only",
        "max_attempts": pipeline.settings.max_attempts,
        "checks": pipeline.suite.names,
        "checks_warm": warmed(),
        "model_state": request.app.state.runtime.model_state,
        "llm_circuit": circuit,
        "auth": "api_keys" if pipeline.settings.api_keys else "open",
    }


@router.post(
    "/v1/replies",
    response_model=ReplyResponse,
    tags=["replies"],
    responses={
        **_ERRORS,
        503: {
            "model": ErrorBody,
            "description": "The local model is busy (`overloaded`), or the records store "
            "could not keep the reply (`store_unavailable`).",
        },
    },
)
async def create_reply(
    body: ReplyRequest, request: Request, pipeline: PipelineDep, metrics: MetricsDep
) -> ReplyResponse:
    """Draft a reply to a negative review and report every check and attempt.

    The reply comes from the LLM when a draft passes every check, otherwise from a
    personalised template; `passed` says whether the returned text passed them all.
    A review that threatens legal action, reports an injury, alleges discrimination or
    harassment, involves a health authority or is too abusive to answer gets scenario
    `escalate`: `needs_human` is true, `risks` says why, and the reply is only a
    holding reply (a template, no LLM) that takes the matter offline.
    """
    started = time.perf_counter()
    reply = await pipeline.reply(body)
    # Kept before it is returned: a reply the caller got is always in the records.
    await record_reply(get_reply_writer(request), body, reply, started)
    metrics.observe_reply(reply, llm_configured=pipeline.model is not None)
    return reply


@router.post("/v1/checks", response_model=CheckResponse, tags=["replies"], responses=_ERRORS)
async def check_draft(
    body: CheckRequest, pipeline: PipelineDep, metrics: MetricsDep
) -> CheckResponse:
    """Run every check on a reply written elsewhere (by a person, or another tool)."""
    result = await pipeline.check(body)
    metrics.observe_checks(result.checks, "request")
    return result
