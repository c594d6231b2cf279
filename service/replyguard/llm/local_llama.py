"""The embedded default: a GGUF model run in-process by llama.cpp (llama-cpp-python).

One model, one generation at a time, on a worker thread: llama.cpp releases the GIL,
so the event loop keeps answering /healthz and /v1/checks while a draft is written.
Requests wait their turn in FIFO order; past `queue_size` waiters the caller gets
`Overloaded` (a 503 with Retry-After) instead of an ever-growing queue.
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from .base import Completion, Message
from .errors import EmptyResponse, LLMError, LLMTimeout, LocalModelError, Overloaded

_STOP = ["<|im_end|>", "<|endoftext|>"]


class LocalLlama:
    provider = "local"

    def __init__(
        self,
        *,
        model_path: Path,
        name: str,
        threads: int | None,
        context: int,
        queue_size: int,
        top_p: float = 0.9,
        repeat_penalty: float = 1.15,
    ) -> None:
        self.name = name
        self._path = model_path
        self._threads = threads or max(1, (os.cpu_count() or 2) - 1)
        self._context = context
        self._queue_size = queue_size
        self._top_p = top_p
        self._repeat_penalty = repeat_penalty
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="llama")
        self._llama: Any = None
        self._load_lock = threading.Lock()
        self._slot = asyncio.Semaphore(1)
        self._waiting = 0
        self._recent_s = 5.0  # running estimate of one generation, for Retry-After

    def _load(self) -> Any:
        with self._load_lock:
            if self._llama is None:
                from llama_cpp import Llama

                self._llama = Llama(
                    model_path=str(self._path),
                    n_ctx=self._context,
                    n_threads=self._threads,
                    n_threads_batch=self._threads,
                    verbose=False,
                )
            return self._llama

    async def start(self) -> None:
        """Load the weights before the first request, off the event loop."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._load)

    def _generate(
        self,
        messages: list[Message],
        max_tokens: int,
        temperature: float,
        deadline: float,
        cancelled: threading.Event,
    ) -> Completion:
        llama = self._load()
        stream = llama.create_chat_completion(
            messages=[m.as_dict() for m in messages],
            max_tokens=max_tokens,
            temperature=temperature,
            top_p=self._top_p,
            repeat_penalty=self._repeat_penalty,
            stop=_STOP,
            stream=True,
        )
        pieces: list[str] = []
        produced = 0
        timed_out = False
        for chunk in stream:
            delta = chunk["choices"][0].get("delta", {})
            if delta.get("content"):
                pieces.append(delta["content"])
                produced += 1
            if cancelled.is_set() or time.monotonic() > deadline:
                timed_out = True
                break
        if timed_out:
            raise LLMTimeout("the local model did not finish in time")
        text = "".join(pieces)
        if not text.strip():
            raise EmptyResponse("the local model returned no text")
        prompt = sum(
            len(llama.tokenize(m.content.encode("utf-8"), add_bos=False)) + 4 for m in messages
        )
        return Completion(text=text, prompt_tokens=prompt, completion_tokens=produced)

    async def complete(
        self, messages: list[Message], *, max_tokens: int, temperature: float, timeout_s: float
    ) -> Completion:
        if self._slot.locked() and self._waiting >= self._queue_size:
            raise Overloaded(retry_after_s=max(1, round(self._recent_s * (self._waiting + 1))))
        self._waiting += 1
        try:
            await self._slot.acquire()
        finally:
            self._waiting -= 1
        cancelled = threading.Event()
        started = time.monotonic()
        try:
            loop = asyncio.get_running_loop()
            return await loop.run_in_executor(
                self._executor,
                self._generate,
                messages,
                max_tokens,
                temperature,
                started + timeout_s,
                cancelled,
            )
        except asyncio.CancelledError:
            cancelled.set()
            raise
        except LLMError:
            raise
        except Exception as exc:
            raise LocalModelError(f"{type(exc).__name__}: {exc}") from exc
        finally:
            self._recent_s = 0.7 * self._recent_s + 0.3 * (time.monotonic() - started)
            self._slot.release()

    async def aclose(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
