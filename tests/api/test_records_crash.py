"""Acceptance: SIGKILL the service in the middle of 200 requests; every request that
got a 200 is in the records afterwards, whole (reply and attempts)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from tests.databases import free_port
from tests.support import reply_body

from replyguard.storage import Store

REQUESTS = 200
KILL_AFTER = 100  # 200s seen before the kill
IN_FLIGHT = 16
REVIEWS = [
    "We waited almost two hours for a table and the soup was cold when it came.",
    "The room was dirty and nobody at the front desk cared.",
    "I was charged twice for one order and still have no refund.",
    "The app crashes every time I try to log in.",
]


def _start(database_url: str, log: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = os.environ | {
        "REPLYGUARD_LLM_PROVIDER": "none",
        "REPLYGUARD_DATABASE_URL": database_url,
        "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
        "REPLYGUARD_LOG_LEVEL": "WARNING",
        "OTEL_SDK_DISABLED": "true",
    }
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "replyguard.cli", "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"the service exited ({server.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return server, base
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.kill()
    pytest.fail(f"the service did not start in 180 s:\n{log.read_text()[-3000:]}")


async def _load(server: subprocess.Popen[bytes], base: str) -> tuple[list[str], int, float]:
    """Fire the requests, IN_FLIGHT at a time; SIGKILL the server after KILL_AFTER 200s."""
    answered: list[str] = []
    lost = 0
    killed_at = 0.0
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one(client: httpx.AsyncClient, n: int) -> None:
        nonlocal lost, killed_at
        body: dict[str, Any] = reply_body(text=REVIEWS[n % len(REVIEWS)], id=f"load-{n}")
        # Many businesses, as in real traffic (one business's templates soon repeat).
        body["business"]["name"] = f"Bistro Verde {n % 40}"
        async with gate:
            try:
                response = await client.post("/v1/replies", json=body)
            except httpx.TransportError:
                lost += 1
                return
        assert response.status_code == 200, response.text
        answered.append(response.json()["id"])
        if len(answered) == KILL_AFTER:
            os.kill(server.pid, signal.SIGKILL)
            killed_at = time.perf_counter()

    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        await asyncio.gather(*(one(client, n) for n in range(REQUESTS)))
    return answered, lost, killed_at


@pytest.mark.slow
def test_every_answered_request_survives_sigkill(database_url: str, tmp_path: Path) -> None:
    server, base = _start(database_url, tmp_path / "server.log")
    try:
        started = time.perf_counter()
        answered, lost, killed_at = asyncio.run(_load(server, base))
        server.wait(timeout=30)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    assert server.returncode == -signal.SIGKILL
    # Killed part-way: some requests were answered, the ones in flight were lost.
    assert len(answered) >= KILL_AFTER
    assert lost > 0
    assert len(answered) + lost == REQUESTS

    store = Store.open(database_url)
    try:
        missing = [reply_id for reply_id in answered if store.get_reply(reply_id) is None]
        assert missing == []
        for reply_id in answered:
            record = store.get_reply(reply_id)
            assert record is not None
            assert record.attempts
            assert record.reply == record.attempts[-1].text
        total = store.stats().replies
    finally:
        store.close()
    print(
        f"{store.backend}: {len(answered)} answered with 200, all kept whole; {lost} failed "
        f"(in flight at the kill, or sent after it); {total} rows (a reply may be kept "
        f"whose answer never left); SIGKILL after {killed_at - started:.1f}s of load"
    )
