"""`replyguard loadbench`: what the service adds to the LLM's own time, over real HTTP.

Side (a) loads a scripted OpenAI-compatible server with a fixed latency straight;
side (b) sends the same load through the service's POST /v1/replies, which calls that
server. Both run closed loop (N workers, each sending its next request when the last
one answered) at every concurrency level, so the difference between the sides is the
service's own cost. A memory run then sends many requests through the service and
samples its resident memory, to show that nothing grows per request.

The reply text the scripted server returns passes every check for the benchmark's
review, so the service makes exactly one LLM call per request; a (b) response that
says anything else counts as an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import aiohttp
import psutil
from rich.console import Console
from rich.table import Table

from replyguard.pipeline import clean_draft
from replyguard.runtime import Runtime

from .dataset import EvalCase, load_cases
from .served import serve, stop

MODEL = "scripted-model"
MiB = 1024 * 1024

#: Issue #17's goals: the service's share of the LLM's own throughput at each level
#: (the level's goal applies to it and to every level above it) and its CPU per
#: request at the highest level.
RATIO_GOALS: dict[int, float] = {1: 0.95, 10: 0.95, 100: 0.8}
CPU_GOAL_MS = 2.5

Check = Callable[[int, bytes], bool]


# -- the requests and the replies that pass ------------------------------------------
@dataclass(frozen=True, slots=True)
class Workload:
    """What both sides send, one item per review: the service's request, the LLM
    request the service makes for it, and the key that picks its reply."""

    reply_bodies: list[bytes]
    llm_bodies: list[bytes]
    answers: list[tuple[str, str]]

    def __len__(self) -> int:
        return len(self.reply_bodies)


def build_workload(limit: int = 90) -> Workload:
    """Eval cases in every language, each with a reply that passes every check for it
    (checked here, so the service never re-asks). Many different reviews, so nothing
    cached per review makes the service look faster than it is; one case per
    business, so `not_repeated` never compares one case's reply with another's."""
    pipeline = Runtime.templates_only().pipeline
    replies: list[bytes] = []
    llms: list[bytes] = []
    answers: list[tuple[str, str]] = []
    businesses: set[str] = set()
    for case in _interleaved(load_cases()):
        if len(answers) >= limit or case.business.name in businesses:
            continue
        prepared = pipeline.prepare(case.review, case.business, case.options)
        if prepared.decision.needs_human or case.options.suggestions != 1:
            continue  # no LLM call, or more than one
        messages = [m.as_dict() for m in pipeline.prompts.messages(prepared.facts)]
        key = case.review.text[:60]
        user = " ".join(str(m["content"]) for m in messages)
        if key not in user or any(key in other for other, _ in answers):
            continue  # screened out of the prompt, or not unique
        # The service checks LLM drafts with the prompt's instructions in the context.
        context = replace(prepared.context, instructions=pipeline.prompts.instructions)
        text = next(
            (
                t
                for t in pipeline.templates.candidates(prepared.facts)
                if all(r.passed for r in pipeline.suite.run(clean_draft(t), context))
            ),
            None,
        )
        if text is None:
            continue
        businesses.add(case.business.name)
        llm = {"model": MODEL, "messages": messages, "max_tokens": 350, "temperature": 0.4}
        body = json.loads(case.request.model_dump_json(exclude_none=True))
        replies.append(json.dumps(body).encode())
        llms.append(json.dumps(llm).encode())
        answers.append((key, text))
    if not answers:
        raise ValueError("no eval case has a template reply that passes every check")
    return Workload(replies, llms, answers)


def _interleaved(cases: list[EvalCase]) -> list[EvalCase]:
    """One case of each language in turn, so any prefix mixes every language."""
    by_language: dict[str, list[EvalCase]] = {}
    for case in cases:
        by_language.setdefault(case.language, []).append(case)
    rounds = itertools.zip_longest(*by_language.values())
    return [case for row in rounds for case in row if case is not None]


def first_llm_draft(status: int, body: bytes) -> bool:
    """A (b) answer counts only when the LLM's first draft passed and was returned."""
    if status != 200:
        return False
    reply = json.loads(body)
    attempts = reply.get("attempts") or []
    return bool(
        reply.get("source") == "llm"
        and reply.get("passed") is True
        and len(attempts) == 1
        and attempts[0].get("source") == "llm"
        and not attempts[0].get("failed")
    )


