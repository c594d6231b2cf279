"""While the LLM is down, replies come straight from templates; a probe later finds
it back. /healthz and /metrics show the circuit's state."""

from __future__ import annotations

import time

from fastapi.testclient import TestClient
from tests.fakes import FakeClock
from tests.support import GOOD_DRAFT, reply_body, scripted_settings

from replyguard.api import create_app
from replyguard.llm import CircuitBreaker
from replyguard_evals.scripted_llm import ScriptedLLM


def _gauge(client: TestClient) -> float:
    for line in client.get("/metrics").text.splitlines():
        if line.startswith("replyguard_llm_circuit_state "):
            return float(line.split()[-1])
    raise AssertionError("no circuit gauge in /metrics")


def test_open_circuit_goes_straight_to_templates_and_probes_later(llm: ScriptedLLM) -> None:
    llm.script({"status": 500})
    settings = scripted_settings(llm, breaker_failures=2, breaker_cooldown_s=30)
    with TestClient(create_app(settings)) as client:
        breaker = client.app.state.pipeline.model  # type: ignore[attr-defined]
        assert isinstance(breaker, CircuitBreaker)
        clock = FakeClock()
        breaker.clock = clock
        assert client.get("/healthz").json()["llm_circuit"]["state"] == "closed"

        first = client.post("/v1/replies", json=reply_body()).json()
        errors = [a["error"] for a in first["attempts"] if a["source"] == "llm"]
        assert [e.split(":")[0] for e in errors] == ["http_error", "http_error", "circuit_open"]
        kinds = [a["error_kind"] for a in first["attempts"] if a["source"] == "llm"]
        assert kinds == ["http_error", "http_error", "circuit_open"]
        assert first["source"] == "template"
        assert first["passed"] is True

        requests_before = len(llm.requests)
        started = time.monotonic()
        second = client.post("/v1/replies", json=reply_body(id="rev-2")).json()
        assert time.monotonic() - started < 1.0
        skipped = [a for a in second["attempts"] if a["source"] == "llm"]
        assert len(skipped) == 1, "one skip is recorded, then the template answers"
        assert skipped[0]["error"].startswith("circuit_open")
        assert skipped[0]["error_kind"] == "circuit_open"
        assert second["passed"] is True
        assert len(llm.requests) == requests_before, "an open circuit sends nothing"

        health = client.get("/healthz").json()
        assert health["status"] == "degraded"
        assert health["llm_circuit"]["state"] == "open"
        assert _gauge(client) == 2.0
        metrics = client.get("/metrics").text
        assert 'replyguard_template_fallbacks_total{reason="circuit_open"} 2.0' in metrics
        assert 'replyguard_llm_attempts_total{outcome="circuit_open"} 2.0' in metrics

        llm.script({"text": GOOD_DRAFT})
        clock.advance(29)
        assert client.get("/healthz").json()["llm_circuit"]["state"] == "open"
        clock.advance(1)
        assert client.get("/healthz").json()["llm_circuit"]["state"] == "half_open"
        back = client.post("/v1/replies", json=reply_body(id="rev-3")).json()
        assert back["source"] == "llm"
        assert client.get("/healthz").json()["llm_circuit"]["state"] == "closed"
        assert _gauge(client) == 0.0


def test_no_breaker_without_a_remote_llm(client: TestClient) -> None:
    # the module client has breaker_failures=0
    assert client.get("/healthz").json()["llm_circuit"] is None
