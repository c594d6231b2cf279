"""Whatever the LLM does, the caller gets a checked reply in time and never a 5xx."""

from __future__ import annotations

import socket
import time

import pytest
from fastapi.testclient import TestClient
from tests.support import GOOD_DRAFT, reply_body, scripted_settings

from replyguard.api import create_app
from replyguard_evals.scripted_llm import ScriptedLLM

FAULTS = {
    "http_500": ({"status": 500}, "http_error"),
    "http_503": ({"status": 503}, "http_error"),
    "rate_limited": ({"status": 429}, "rate_limited"),
    "hangs_past_timeout": ({"hang": 3.0, "text": GOOD_DRAFT}, "timeout"),
    "connection_reset": ({"reset": True}, "connection"),
    "invalid_json": ({"raw": "{not json"}, "bad_response"),
    "empty_choices": ({"choices": []}, "empty"),
    "empty_text": ({"text": ""}, "empty"),
    "null_text": ({"text": None}, "empty"),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_upstream_fault_ends_in_checked_template(
    client: TestClient, llm: ScriptedLLM, fault: str
) -> None:
    step, kind = FAULTS[fault]
    llm.script(step)
    started = time.monotonic()
    response = client.post("/v1/replies", json=reply_body())
    assert response.status_code == 200
    data = response.json()
    assert data["source"] == "template"
    assert data["passed"] is True
    llm_attempts = [a for a in data["attempts"] if a["source"] == "llm"]
    assert len(llm_attempts) == 3
    assert all(a["error"] for a in llm_attempts)
    if kind:
        assert all(a["error"].startswith(kind) for a in llm_attempts), llm_attempts
        assert [a["error_kind"] for a in llm_attempts] == [kind] * 3
    assert data["attempts"][-1]["error_kind"] is None
    assert time.monotonic() - started < 10


def test_flaky_llm_recovers_on_a_later_attempt(client: TestClient, llm: ScriptedLLM) -> None:
    llm.script({"status": 500}, {"reset": True}, {"text": GOOD_DRAFT})
    data = client.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert data["reply"] == GOOD_DRAFT
    assert [bool(a["error"]) for a in data["attempts"]] == [True, True, False]
    assert [a["error_kind"] for a in data["attempts"]] == ["http_error", "connection", None]


def test_ten_thousand_word_draft_fails_length_and_is_reasked(
    client: TestClient, llm: ScriptedLLM
) -> None:
    rambling = " ".join(["The soup was cold and the wait was long."] * 1250)
    llm.script({"text": rambling}, {"text": GOOD_DRAFT})
    data = client.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert "length" in data["attempts"][0]["failed"]
    assert data["reply"] == GOOD_DRAFT


def test_server_without_usage_is_counted_with_tiktoken(
    client: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": GOOD_DRAFT, "usage": False})
    data = client.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    # the system prompt alone is several hundred tokens
    assert data["usage"]["prompt_tokens"] > 300
    assert 40 < data["usage"]["completion_tokens"] < 150


def test_llm_refusing_connections_ends_in_template(llm: ScriptedLLM) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    settings = scripted_settings(llm, llm_base_url=f"http://127.0.0.1:{closed_port}/v1")
    with TestClient(create_app(settings)) as down:
        response = down.post("/v1/replies", json=reply_body())
    assert response.status_code == 200
    data = response.json()
    assert data["source"] == "template"
    assert data["passed"] is True
    assert all(a["error"].startswith("connection") for a in data["attempts"][:-1])
    assert {a["error_kind"] for a in data["attempts"][:-1]} == {"connection"}


def test_request_deadline_cuts_attempts_short(llm: ScriptedLLM) -> None:
    llm.script({"hang": 2.0, "text": GOOD_DRAFT})
    settings = scripted_settings(llm, llm_timeout_s=5.0, request_deadline_s=1.5)
    with TestClient(create_app(settings)) as slow:
        started = time.monotonic()
        data = slow.post("/v1/replies", json=reply_body()).json()
    assert time.monotonic() - started < 4
    assert data["source"] == "template"
    assert data["passed"] is True
    assert data["attempts"][0]["error"]


def test_429_is_retried_by_the_client_after_retry_after(llm: ScriptedLLM) -> None:
    """The openai client's own retry (llm_max_retries) waits out Retry-After: one
    attempt in the report, two requests on the wire, a second apart."""
    llm.script({"status": 429, "retry_after": "1"}, {"text": GOOD_DRAFT})
    settings = scripted_settings(llm, llm_max_retries=1, llm_timeout_s=5.0)
    with TestClient(create_app(settings)) as patient:
        started = time.monotonic()
        data = patient.post("/v1/replies", json=reply_body()).json()
        elapsed = time.monotonic() - started
    assert data["source"] == "llm"
    assert data["passed"] is True
    assert len(data["attempts"]) == 1
    assert len(llm.requests) == 2
    assert 1.0 <= elapsed < 5


def test_5xx_is_retried_by_the_client_with_backoff(llm: ScriptedLLM) -> None:
    llm.script({"status": 502}, {"text": GOOD_DRAFT})
    settings = scripted_settings(llm, llm_max_retries=1, llm_timeout_s=5.0)
    with TestClient(create_app(settings)) as patient:
        data = patient.post("/v1/replies", json=reply_body()).json()
    assert data["source"] == "llm"
    assert [a["error"] for a in data["attempts"]] == [None]
    assert len(llm.requests) == 2


def test_retries_never_outlast_the_request_deadline(llm: ScriptedLLM) -> None:
    """A server that keeps answering 429 with a long Retry-After: the request still
    answers by its deadline, with a checked template."""
    llm.script({"status": 429, "retry_after": "30"})
    settings = scripted_settings(llm, llm_max_retries=5, llm_timeout_s=5.0, request_deadline_s=2.0)
    with TestClient(create_app(settings)) as patient:
        started = time.monotonic()
        response = patient.post("/v1/replies", json=reply_body())
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    data = response.json()
    assert data["source"] == "template"
    assert data["passed"] is True
    assert elapsed < 4


def test_ten_thousand_word_drafts_every_time_end_in_a_checked_template(
    client: TestClient, llm: ScriptedLLM
) -> None:
    rambling = " ".join(["The soup was cold and the wait was long."] * 1250)
    assert len(rambling.split()) == 11250
    llm.script({"text": rambling})
    started = time.monotonic()
    data = client.post("/v1/replies", json=reply_body()).json()
    assert time.monotonic() - started < 10
    assert data["source"] == "template"
    assert data["passed"] is True
    llm_attempts = [a for a in data["attempts"] if a["source"] == "llm"]
    # The same rambling twice: the model repeats itself, so it is not asked a third time.
    assert len(llm_attempts) == 2
    assert all("length" in a["failed"] for a in llm_attempts)
