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
from openai.types.chat import ChatCompletion

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
            # same client, retries, errors and response model.
            response = await self._client.post(
                "/chat/completions",
                cast_to=ChatCompletion,
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

        choices = getattr(response, "choices", None)
        if not choices:
            raise EmptyResponse("the response had no choices")
        message = getattr(choices[0], "message", None)
        text = getattr(message, "content", None)
        if not isinstance(text, str) or not text.strip():
            raise EmptyResponse("the response had no text")
        usage = getattr(response, "usage", None)
        prompt = getattr(usage, "prompt_tokens", None)
        completion = getattr(usage, "completion_tokens", None)
        return Completion(
            text=text,
            prompt_tokens=prompt if isinstance(prompt, int) else count_messages(messages),
            completion_tokens=completion if isinstance(completion, int) else count_text(text),
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
