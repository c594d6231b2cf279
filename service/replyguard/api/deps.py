"""Request-scoped access to the objects built at start-up."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from ..pipeline import ReplyPipeline


def get_pipeline(request: Request) -> ReplyPipeline:
    pipeline: ReplyPipeline = request.app.state.pipeline
    return pipeline


PipelineDep = Annotated[ReplyPipeline, Depends(get_pipeline)]
