"""A scripted OpenAI-compatible server on localhost: real HTTP, real sockets.

Each POST /v1/chat/completions takes the next step of the script (the last step
repeats when the script runs out). A step is a dict:

    {"text": "..."}            a normal completion (usage included)
    {"text": "...", "usage": False}   no usage block, as some local servers do
    {"status": 500}            an HTTP error with a JSON error body (429 adds Retry-After: 0)
    {"status": 429, "retry_after": "1"}   ... with that Retry-After instead
    {"hang": 5.0}              wait that many seconds, then answer with "text" if given
    {"reset": True}            close the connection without answering
    {"raw": "not json"}        a 200 whose body is the raw string
    {"choices": []}            a 200 with an empty choice list
    {"answers": [[key, text], ...]}   the text of the first key found in the request's
                               messages (a benchmark answering many different reviews)

Written on raw asyncio streams, not a web framework, so resets and broken bodies are
really what the client sees, and so the server costs next to nothing per request when
benchmarks use it as a stand-in LLM with a fixed latency:

    python -m replyguard_evals.scripted_llm --latency 0.2 --text "Dear Anna, ..."

prints `port N` once it listens, and serves until killed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import threading
import time
from collections.abc import Iterator
from typing import Any

Step = dict[str, Any]


class ScriptedLLM:
    """`latency` delays every answer (a model's fixed think time); with `record=False`
    the requests are not kept, so a long benchmark does not grow the server."""

    def __init__(self, *, latency: float = 0.0, record: bool = True) -> None:
        self._script: list[Step] = [{"text": "Hello."}]
        self._index = 0
        self.latency = latency
        self.record = record
        self.served = 0
        #: Requests being answered now, and the most at once since `script()`.
        self.in_flight = 0
        self.max_in_flight = 0
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.base_events.Server | None = None
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self.port = 0

    # -- control ---------------------------------------------------------------
    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def script(self, *steps: Step) -> None:
        with self._lock:
            self._script = list(steps)
            self._index = 0
            self.requests.clear()
            self.max_in_flight = self.in_flight

    def _next(self) -> Step:
        with self._lock:
            step = self._script[min(self._index, len(self._script) - 1)]
            self._index += 1
            return step

    def start(self) -> ScriptedLLM:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    async def _start(self, port: int = 0) -> None:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", port, backlog=4096)
        self.port = self._server.sockets[0].getsockname()[1]

    async def serve_forever(self, port: int = 0) -> None:
        """Serve on this thread's loop (the standalone process), not a helper thread."""
        await self._start(port)
        print(f"port {self.port}", flush=True)
        assert self._server is not None
        await self._server.serve_forever()

    def stop(self) -> None:
        async def close() -> None:
            if self._server:
                self._server.close()

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    # -- HTTP ------------------------------------------------------------------
    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, path, _ = lines[0].split(" ", 2)
                headers = {
                    k.strip().lower(): v.strip()
                    for k, v in (line.split(":", 1) for line in lines[1:] if ":" in line)
                }
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                with self._lock:
                    self.in_flight += 1
                    self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    kept = await self._respond(method, path, body, writer)
                finally:
                    with self._lock:
                        self.in_flight -= 1
                if not kept:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _respond(
        self, method: str, path: str, body: bytes, writer: asyncio.StreamWriter
    ) -> bool:
        if method != "POST" or not path.endswith("/chat/completions"):
            self._write(writer, 404, json.dumps({"error": {"message": "not found"}}))
            return True
        request = json.loads(body or b"{}")
        with self._lock:
            self.served += 1
            if self.record:
                self.requests.append(request)
        step = self._next()
        if self.latency:
            await asyncio.sleep(self.latency)
        if "hang" in step:
            await asyncio.sleep(float(step["hang"]))
        if step.get("reset"):
            writer.transport.abort()
            return False
        if "status" in step:
            headers = {"Retry-After": "0"} if step["status"] == 429 else {}
            if "retry_after" in step:
                headers["Retry-After"] = str(step["retry_after"])
            error = {"error": {"message": f"scripted {step['status']}", "type": "server_error"}}
            self._write(writer, int(step["status"]), json.dumps(error), headers)
        elif "raw" in step:
            self._write(writer, 200, str(step["raw"]))
        elif "choices" in step:
            self._write(
                writer, 200, json.dumps(_completion(request, None, choices=step["choices"]))
            )
        else:
            text = _answer(step, request) if "answers" in step else step.get("text", "")
            payload = _completion(request, text, usage=step.get("usage", True))
            self._write(writer, 200, json.dumps(payload))
        await writer.drain()
        return True

    @staticmethod
    def _write(
        writer: asyncio.StreamWriter, status: int, body: str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode("utf-8")
        head = [
            f"HTTP/1.1 {status} X",
            "Content-Type: application/json",
            f"Content-Length: {len(data)}",
        ]
        head += [f"{k}: {v}" for k, v in (headers or {}).items()]
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + data)


def _answer(step: Step, request: dict[str, Any]) -> str:
    """The answer whose key appears in the messages, else the step's "text"."""
    contents = " ".join(str(m.get("content", "")) for m in request.get("messages", []))
    for key, text in step["answers"]:
        if key in contents:
            return str(text)
    return str(step.get("text", ""))


def _completion(
    request: dict[str, Any],
    text: str | None,
    *,
    usage: bool = True,
    choices: list[Any] | None = None,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "id": "chatcmpl-scripted",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": request.get("model", "scripted"),
        "choices": choices
        if choices is not None
        else [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": "stop",
            }
        ],
    }
    if usage:
        prompt = sum(len(str(m.get("content", "")).split()) for m in request.get("messages", []))
        payload["usage"] = {
            "prompt_tokens": prompt,
            "completion_tokens": len((text or "").split()),
            "total_tokens": prompt + len((text or "").split()),
        }
    return payload


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A scripted OpenAI-compatible server.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per answer")
    parser.add_argument("--text", default="Hello.", help="the completion every call gets")
    parser.add_argument(
        "--answers",
        help='a JSON file of [key, text] pairs: a request whose messages contain "key" '
        'gets "text" (others get --text)',
    )
    args = parser.parse_args(argv)
    server = ScriptedLLM(latency=args.latency, record=False)
    step: Step = {"text": args.text}
    if args.answers:
        with open(args.answers, encoding="utf-8") as file:
            step["answers"] = json.load(file)
    server.script(step)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(server.serve_forever(args.port))


@contextlib.contextmanager
def running() -> Iterator[ScriptedLLM]:
    server = ScriptedLLM().start()
    try:
        yield server
    finally:
        server.stop()


if __name__ == "__main__":
    main()
