"""`replyguard serve` as a real process for the benchmarks: started on a free port
with the given environment, waited for until `/healthz` answers, and stopped again
(SIGTERM, then SIGKILL), so the load and start-up benchmarks measure the service as
people run it."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

READY_TIMEOUT_S = 180.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def stop(process: subprocess.Popen[Any]) -> None:
    """SIGTERM, then SIGKILL; the service's workers go with their supervisor."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def wait_ready(
    base: str, process: subprocess.Popen[bytes], log: Path, *, poll_s: float = 0.25
) -> None:
    """Until `/healthz` answers 200; the log's tail in the error if the process died."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"the service exited with {process.returncode}:\n{tail}")
        with (
            contextlib.suppress(OSError, urllib.error.URLError),
            urllib.request.urlopen(base + "/healthz", timeout=2) as answer,
        ):
            if answer.status == 200:
                return
        time.sleep(poll_s)
    raise RuntimeError(f"the service was not ready within {READY_TIMEOUT_S:g}s")


@contextlib.contextmanager
def serve(
    env: dict[str, str], folder: Path, *, workers: int = 1, poll_s: float = 0.25
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`replyguard serve` with `env`, its log in `folder`; yields its URL and process
    once ready."""
    port = free_port()
    log: IO[bytes] = (folder / "service.log").open("wb")
    command = [sys.executable, "-m", "replyguard.cli", "serve", "--port", str(port)]
    if workers > 1:
        command += ["--workers", str(workers)]
    process = subprocess.Popen(command, env=env, stdout=log, stderr=log)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_ready(base, process, folder / "service.log", poll_s=poll_s)
        yield base, process
    finally:
        stop(process)
        log.close()
