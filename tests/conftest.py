"""Shared fixtures. Components that take seconds to build are built once per session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("OTEL_SDK_DISABLED", "true")

from replyguard.api.app import shared_suite
from replyguard.pipeline import ReplyPipeline
from replyguard.settings import Settings
from replyguard_checks.suite import CheckSuite


@pytest.fixture(scope="session")
def suite() -> CheckSuite:
    return shared_suite()


@pytest.fixture(scope="session")
def templates_only() -> ReplyPipeline:
    settings = Settings(llm_provider="none")
    return ReplyPipeline(settings, None, shared_suite())


@pytest.fixture(scope="session", autouse=True)
def _block_real_llms() -> None:
    """No test may reach a real LLM: anything that falls back to OpenAI's defaults
    hits the discard port on localhost and fails at once."""
    os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    os.environ["OPENAI_API_KEY"] = "blocked-in-tests"
    for name in [k for k in os.environ if k.startswith("REPLYGUARD_")]:
        del os.environ[name]
