"""The circuit breaker on its own: a scripted model and a hand-driven clock."""

from __future__ import annotations

import asyncio

import pytest
from tests.fakes import FakeClock

from replyguard.llm.base import Completion, LLMError, Message
from replyguard.llm.breaker import CircuitBreaker
from replyguard.llm.errors import CircuitOpen, HTTPStatusError, Overloaded

MESSAGES = [Message("user", "hello")]


class Flaky:
    provider = "scripted"
    name = "flaky"

    def __init__(self) -> None:
        self.calls = 0
        self.failing = True
        self.hang = False
        self.overloaded = False

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        self.calls += 1
        if self.hang:
            await asyncio.Event().wait()  # until the test cancels it
        if self.overloaded:
            raise Overloaded(retry_after_s=3)
        if self.failing:
            raise HTTPStatusError(500)
        return Completion("fine", 1, 1)

    async def aclose(self) -> None:
        pass


def _call(breaker: CircuitBreaker) -> Completion:
    return asyncio.run(breaker.complete(MESSAGES, max_tokens=10, temperature=0.0, timeout_s=1.0))


@pytest.fixture
def parts() -> tuple[CircuitBreaker, Flaky, FakeClock]:
    model, clock = Flaky(), FakeClock()
    return CircuitBreaker(model, failures=3, cooldown_s=30, clock=clock), model, clock


def test_opens_after_consecutive_failures_and_then_skips_the_model(
    parts: tuple[CircuitBreaker, Flaky, FakeClock],
) -> None:
    breaker, model, _ = parts
    for _ in range(3):
        with pytest.raises(LLMError, match="http_error"):
            _call(breaker)
    assert breaker.state == "open"
    with pytest.raises(LLMError) as skipped:
        _call(breaker)
    assert isinstance(skipped.value, CircuitOpen)
    assert skipped.value.kind == "circuit_open"
    assert model.calls == 3, "an open circuit does not call the model"
    assert breaker.snapshot()["retry_in_s"] == 30.0


def test_a_success_resets_the_count(parts: tuple[CircuitBreaker, Flaky, FakeClock]) -> None:
    breaker, model, _ = parts
    for _ in range(2):
        with pytest.raises(LLMError):
            _call(breaker)
    model.failing = False
    _call(breaker)
    model.failing = True
    for _ in range(2):
        with pytest.raises(LLMError):
            _call(breaker)
    assert breaker.state == "closed"


def test_after_the_cooldown_one_probe_closes_it_again(
    parts: tuple[CircuitBreaker, Flaky, FakeClock],
) -> None:
    breaker, model, clock = parts
    for _ in range(3):
        with pytest.raises(LLMError):
            _call(breaker)
    clock.advance(30)
    assert breaker.state == "half_open"
    model.failing = False
    assert _call(breaker).text == "fine"
    assert breaker.state == "closed"
    assert breaker.consecutive_failures == 0


def test_a_failed_probe_opens_it_for_another_cooldown(
    parts: tuple[CircuitBreaker, Flaky, FakeClock],
) -> None:
    breaker, model, clock = parts
    for _ in range(3):
        with pytest.raises(LLMError):
            _call(breaker)
    clock.advance(31)
    with pytest.raises(LLMError, match="http_error"):
        _call(breaker)
    assert breaker.state == "open"
    clock.advance(29)
    with pytest.raises(LLMError, match="circuit_open"):
        _call(breaker)
    assert model.calls == 4


def test_only_one_probe_at_a_time_and_a_cancelled_probe_frees_the_slot(
    parts: tuple[CircuitBreaker, Flaky, FakeClock],
) -> None:
    breaker, model, clock = parts
    for _ in range(3):
        with pytest.raises(LLMError):
            _call(breaker)
    clock.advance(30)
    model.hang = True

    async def race() -> None:
        probe = asyncio.create_task(
            breaker.complete(MESSAGES, max_tokens=10, temperature=0.0, timeout_s=1.0)
        )
        await asyncio.sleep(0)
        with pytest.raises(LLMError, match="circuit_open"):
            await breaker.complete(MESSAGES, max_tokens=10, temperature=0.0, timeout_s=1.0)
        probe.cancel()
        with pytest.raises(asyncio.CancelledError):
            await probe

    asyncio.run(race())
    model.hang, model.failing = False, False
    assert _call(breaker).text == "fine", "the next call may probe again"
    assert breaker.state == "closed"


def test_a_full_queue_is_not_a_failure(parts: tuple[CircuitBreaker, Flaky, FakeClock]) -> None:
    """Overloaded is in the LLMError family, yet says the model is busy, not down."""
    breaker, model, clock = parts
    model.overloaded = True
    for _ in range(5):
        with pytest.raises(Overloaded):
            _call(breaker)
    assert breaker.state == "closed"
    assert breaker.consecutive_failures == 0
    model.overloaded = False
    for _ in range(3):
        with pytest.raises(HTTPStatusError):
            _call(breaker)
    clock.advance(30)
    model.overloaded = True
    with pytest.raises(Overloaded):
        _call(breaker)  # the probe met a full queue: the next call may probe again
    model.overloaded, model.failing = False, False
    assert _call(breaker).text == "fine"
    assert breaker.state == "closed"
