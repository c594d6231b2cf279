"""The API's tests share one scripted server; the sample case is in tests.support."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.support import scripted_settings

from replyguard.api import create_app
from replyguard_evals.scripted_llm import ScriptedLLM, running


@pytest.fixture(scope="session")
def llm() -> Iterator[ScriptedLLM]:
    with running() as server:
        yield server


@pytest.fixture(scope="module")
def client(llm: ScriptedLLM) -> Iterator[TestClient]:
    with TestClient(create_app(scripted_settings(llm))) as test_client:
        yield test_client
