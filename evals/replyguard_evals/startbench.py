"""`replyguard bench --part start`: what one worker costs to start and to keep.

Starts `replyguard serve` (no LLM: template replies, a throwaway SQLite file) as a
real process, times it from launch to a `/healthz` that answers, reads its resident
memory when ready, when idle a few seconds later, after one reply in each language,
and after more rounds of the same (flat if nothing grows per request). Several runs;
the medians are printed.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
from rich.console import Console
from rich.table import Table

from .dataset import load_cases
from .served import serve

MiB = 1024 * 1024


def language_bodies() -> dict[str, bytes]:
    """One `POST /v1/replies` body per language: its first eval case."""
    bodies: dict[str, bytes] = {}
    for case in load_cases():
        if case.language not in bodies:
            bodies[case.language] = case.request.model_dump_json(exclude_none=True).encode()
    return bodies


def _rss(process: psutil.Process) -> float:
    """Resident MiB of the service process."""
    return float(process.memory_info().rss / MiB)


@contextlib.contextmanager
def _served(folder: Path) -> Iterator[tuple[str, subprocess.Popen[bytes], float]]:
    """`replyguard serve` on a free port; yields its URL, process and seconds to ready."""
    env = os.environ | {
        "REPLYGUARD_LLM_PROVIDER": "none",
        "REPLYGUARD_DATABASE_URL": f"sqlite:///{folder / 'start.db'}",
        "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
        "REPLYGUARD_LOG_LEVEL": "WARNING",
        "REPLYGUARD_API_KEYS": "",
    }
    started = time.perf_counter()
    # Polled often: the time to ready is the figure measured here.
    with serve(env, folder, poll_s=0.05) as (base, process):
        yield base, process, time.perf_counter() - started


def _reply(base: str, body: bytes) -> tuple[int, float]:
    """(status, seconds) of one POST /v1/replies."""
    request = urllib.request.Request(
        base + "/v1/replies", data=body, headers={"Content-Type": "application/json"}
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            answer.read()
            status = int(answer.status)
    except urllib.error.HTTPError as error:
        status = int(error.code)
    return status, time.perf_counter() - started


def one_run(bodies: dict[str, bytes], settle: float, rounds: int) -> dict[str, Any]:
    """One start of the service: seconds to ready, MiB at each point, first replies."""
    with tempfile.TemporaryDirectory() as scratch, _served(Path(scratch)) as served:
        base, process, ready_s = served
        worker = psutil.Process(process.pid)
        figures: dict[str, Any] = {"ready_s": round(ready_s, 2), "ready_mib": _rss(worker)}
        time.sleep(settle)
        figures["idle_mib"] = _rss(worker)
        first: dict[str, float] = {}
        errors = 0
        for language, body in bodies.items():
            status, seconds = _reply(base, body)
            errors += status != 200
            first[language] = round(seconds, 3)
        figures["languages_mib"] = _rss(worker)
        for _ in range(rounds):
            for body in bodies.values():
                status, _ = _reply(base, body)
                errors += status != 200
        figures["more_mib"] = _rss(worker)
        figures["first_reply_s"] = first
        figures["errors"] = errors
        return figures


def run_start_bench(
    console: Console | None = None, runs: int = 3, settle: float = 5.0, rounds: int = 5
) -> dict[str, Any]:
    """Print and return the medians over `runs` starts (and every run)."""
    console = console or Console()
    bodies = language_bodies()
    every = [one_run(bodies, settle, rounds) for _ in range(runs)]
    keys = ("ready_s", "ready_mib", "idle_mib", "languages_mib", "more_mib")
    median = {key: round(statistics.median(run[key] for run in every), 2) for key in keys}
    report: dict[str, Any] = {
        "runs": every,
        "median": median,
        "languages": sorted(bodies),
        "more_requests": rounds * len(bodies),
        "errors": sum(run["errors"] for run in every),
    }
    print_report(console, report)
    return report


def print_report(console: Console, report: dict[str, Any]) -> None:
    median, runs = report["median"], len(report["runs"])
    table = Table(title=f"One worker, no LLM: median of {runs} starts")
    table.add_column("figure")
    table.add_column("value", justify="right")
    table.add_row("seconds from start to a ready /healthz", f"{median['ready_s']:.2f}")
    table.add_row("resident MiB when ready", f"{median['ready_mib']:.0f}")
    table.add_row("resident MiB idle", f"{median['idle_mib']:.0f}")
    table.add_row(
        f"resident MiB after one reply in each of {len(report['languages'])} languages",
        f"{median['languages_mib']:.0f}",
    )
    table.add_row(
        f"resident MiB after {report['more_requests']} more replies", f"{median['more_mib']:.0f}"
    )
    table.add_row("non-200 answers", str(report["errors"]))
    console.print(table)


if __name__ == "__main__":
    print(json.dumps(run_start_bench(runs=int(sys.argv[1]) if sys.argv[1:] else 3), indent=2))