def ok_completion(status: int, body: bytes) -> bool:
    return status == 200


# -- closed-loop load ---------------------------------------------------------------
@dataclass(slots=True)
class Run:
    """One side at one level: latencies of the answers that counted, and errors."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0
    seconds: float = 0.0

    @property
    def requests(self) -> int:
        return len(self.latencies_ms) + self.errors

    def summary(self) -> dict[str, float | int]:
        done = len(self.latencies_ms)
        return {
            "requests": self.requests,
            "errors": self.errors,
            "seconds": round(self.seconds, 3),
            "throughput_rps": round(done / self.seconds, 2) if self.seconds else 0.0,
            "p50_ms": round(percentile(self.latencies_ms, 0.50), 2),
            "p99_ms": round(percentile(self.latencies_ms, 0.99), 2),
        }


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def closed_loop(
    session: aiohttp.ClientSession,
    url: str,
    bodies: list[bytes],
    check: Check,
    *,
    concurrency: int,
    seconds: float | None = None,
    requests: int | None = None,
    every: int = 0,
    on_every: Callable[[int], Awaitable[None]] | None = None,
) -> Run:
    """`concurrency` workers until `seconds` have passed or `requests` were sent, each
    sending the next of `bodies` in turn; `on_every(n)` is awaited after every
    `every`-th answer."""
    run = Run()
    headers = {"content-type": "application/json"}
    started = time.perf_counter()
    stop_at = started + seconds if seconds is not None else float("inf")
    sent = 0

    async def worker() -> None:
        nonlocal sent
        while time.perf_counter() < stop_at and (requests is None or sent < requests):
            body = bodies[sent % len(bodies)]
            sent += 1
            began = time.perf_counter()
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    payload = await response.read()
                    good = check(response.status, payload)
            except (aiohttp.ClientError, TimeoutError, ValueError):
                good = False
            if good:
                run.latencies_ms.append((time.perf_counter() - began) * 1000)
            else:
                run.errors += 1
            if every and on_every and run.requests % every == 0:
                await on_every(run.requests)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    run.seconds = time.perf_counter() - started
    return run


# -- processes ----------------------------------------------------------------------
@contextlib.contextmanager
def scripted_llm(
    latency: float, answers: list[tuple[str, str]], folder: Path
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """The stand-in LLM as its own process (its CPU is not the load generator's),
    answering each review with its passing reply."""
    answers_file = folder / "answers.json"
    answers_file.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    command = [sys.executable, "-m", "replyguard_evals.scripted_llm", "--latency", str(latency)]
    process = subprocess.Popen(
        [*command, "--answers", str(answers_file)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline().split()
        if len(line) != 2 or line[0] != "port":
            raise RuntimeError(f"the scripted LLM did not start: {line!r}")
        yield f"http://127.0.0.1:{line[1]}/v1", process
    finally:
        stop(process)


def service_env(llm_url: str, folder: Path) -> dict[str, str]:
    return os.environ | {
        "REPLYGUARD_LLM_PROVIDER": "openai",
        "REPLYGUARD_LLM_BASE_URL": llm_url,
        "REPLYGUARD_LLM_API_KEY": "loadbench",
        "REPLYGUARD_LLM_MODEL": MODEL,
        "REPLYGUARD_DATABASE_URL": f"sqlite:///{folder / 'loadbench.db'}",
        "REPLYGUARD_RATE_LIMIT_PER_MINUTE": "0",
        "REPLYGUARD_LOG_LEVEL": "WARNING",
        "REPLYGUARD_API_KEYS": "",
    }


@contextlib.contextmanager
def service(
    llm_url: str, folder: Path, workers: int = 1
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`replyguard serve` on a free port with a throwaway SQLite file, ready to use."""
    with serve(service_env(llm_url, folder), folder, workers=workers) as served:
        yield served


def _tree(pid: int) -> Iterator[psutil.Process]:
    """The service process and its workers, if any (a worker gone meanwhile is left out)."""
    process = psutil.Process(pid)
    yield process
    yield from process.children(recursive=True)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the service and its workers have used so far."""
    total = 0.0
    for process in _tree(pid):
        with contextlib.suppress(psutil.Error):
            times = process.cpu_times()
            total += times.user + times.system
    return total


def busy_seconds() -> float:
    """CPU time the whole machine has spent busy so far, on every core."""
    times = psutil.cpu_times()
    # Linux counts guest time inside user time already; waiting for I/O is not busy.
    skip = ("idle", "iowait", "guest", "guest_nice")
    return float(sum(getattr(times, name) for name in times._fields if name not in skip))


def others_cpu_seconds() -> float:
    """The machine's busy time less that of the benchmark's own processes (this load
    generator and its children: the scripted LLM, the service and its workers): what
    other work on a shared machine takes from the cores the figures depend on."""
    return busy_seconds() - cpu_seconds(os.getpid())


def ratio_goal(concurrency: int) -> float | None:
    """The goal for the service's throughput ratio at `concurrency`, if any."""
    below = [level for level in RATIO_GOALS if level <= concurrency]
    return RATIO_GOALS[max(below)] if below else None


def rss_bytes(pid: int) -> int:
    """Resident memory of the service: the process and its workers, if any."""
    total = 0
    for process in _tree(pid):
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


# -- the benchmark ------------------------------------------------------------------
async def _bench(
    llm_url: str,
    service_url: str,
    service_pid: int,
    work: Workload,
    levels: tuple[int, ...],
    seconds: float,
    memory_requests: int,
    memory_every: int,
    memory_concurrency: int,
) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0, force_close=False)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        sides = {
            "llm": (llm_url + "/chat/completions", work.llm_bodies, ok_completion),
            "service": (service_url + "/v1/replies", work.reply_bodies, first_llm_draft),
        }
        results: list[dict[str, Any]] = []
        for level in levels:
            row: dict[str, Any] = {"concurrency": level}
            for side, (url, body, check) in sides.items():
                # Open the connections and warm the path before the clock starts.
                await closed_loop(
                    session, url, body, check, concurrency=level, requests=max(level, len(body))
                )
                cpu = cpu_seconds(service_pid)
                others = others_cpu_seconds()
                run = await closed_loop(
                    session, url, body, check, concurrency=level, seconds=seconds
                )
                row[side] = run.summary()
                # Cores' worth of CPU other work took meanwhile: how noisy the figure is.
                row[side]["others_cores"] = round(
                    max(0.0, others_cpu_seconds() - others) / max(run.seconds, 1e-9), 2
                )
                if side == "service" and run.requests:
                    # What one request costs the service: the figure that sizes workers.
                    used = cpu_seconds(service_pid) - cpu
                    row[side]["cpu_ms_per_request"] = round(used / run.requests * 1000, 2)
            a, b = row["llm"], row["service"]
            row["throughput_ratio"] = (
                round(b["throughput_rps"] / a["throughput_rps"], 3) if a["throughput_rps"] else 0
            )
            row["p50_overhead_ms"] = round(b["p50_ms"] - a["p50_ms"], 2)
            results.append(row)

        samples: list[dict[str, float | int]] = []

        async def sample(done: int) -> None:
            samples.append({"requests": done, "rss_mib": round(rss_bytes(service_pid) / MiB, 2)})

        url, body, check = sides["service"]
        memory = await closed_loop(
            session,
            url,
            body,
            check,
            concurrency=memory_concurrency,
            requests=memory_requests,
            every=memory_every,
            on_every=sample,
        )
    growth = round(samples[-1]["rss_mib"] - samples[0]["rss_mib"], 2) if samples else 0.0
    return {
        "levels": results,
        "memory": {
            **memory.summary(),
            "concurrency": memory_concurrency,
            "every": memory_every,
            "samples": samples,
            "growth_mib": growth,
        },
    }


