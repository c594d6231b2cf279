"""A circuit breaker around any `ChatModel`.

While the LLM is down, every request would otherwise wait out its timeouts and retries
before the template answers. After `failures` failed calls in a row the circuit opens
and calls fail at once with `CircuitOpen`, so the pipeline goes straight
to the template; after `cooldown_s` one call is let through as a probe (half-open): a
success closes the circuit, a failure opens it for another cooldown.

It wraps the model (composition, like the provider it wraps), so the pipeline and the
providers know nothing about it; the openai client's own retries happen inside one
call, so a call counts as failed only when they are spent too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, Literal

from .base import ChatModel, Completion, Message
from .errors import CircuitOpen, LLMError, Overloaded

State = Literal["closed", "open", "half_open"]
#: For the Prometheus gauge: 0 closed, 1 half-open, 2 open.
STATE_VALUES: dict[State, int] = {"closed": 0, "half_open": 1, "open": 2}


class CircuitBreaker:
    def __init__(
        self,
        model: ChatModel,
        *,
        failures: int,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.model = model
        self.provider = model.provider
        self.name = model.name
        self.threshold = failures
        self.cooldown_s = cooldown_s
        #: Seconds, monotonic; public so tests can drive the breaker a service built.
        self.clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    # -- state -------------------------------------------------------------------
    @property
    def state(self) -> State:
        if self._opened_at is None:
            return "closed"
        if self._probing or self.clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    @property
    def consecutive_failures(self) -> int:
        return self._failures

    def retry_in_s(self) -> float:
        """Seconds until the next probe may go out (0 when closed or due)."""
        if self._opened_at is None:
            return 0.0
        return max(0.0, self.cooldown_s - (self.clock() - self._opened_at))

    def snapshot(self) -> dict[str, Any]:
        """What /healthz shows."""
        return {
            "state": self.state,
            "consecutive_failures": self._failures,
            "failure_threshold": self.threshold,
            "retry_in_s": round(self.retry_in_s(), 1),
        }

    def _admit(self) -> None:
        """Let the call through, or raise `CircuitOpen` at once."""
        if self._opened_at is None:
            return
        if self._probing or self.retry_in_s() > 0:
            raise CircuitOpen(
                f"the LLM failed {self._failures} times in a row; "
                f"next try in {max(self.retry_in_s(), 0.1):.1f}s",
            )
        self._probing = True  # this call is the probe; others wait for its outcome

    def _succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._probing = False

    def _failed(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self.threshold:
            self._opened_at = self.clock()
        self._probing = False

    # -- ChatModel ---------------------------------------------------------------
    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        self._admit()
        try:
            completion = await self.model.complete(
                messages, max_tokens=max_tokens, temperature=temperature, timeout_s=timeout_s
            )
        except Overloaded:
            # A full queue means busy, not down: like a cancellation, it counts for nothing.
            self._probing = False
            raise
        except LLMError:
            self._failed()
            raise
        except BaseException:
            # Cancelled (the request's deadline, a client that went away): says nothing
            # about the LLM, but a probe that never finished must not block later ones.
            self._probing = False
            raise
        self._succeeded()
        return completion

    async def start(self) -> None:
        start = getattr(self.model, "start", None)
        if start is not None:
            await start()

    async def aclose(self) -> None:
        await self.model.aclose()
