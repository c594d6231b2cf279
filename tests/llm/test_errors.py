"""Every way an LLM call fails has its own class and stable kind: the providers raise
it (real HTTP against the scripted server), the pipeline reports it as `error_kind`,
and a full queue still leaves as a 503 with Retry-After."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from tests.support import reply_body

from replyguard.api.errors import install
from replyguard.llm.base import Completion, Message
from replyguard.llm.errors import (
    ERROR_KINDS,
    BadResponse,
    CircuitOpen,
    DeadlineExceeded,
    EmptyResponse,
    ErrorKind,
    HTTPStatusError,
    LLMConnectionError,
    LLMError,
    LLMTimeout,
    LocalModelError,
    Overloaded,
    RateLimited,
)
from replyguard.llm.local_llama import LocalLlama
from replyguard.llm.openai_chat import OpenAIChat
from replyguard.pipeline import ReplyPipeline
from replyguard.schemas import AttemptOut, ReplyRequest
from replyguard.settings import Settings
from replyguard_checks import CheckSuite
from replyguard_evals.scripted_llm import ScriptedLLM, running

MESSAGES = [Message("user", "hello")]


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedLLM]:
    with running() as scripted:
        yield scripted


def _call(base_url: str, timeout_s: float = 0.5) -> Completion:
    async def once() -> Completion:
        model = OpenAIChat(model="scripted", base_url=base_url, api_key="k", max_retries=0)
        try:
            return await model.complete(
                MESSAGES, max_tokens=10, temperature=0.0, timeout_s=timeout_s
            )
        finally:
            await model.aclose()

    return asyncio.run(once())


HTTP_FAULTS: dict[str, tuple[dict[str, Any], type[LLMError], str]] = {
    "hangs_past_timeout": ({"hang": 2.0, "text": "late"}, LLMTimeout, "timeout"),
    "connection_reset": ({"reset": True}, LLMConnectionError, "connection"),
    "http_429": ({"status": 429}, RateLimited, "rate_limited"),
    "http_500": ({"status": 500}, HTTPStatusError, "http_error"),
    "http_400": ({"status": 400}, HTTPStatusError, "http_error"),
    "invalid_json": ({"raw": "{not json"}, BadResponse, "bad_response"),
    "empty_text": ({"text": ""}, EmptyResponse, "empty"),
    "null_text": ({"text": None}, EmptyResponse, "empty"),
    "no_choices": ({"choices": []}, EmptyResponse, "empty"),
}


@pytest.mark.parametrize("fault", HTTP_FAULTS, ids=list(HTTP_FAULTS))
def test_each_http_failure_maps_to_its_class_and_kind(server: ScriptedLLM, fault: str) -> None:
    step, cls, kind = HTTP_FAULTS[fault]
    server.script(step)
    with pytest.raises(LLMError) as caught:
        _call(server.base_url)
    assert type(caught.value) is cls
    assert caught.value.kind == kind
    assert str(caught.value).startswith(f"{kind}: "), "the readable message keeps its prefix"


def test_an_http_error_keeps_its_status_and_counts_as_a_bad_response(
    server: ScriptedLLM,
) -> None:
    server.script({"status": 503})
    with pytest.raises(HTTPStatusError) as caught:
        _call(server.base_url)
    assert caught.value.status_code == 503
    assert isinstance(caught.value, BadResponse)
    assert str(caught.value) == "http_error: HTTP 503"


def test_connection_refused_is_a_connection_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    with pytest.raises(LLMConnectionError) as caught:
        _call(f"http://127.0.0.1:{closed_port}/v1")
    assert caught.value.kind == "connection"


def test_a_local_model_that_cannot_load_is_a_local_error(tmp_path: Path) -> None:
    pytest.importorskip("llama_cpp")

    async def once() -> None:
        model = LocalLlama(
            model_path=tmp_path / "missing.gguf", name="x", threads=1, context=256, queue_size=1
        )
        try:
            await model.complete(MESSAGES, max_tokens=5, temperature=0.0, timeout_s=5.0)
        finally:
            await model.aclose()

    with pytest.raises(LocalModelError) as caught:
        asyncio.run(once())
    assert caught.value.kind == "local_error"


def test_a_full_local_queue_is_overloaded(tmp_path: Path) -> None:
    """With no waiting room, a second call while the first holds the model is refused
    at once (the first fails to load: no GGUF there, which is beside the point)."""
    pytest.importorskip("llama_cpp")

    async def both() -> tuple[Completion | BaseException, Completion | BaseException]:
        model = LocalLlama(
            model_path=tmp_path / "missing.gguf", name="x", threads=1, context=256, queue_size=0
        )
        try:

            async def call() -> Completion:
                return await model.complete(MESSAGES, max_tokens=5, temperature=0.0, timeout_s=5.0)

            return await asyncio.gather(call(), call(), return_exceptions=True)
        finally:
            await model.aclose()

    first, second = asyncio.run(both())
    assert isinstance(first, LocalModelError)
    assert isinstance(second, Overloaded)
    assert second.kind == "overloaded"
    assert second.retry_after_s >= 1


def test_every_class_has_a_distinct_kind_the_report_accepts() -> None:
    classes: list[type[LLMError]] = [
        LLMError,
        LLMTimeout,
        LLMConnectionError,
        RateLimited,
        BadResponse,
        HTTPStatusError,
        EmptyResponse,
        LocalModelError,
        CircuitOpen,
        Overloaded,
        DeadlineExceeded,
    ]
    kinds = [c.kind for c in classes]
    assert len(set(kinds)) == len(kinds)
    assert set(kinds) == set(ERROR_KINDS) == set(get_args(ErrorKind))
    assert all(issubclass(c, LLMError) for c in classes)
    field = AttemptOut.model_json_schema()["properties"]["error_kind"]
    assert "error_kind" not in AttemptOut.model_json_schema().get("required", [])
    schema_kinds = next(s["enum"] for s in field["anyOf"] if "enum" in s)
    assert set(schema_kinds) == set(ERROR_KINDS)
    assert "circuit_open" in field["description"]


def test_an_old_attempt_without_error_kind_still_loads() -> None:
    old = {"source": "llm", "text": "", "failed": [], "error": "timeout: x", "duration_ms": 1.0}
    assert AttemptOut.model_validate(old).error_kind is None


class _Failing:
    """A model that fails every call with the given exception."""

    provider = "scripted"
    name = "failing"

    def __init__(self, exc: BaseException | None = None, hang_s: float = 0.0) -> None:
        self.exc = exc
        self.hang_s = hang_s
        self.calls = 0

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        self.calls += 1
        if self.hang_s:
            await asyncio.sleep(self.hang_s)
        assert self.exc is not None
        raise self.exc

    async def aclose(self) -> None:
        pass


def _pipeline(suite: CheckSuite, model: _Failing, **settings: Any) -> ReplyPipeline:
    return ReplyPipeline(Settings(llm_provider="openai", **settings), model, suite)


def _request() -> ReplyRequest:
    return ReplyRequest.model_validate(reply_body())


def test_the_pipeline_reports_the_kind_and_stops_on_an_open_circuit(suite: CheckSuite) -> None:
    model = _Failing(CircuitOpen("the LLM failed 3 times in a row; next try in 9.0s"))
    reply = asyncio.run(_pipeline(suite, model).reply(_request()))
    assert model.calls == 1, "an open circuit goes straight to the template"
    llm = [a for a in reply.attempts if a.source == "llm"]
    assert [(a.error_kind, a.error) for a in llm] == [
        ("circuit_open", "circuit_open: the LLM failed 3 times in a row; next try in 9.0s")
    ]
    assert reply.source == "template"
    assert reply.attempts[-1].error_kind is None


def test_the_pipeline_retries_other_kinds(suite: CheckSuite) -> None:
    model = _Failing(RateLimited("HTTP 429"))
    reply = asyncio.run(_pipeline(suite, model, max_attempts=2).reply(_request()))
    assert model.calls == 2
    assert [a.error_kind for a in reply.attempts] == ["rate_limited", "rate_limited", None]


def test_the_request_deadline_is_reported_as_deadline(suite: CheckSuite) -> None:
    model = _Failing(hang_s=5.0)
    pipeline = _pipeline(suite, model, request_deadline_s=0.5, llm_timeout_s=5.0)
    reply = asyncio.run(pipeline.reply(_request()))
    llm = [a for a in reply.attempts if a.source == "llm"]
    assert [a.error_kind for a in llm] == ["deadline"]
    assert llm[0].error == "deadline: the request ran out of time"


def test_overloaded_leaves_the_pipeline_and_answers_503_with_retry_after(
    suite: CheckSuite,
) -> None:
    pipeline = _pipeline(suite, _Failing(Overloaded(retry_after_s=7)))
    with pytest.raises(Overloaded):
        asyncio.run(pipeline.reply(_request()))

    app = FastAPI()
    install(app)

    @app.post("/v1/replies")
    async def replies() -> None:
        await pipeline.reply(_request())

    with TestClient(app) as client:
        response = client.post("/v1/replies")
    assert response.status_code == 503
    assert response.headers["retry-after"] == "7"
    assert response.json()["error"]["code"] == "overloaded"