def run_http_bench(
    console: Console | None = None,
    levels: tuple[int, ...] = (1, 10, 100),
    latency: float = 0.2,
    memory_requests: int = 20_000,
    *,
    seconds: float = 8.0,
    memory_every: int = 1_000,
    memory_concurrency: int = 100,
    workers: int = 1,
    work: Workload | None = None,
) -> dict[str, Any]:
    """Start the scripted LLM and the service, load both side by side at every level,
    then run the memory test; print tables and return every figure."""
    console = console or Console()
    began = time.perf_counter()
    work = work or build_workload()
    with (
        tempfile.TemporaryDirectory(prefix="replyguard-loadbench-") as tmp,
        scripted_llm(latency, work.answers, Path(tmp)) as (llm_url, llm_process),
        service(llm_url, Path(tmp), workers) as (service_url, service_process),
    ):
        pids = {"llm": llm_process.pid, "service": service_process.pid}
        console.print(f"service ready after {time.perf_counter() - began:.1f}s; loading ...")
        report = asyncio.run(
            _bench(
                llm_url,
                service_url,
                service_process.pid,
                work,
                levels,
                seconds,
                memory_requests,
                memory_every,
                memory_concurrency,
            )
        )
    report |= {
        "latency_s": latency,
        "seconds_per_level": seconds,
        "workers": workers,
        "cpu_count": os.cpu_count(),
        "reviews": len(work),
        "pids": pids,
        "total_seconds": round(time.perf_counter() - began, 1),
    }
    print_report(console, report)
    return report


