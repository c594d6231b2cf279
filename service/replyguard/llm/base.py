"""The one small interface every LLM sits behind.

The pipeline only ever calls `complete`; a provider turns its own failures into an
`LLMError` subclass (`llm.errors`), so "the LLM let us down" is one case to handle,
and what went wrong is its type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from .errors import LLMError, Overloaded

__all__ = ["ChatModel", "Completion", "LLMError", "Message", "Overloaded", "Role"]

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


class ChatModel(Protocol):
    provider: str
    name: str

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        """One chat completion; raises LLMError when no usable text came back."""
        ...

    async def aclose(self) -> None: ...
