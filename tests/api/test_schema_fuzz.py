"""Schemathesis against the OpenAPI schema: whatever a caller sends, no 5xx, and every
response (status, content type, body) is what the schema documents.

The app runs templates-only (no LLM: the LLM side has its own fault tests) with an API
key, so the key check runs on every request too. Examples are derandomized, so CI
sees the same cases on every run.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from replyguard.api import create_app
from replyguard.checks import shared_suite
from replyguard.settings import Settings

# Hundreds of requests through the whole app: CI runs it, `make test-fast` does not.
pytestmark = pytest.mark.slow

# The app warms its checks on a background thread; hypothesis calls `ast.parse` while
# it builds cases, and CPython 3.11 keeps the AST recursion depth per interpreter, not
# per thread, so a warm-up importing modules at that moment breaks it ("SystemError:
# AST constructor recursion depth mismatch"). Warm the checks first: nothing is left
# for the thread to do.
shared_suite()

KEY = "fuzz-key-0123456789"
EXAMPLES_PER_OPERATION = 50

APP = create_app(
    Settings(
        llm_provider="none",
        api_keys=KEY,
        rate_limit_per_minute=0,
        repeat_window=0,
    )
)
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)
RAN: Counter[str] = Counter()


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_schema(case: Any) -> None:
    RAN[f"{case.method} {case.path}"] += 1
    case.call_and_validate(
        headers={"X-API-Key": KEY},
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
        ],
    )


def test_zz_examples_ran() -> None:
    """Runs after the fuzzing above: says how many examples ran per operation."""
    print("\nschemathesis examples:", sum(RAN.values()), dict(RAN))
    assert sum(RAN.values()) >= EXAMPLES_PER_OPERATION