def print_report(console: Console, report: dict[str, Any]) -> None:
    table = Table(
        title=f"(a) scripted LLM ({report['latency_s'] * 1000:g} ms) alone vs (b) through "
        f"POST /v1/replies ({report['workers']} workers, {report['reviews']} reviews), "
        f"closed loop, {report['seconds_per_level']:g} s each"
    )
    for column in ("conc", "a req/s", "a p50", "a p99", "b req/s", "b p50", "b p99"):
        table.add_column(column, justify="right")
    for column in ("errors", "b/a", "goal", "p50 +ms", "cpu ms/req", "others"):
        table.add_column(column, justify="right")
    for row in report["levels"]:
        a, b = row["llm"], row["service"]
        goal = ratio_goal(row["concurrency"])
        table.add_row(
            str(row["concurrency"]),
            f"{a['throughput_rps']:.1f}",
            f"{a['p50_ms']:.1f}",
            f"{a['p99_ms']:.1f}",
            f"{b['throughput_rps']:.1f}",
            f"{b['p50_ms']:.1f}",
            f"{b['p99_ms']:.1f}",
            f"{a['errors']}/{b['errors']}",
            f"{row['throughput_ratio']:.3f}",
            "" if goal is None else f"{goal:.2f}",
            f"{row['p50_overhead_ms']:.1f}",
            f"{b.get('cpu_ms_per_request', 0):.2f}",
            f"{max(a.get('others_cores', 0), b.get('others_cores', 0)):.2f}",
        )
    console.print(table)
    console.print(
        "cpu ms/req: the service's CPU time (all workers) over its requests. others: "
        "cores' worth of CPU that other work on the machine took during the level "
        "(the larger of the two sides); above a few tenths, the figures are noisy."
    )
    top = max(report["levels"], key=lambda row: row["concurrency"])
    errors = sum(row["llm"]["errors"] + row["service"]["errors"] for row in report["levels"])
    cpu_ms = max(top["service"].get("cpu_ms_per_request", 1.0), 0.01)
    ratios = ", ".join(
        f"{row['throughput_ratio']:.2f} at {row['concurrency']} "
        f"({'met' if row['throughput_ratio'] >= goal else 'not met'}, goal {goal:.2f})"
        for row in report["levels"]
        if (goal := ratio_goal(row["concurrency"])) is not None
    )
    console.print(
        f"goals: (b)/(a) {ratios or 'no level with a goal'}; CPU per request at "
        f"{top['concurrency']} concurrent {cpu_ms:.2f} ms "
        f"({'met' if cpu_ms <= CPU_GOAL_MS else 'not met'}, goal {CPU_GOAL_MS:g}); "
        f"errors {errors} (goal 0). At that CPU, {report['cpu_count']} cores serve at "
        f"most about {1000 * (report['cpu_count'] or 1) / cpu_ms:.0f} req/s, whatever "
        "the LLM's speed."
    )
    memory = report["memory"]
    if not memory["requests"]:
        return
    samples = Table(
        title=f"service RSS over {memory['requests']} requests at concurrency "
        f"{memory['concurrency']} ({memory['errors']} errors, "
        f"{memory['throughput_rps']:.1f} req/s)"
    )
    samples.add_column("requests", justify="right")
    samples.add_column("RSS MiB", justify="right")
    for point in memory["samples"]:
        samples.add_row(str(point["requests"]), f"{point['rss_mib']:.1f}")
    console.print(samples)
    console.print(
        f"memory growth from the first sample to the last: {memory['growth_mib']:+.1f} MiB; "
        f"whole run {report['total_seconds']:.1f}s"
    )
