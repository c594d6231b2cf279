"""In-process stand-ins for tests of pipeline logic: a queue-driven chat model and a
hand-driven clock.

Re-asks, the template fallback, attempt accounting and prompt content do not depend
on HTTP, so their tests need no server, no sockets and no waiting. What the wire does
(timeouts, resets, status codes) stays with the scripted HTTP server
(`replyguard_evals.scripted_llm`), which the API and fault tests use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from replyguard.llm.base import Completion, Message

__all__ = ["Call", "FakeChatModel", "FakeClock", "Hang", "Step"]


@dataclass(frozen=True, slots=True)
class Hang:
    """Answer nothing until the call's `timeout_s` has passed, then raise `error`, as a
    client giving up on a silent endpoint does."""

    error: BaseException


Step = str | BaseException | Hang


@dataclass(frozen=True, slots=True)
class Call:
    """One `complete` call as the model received it."""

    messages: list[Message]
    max_tokens: int
    temperature: float
    timeout_s: float

    @property
    def roles(self) -> list[str]:
        return [m.role for m in self.messages]


class FakeChatModel:
    """A `ChatModel` that answers from a script: each call takes the next step (a text
    to answer, an exception to raise, or a `Hang`), and the last step repeats when the
    script runs out, as the scripted server's does. Every call is kept in `calls`.

    Usage counts words, as the scripted server does, so token totals can be checked.
    """

    provider = "fake"

    def __init__(self, *steps: Step, name: str = "fake-model") -> None:
        self.name = name
        self.calls: list[Call] = []
        self.closed = False
        self._steps: list[Step] = []
        self._index = 0
        self.script(*(steps or ("Hello.",)))

    def script(self, *steps: Step) -> None:
        """Start a new script and forget the calls so far."""
        if not steps:
            raise ValueError("a script needs at least one step")
        self._steps = list(steps)
        self._index = 0
        self.calls.clear()

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        self.calls.append(Call(list(messages), max_tokens, temperature, timeout_s))
        step = self._steps[min(self._index, len(self._steps) - 1)]
        self._index += 1
        if isinstance(step, Hang):
            await asyncio.sleep(timeout_s)
            raise step.error
        if isinstance(step, BaseException):
            raise step
        prompt = sum(len(m.content.split()) for m in messages)
        return Completion(step, prompt, len(step.split()))

    async def aclose(self) -> None:
        self.closed = True


class FakeClock:
    """A monotonic clock that moves only when a test says so: pass it where code takes
    `clock=` and call `advance` instead of sleeping."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("a monotonic clock never goes back")
        self.now += seconds
