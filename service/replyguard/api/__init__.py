"""The HTTP API (FastAPI): thin routes over `ReplyPipeline`."""

from .app import create_app

__all__ = ["create_app"]
