"""Prometheus metrics, served at `/metrics`.

One registry per app (not prometheus-client's global one), so every app a test builds
starts at zero. What a reply did is read from the response itself (its attempts,
checks and source): the pipeline knows nothing about metrics.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import APIRouter, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    disable_created_metrics,
)
from prometheus_client.exposition import generate_latest

from ..schemas import CheckOut, ReplyResponse

# The *_created series double the output and no dashboard of ours reads them.
disable_created_metrics()  # type: ignore[no-untyped-call]

_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120)


class Metrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "replyguard_http_requests",
            "HTTP requests by route template and status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.latency = Histogram(
            "replyguard_http_request_duration_seconds",
            "Time to answer an HTTP request.",
            ["method", "route"],
            buckets=_LATENCY_BUCKETS,
            registry=r,
        )
        self.replies = Counter(
            "replyguard_replies",
            "Replies by source (llm, template), scenario and whether they passed every check.",
            ["source", "scenario", "passed"],
            registry=r,
        )
        self.llm_attempts = Counter(
            "replyguard_llm_attempts",
            "LLM calls by outcome: passed, failed_checks, or the attempt's error_kind "
            "(timeout, connection, http_error, rate_limited, bad_response, empty, "
            "circuit_open, deadline, ...).",
            ["outcome"],
            registry=r,
        )
        self.check_failures = Counter(
            "replyguard_check_failures",
            "Checks failed, by check and by what was checked (llm, template, request).",
            ["check", "source"],
            registry=r,
        )
        self.template_fallbacks = Counter(
            "replyguard_template_fallbacks",
            "Replies a template answered although an LLM is configured, by reason.",
            ["reason"],
            registry=r,
        )
        self.escalations = Counter(
            "replyguard_escalations",
            "Reviews held for a person (scenario escalate), by risk.",
            ["risk"],
            registry=r,
        )
        self.circuit = Gauge(
            "replyguard_llm_circuit_state",
            "The LLM circuit breaker: 0 closed, 1 half-open (probing), 2 open (LLM skipped).",
            registry=r,
        )

    def watch_circuit(self, state: Callable[[], float]) -> None:
        self.circuit.set_function(state)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method, route, str(status)).inc()
        self.latency.labels(method, route).observe(seconds)

    def observe_checks(self, checks: list[CheckOut], source: str) -> None:
        for check in checks:
            if not check.passed:
                self.check_failures.labels(check.name, source).inc()

    def observe_reply(self, reply: ReplyResponse, llm_configured: bool) -> None:
        self.replies.labels(reply.source, reply.scenario, str(reply.passed).lower()).inc()
        llm = [a for a in reply.attempts if a.source == "llm"]
        for attempt in reply.attempts:
            for name in attempt.failed:
                self.check_failures.labels(name, attempt.source).inc()
            if attempt.source == "llm":
                outcome = attempt.error_kind or ("failed_checks" if attempt.failed else "passed")
                self.llm_attempts.labels(outcome).inc()
        for risk in getattr(reply, "risks", []):
            self.escalations.labels(risk).inc()
        if reply.source != "template" or not llm_configured:
            return
        if reply.scenario == "escalate":
            reason = "escalation"
        elif not llm:
            reason = "no_attempt"
        elif any(a.error_kind == "circuit_open" for a in llm):
            reason = "circuit_open"
        elif all(a.error_kind for a in llm):
            reason = "llm_errors"
        else:
            reason = "checks_failed"
        self.template_fallbacks.labels(reason).inc()

    def render(self) -> bytes:
        return generate_latest(self.registry)


router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    """Prometheus text format; open like /healthz (expose it only to your network)."""
    registry: Metrics = request.app.state.metrics
    return Response(registry.render(), media_type=registry.content_type)
