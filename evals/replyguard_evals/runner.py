"""Runs every eval case through the real pipeline, with bounded concurrency."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import ReplyResponse

from .dataset import EvalCase
from .judge import judge


@dataclass(slots=True)
class CaseResult:
    case: EvalCase
    passed: bool
    problems: list[str]
    latency_ms: float
    response: ReplyResponse | None = None
    error: str | None = None
    checks_failed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        response = self.response
        return {
            "id": self.case.id,
            "language": self.case.language,
            "industry": self.case.industry,
            "expected_scenario": self.case.scenario,
            "scenario": response.scenario if response else None,
            "passed": self.passed,
            "problems": self.problems,
            "latency_ms": round(self.latency_ms, 1),
            "source": response.source if response else None,
            "reply": response.reply if response else None,
            "checks": [c.model_dump() for c in response.checks] if response else [],
            "attempts": [a.model_dump() for a in response.attempts] if response else [],
            "usage": response.usage.model_dump() if response else None,
            "topics": response.topics if response else [],
            "error": self.error,
        }


async def _one(pipeline: ReplyPipeline, case: EvalCase) -> CaseResult:
    started = time.perf_counter()
    try:
        response = await pipeline.reply(case.request)
    except Exception as exc:  # noqa: BLE001 - a crash is a failed case, with its reason
        latency = (time.perf_counter() - started) * 1000
        return CaseResult(
            case, False, [f"crashed: {type(exc).__name__}: {exc}"], latency, error=str(exc)
        )
    latency = (time.perf_counter() - started) * 1000
    verdict = judge(case, response, tuple(response.topics))
    failed = [c.name for c in response.checks if not c.passed]
    return CaseResult(
        case, verdict.passed, verdict.problems, latency, response, checks_failed=failed
    )


async def run_cases(
    pipeline: ReplyPipeline,
    cases: list[EvalCase],
    concurrency: int = 4,
    on_done: Callable[[CaseResult], None] | None = None,
) -> list[CaseResult]:
    """Every case's result, in the order of `cases`."""
    gate = asyncio.Semaphore(max(1, concurrency))

    async def guarded(case: EvalCase) -> CaseResult:
        async with gate:
            result = await _one(pipeline, case)
        if on_done:
            on_done(result)
        return result

    return list(await asyncio.gather(*(guarded(c) for c in cases)))
