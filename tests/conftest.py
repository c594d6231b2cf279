"""Shared fixtures. Components that take seconds to build are built once per session."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("OTEL_SDK_DISABLED", "true")

from replyguard.api.app import shared_detector, shared_suite  # noqa: E402
from replyguard.pipeline import ReplyPipeline  # noqa: E402
from replyguard.settings import Settings  # noqa: E402
from replyguard_checks.suite import CheckSuite  # noqa: E402


@pytest.fixture(scope="session")
def suite() -> CheckSuite:
    return shared_suite()


@pytest.fixture(scope="session")
def templates_only() -> ReplyPipeline:
    settings = Settings(llm_provider="none")
    return ReplyPipeline(settings, None, shared_suite(), shared_detector())
