"""Request ids, JSON logs without review text, and Prometheus metrics."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from tests.support import ATTACK_DRAFT, GOOD_DRAFT, reply_body

from replyguard.api.observability import configure_logging
from replyguard_evals.scripted_llm import ScriptedLLM

SECRET_REVIEW = (
    "Zanzibarquokka soup was cold and we waited two hours for a table on Saturday evening."
)


@pytest.fixture
def json_logs() -> Iterator[io.StringIO]:
    """Root logging as `replyguard serve` sets it up, into a buffer; restored after."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("INFO", "json", stream)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in saved[0]:
            root.addHandler(handler)
        root.setLevel(saved[1])


def test_a_request_id_on_every_response(client: TestClient) -> None:
    made = client.get("/healthz").headers["x-request-id"]
    assert len(made) == 32
    assert client.get("/healthz").headers["x-request-id"] != made
    echoed = client.get("/healthz", headers={"X-Request-ID": "crm-4711.a"})
    assert echoed.headers["x-request-id"] == "crm-4711.a"
    error = client.post("/v1/replies", json={"review": {}})
    assert error.status_code == 422
    assert error.headers["x-request-id"]


@pytest.mark.parametrize("bad", ["has space", "x" * 200, "new\\nline", "<script>"])
def test_an_odd_incoming_request_id_is_replaced(client: TestClient, bad: str) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": bad})
    assert response.headers["x-request-id"] != bad
    assert len(response.headers["x-request-id"]) == 32


def test_logs_are_json_with_the_request_id_and_no_review_text(
    client: TestClient, llm: ScriptedLLM, json_logs: io.StringIO
) -> None:
    llm.script({"status": 500}, {"text": ATTACK_DRAFT}, {"text": GOOD_DRAFT})
    response = client.post(
        "/v1/replies",
        json=reply_body(text=SECRET_REVIEW, reviewer_name="Quentin Zanzibar"),
        headers={"X-Request-ID": "trace-42"},
    )
    assert response.status_code == 200
    lines = [json.loads(line) for line in json_logs.getvalue().splitlines() if line.strip()]
    assert lines, "nothing was logged"
    mine = [line for line in lines if line["request_id"] == "trace-42"]
    assert any(line["logger"] == "replyguard.access" for line in mine)
    assert any("llm attempt failed" in line["message"] for line in mine)
    access = next(line for line in mine if line["logger"] == "replyguard.access")
    assert access["route"] == "/v1/replies"
    assert access["status"] == 200
    assert access["duration_ms"] > 0
    for line in lines:
        assert {"time", "level", "logger", "message", "request_id"} <= set(line)
    everything = json_logs.getvalue()
    assert "Zanzibarquokka" not in everything
    assert "Quentin" not in everything


def test_metrics_count_requests_attempts_failures_and_fallbacks(
    client: TestClient, llm: ScriptedLLM
) -> None:
    llm.script({"text": ATTACK_DRAFT}, {"status": 500}, {"text": ATTACK_DRAFT})
    assert client.post("/v1/replies", json=reply_body(id="m-1")).json()["source"] == "template"
    client.post("/v1/checks", json=reply_body() | {"draft": "We find that hard to believe."})
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    expected = [
        'replyguard_http_requests_total{method="POST",route="/v1/replies",status="200"}',
        'replyguard_http_request_duration_seconds_bucket{le="0.5",method="POST",route="/v1/replies"}',
        'replyguard_llm_attempts_total{outcome="failed_checks"}',
        'replyguard_llm_attempts_total{outcome="http_error"}',
        'replyguard_check_failures_total{check="no_attack",source="llm"}',
        'replyguard_check_failures_total{check="no_attack",source="request"}',
        'replyguard_template_fallbacks_total{reason="checks_failed"}',
        'replyguard_replies_total{passed="true",scenario="genuine",source="template"}',
        "replyguard_llm_circuit_state 0.0",
    ]
    for series in expected:
        assert series in text, series
    assert 'route="/v1/replies/' not in text.replace('route="/v1/replies/{reply_id}', "")


def test_escalations_are_counted_by_risk(client: TestClient) -> None:
    body = reply_body(
        text="The waiter spilled hot coffee and I burned my hand. My lawyer will call."
    )
    data = client.post("/v1/replies", json=body).json()
    assert data["scenario"] == "escalate"
    text = client.get("/metrics").text
    assert 'replyguard_escalations_total{risk="legal"}' in text
    assert 'replyguard_escalations_total{risk="injury"}' in text
    assert 'replyguard_template_fallbacks_total{reason="escalation"}' in text
