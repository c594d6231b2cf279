"""Request-scoped access to the objects built at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..pipeline import ReplyPipeline
from .metrics import Metrics


async def get_pipeline(request: Request) -> ReplyPipeline:
    """Async, as every dependency here: FastAPI runs a plain `def` one in a worker
    thread, a hop per request that costs more than the lookup."""
    pipeline: ReplyPipeline = request.app.state.pipeline
    return pipeline


PipelineDep = Annotated[ReplyPipeline, Depends(get_pipeline)]


async def get_metrics(request: Request) -> Metrics:
    metrics: Metrics = request.app.state.metrics
    return metrics


MetricsDep = Annotated[Metrics, Depends(get_metrics)]
