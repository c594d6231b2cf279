"""The one small interface every LLM sits behind.

The pipeline only ever calls `complete`; a provider turns its own failures into
`LLMError`, so "the LLM let us down" is one case to handle, whatever went wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

Role = Literal["system", "user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    prompt_tokens: int
    completion_tokens: int


class LLMError(Exception):
    """The model gave no usable draft. `kind` is short and stable for reports."""

    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail


class Overloaded(Exception):
    """The model's queue is full; the caller should come back later."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"model queue is full; retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


class ChatModel(Protocol):
    provider: str
    name: str

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        """One chat completion; raises LLMError when no usable text came back."""
        ...

    async def aclose(self) -> None: ...
