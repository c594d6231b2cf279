"""Any OpenAI-compatible endpoint (OpenAI, vLLM, Ollama, llama.cpp server) through the
official async `openai` client.

Retries on 429/5xx (honouring Retry-After) are the client's own; this module only maps
every way a call can fail onto its `LLMError` subclass (`llm.errors`). The client sends over aiohttp
(`DefaultAioHttpClient`), which costs a fraction of httpx's CPU per call.
"""

from __future__ import annotations

import json

import aiohttp
import openai

from .base import Completion, Message
from .errors import (
    BadResponse,
    EmptyResponse,
    HTTPStatusError,
    LLMConnectionError,
    LLMError,
    LLMTimeout,
    RateLimited,
)
from .tokens import count_messages, count_text


class OpenAIChat:
    provider = "openai"

    def __init__(
        self, *, model: str, base_url: str | None, api_key: str | None, max_retries: int
    ) -> None:
        self.name = model
        self._client = openai.AsyncOpenAI(
            base_url=base_url,
            # Local servers need no key, but the client insists on one.
            api_key=api_key or "not-needed",
            max_retries=max_retries,
            http_client=openai.DefaultAioHttpClient(),
        )

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        try:
            # `chat.completions.create` minus its parameter transform, which walks
            # every message through TypedDict hooks (base64 files, aliases) that plain
            # text messages never need: a millisecond of CPU per call saved, with the
            # same client, retries and errors. `cast_to=object`: the JSON as parsed,
            # not a `ChatCompletion` built field by field (a quarter of the client's
            # CPU per call); `_reply` reads the few fields used.
            response = await self._client.post(
                "/chat/completions",
                cast_to=object,
                body={
                    "model": self.name,
                    "messages": [m.as_dict() for m in messages],
                    "max_tokens": max_tokens,
                    "temperature": temperature,
                },
                options={"timeout": timeout_s},
            )
        except openai.APITimeoutError as exc:
            if _dropped(exc):
                raise LLMConnectionError(str(exc.__cause__) or "connection lost") from exc
            raise LLMTimeout(f"no answer within {timeout_s:g}s") from exc
        except openai.APIConnectionError as exc:
            raise LLMConnectionError(str(exc) or "could not connect") from exc
        except openai.RateLimitError as exc:
            raise RateLimited(f"HTTP {exc.status_code}") from exc
        except openai.APIStatusError as exc:
            raise HTTPStatusError(exc.status_code) from exc
        except (openai.APIResponseValidationError, json.JSONDecodeError, ValueError) as exc:
            raise BadResponse(type(exc).__name__) from exc
        except openai.OpenAIError as exc:
            raise LLMError(type(exc).__name__) from exc

        text, prompt, completion = _reply(response)
        return Completion(
            text=text,
            prompt_tokens=prompt if prompt is not None else count_messages(messages),
            completion_tokens=completion if completion is not None else count_text(text),
        )

    async def aclose(self) -> None:
        await self._client.close()


def _dropped(exc: BaseException) -> bool:
    """httpx-aiohttp reports a refused or reset connection as `ConnectTimeout`: find
    the aiohttp error underneath, so only a real timeout is called one."""
    cause = exc.__cause__
    while cause is not None:
        if isinstance(cause, aiohttp.ClientConnectionError) and not isinstance(cause, TimeoutError):
            return True
        cause = cause.__cause__
    return False


def _field(value: object, name: str) -> object:
    return value.get(name) if isinstance(value, dict) else None


def _count(value: object) -> int | None:
    return value if isinstance(value, int) else None


def _reply(response: object) -> tuple[str, int | None, int | None]:
    """The first choice's text and the usage counts of a chat completion's JSON;
    `EmptyResponse` when there is no text."""
    choices = _field(response, "choices")
    if not isinstance(choices, list) or not choices:
        raise EmptyResponse("the response had no choices")
    text = _field(_field(choices[0], "message"), "content")
    if not isinstance(text, str) or not text.strip():
        raise EmptyResponse("the response had no text")
    usage = _field(response, "usage")
    return text, _count(_field(usage, "prompt_tokens")), _count(_field(usage, "completion_tokens"))
