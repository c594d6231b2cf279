"""Every way an LLM call can fail, as a class.

Callers decide by type (`except CircuitOpen`, `isinstance(exc, Overloaded)`), never by
parsing a message; each class carries a short, stable `kind` that reports, records and
metric labels show. `str(exc)` stays "kind: detail" for people and logs.
"""

from __future__ import annotations

from typing import ClassVar, Literal, get_args

ErrorKind = Literal[
    "error",
    "timeout",
    "connection",
    "rate_limited",
    "bad_response",
    "http_error",
    "empty",
    "local_error",
    "circuit_open",
    "overloaded",
    "deadline",
]
#: Every kind, in the order above (for docs and tests).
ERROR_KINDS: tuple[ErrorKind, ...] = get_args(ErrorKind)


class LLMError(Exception):
    """The model gave no usable draft; raised as is only for failures nothing below
    names, so a new provider error still ends in the template, not a 500."""

    kind: ClassVar[ErrorKind] = "error"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.kind}: {detail}")
        self.detail = detail


class LLMTimeout(LLMError):
    """The provider did not answer within the call's timeout."""

    kind: ClassVar[ErrorKind] = "timeout"


class LLMConnectionError(LLMError):
    """The endpoint could not be reached, or dropped the connection."""

    kind: ClassVar[ErrorKind] = "connection"


class RateLimited(LLMError):
    """The endpoint said 429 and the client's own retries are spent."""

    kind: ClassVar[ErrorKind] = "rate_limited"


class BadResponse(LLMError):
    """An answer came back, but holds no usable draft (unparseable as is)."""

    kind: ClassVar[ErrorKind] = "bad_response"


class HTTPStatusError(BadResponse):
    """A 4xx/5xx other than 429: the endpoint refused or failed this call."""

    kind: ClassVar[ErrorKind] = "http_error"

    def __init__(self, status_code: int) -> None:
        super().__init__(f"HTTP {status_code}")
        self.status_code = status_code


class EmptyResponse(BadResponse):
    """A well-formed answer without text (no choices, empty or non-text content)."""

    kind: ClassVar[ErrorKind] = "empty"


class LocalModelError(LLMError):
    """The embedded model itself failed (llama.cpp raised)."""

    kind: ClassVar[ErrorKind] = "local_error"


class CircuitOpen(LLMError):
    """Skipped without a call: the circuit breaker holds the LLM for down."""

    kind: ClassVar[ErrorKind] = "circuit_open"


class Overloaded(LLMError):
    """The model's queue is full; the caller should come back after `retry_after_s`.

    Unlike the others it says nothing about the draft: the pipeline lets it through
    (the API answers 503 with Retry-After), and the circuit breaker does not count it.
    """

    kind: ClassVar[ErrorKind] = "overloaded"

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"model queue is full; retry after {retry_after_s}s")
        self.retry_after_s = retry_after_s


class DeadlineExceeded(LLMError):
    """The request's own deadline ran out while the LLM was still working."""

    kind: ClassVar[ErrorKind] = "deadline"
