"""`replyguard bench`, scaled down: every part runs end to end against real processes
(the scripted LLM and `replyguard serve` over HTTP) and reports sane figures."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from typer.testing import CliRunner

from replyguard.cli import app
from replyguard_evals.loadbench import Workload, build_workload, print_report, ratio_goal


@pytest.fixture(scope="module")
def work() -> Workload:
    return build_workload(limit=12)


def test_workload_mixes_languages_and_businesses(work: Workload) -> None:
    bodies = [json.loads(b) for b in work.reply_bodies]
    names = {b["business"]["name"] for b in bodies}
    assert len(work) == 12
    assert len(names) == 12
    keys = [key for key, _ in work.answers]
    assert len(set(keys)) == len(keys)
    # Each LLM request carries its own review, so the scripted server can tell them apart.
    for llm, (key, _) in zip(work.llm_bodies, work.answers, strict=True):
        messages = json.loads(llm)["messages"]
        assert key in " ".join(m["content"] for m in messages)


@pytest.mark.slow
def test_bench_http_and_batch_end_to_end(tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app,
        [
            "bench",
            "--part", "http",
            "--part", "batch",
            "--levels", "1,4",
            "--seconds", "1",
            "--latency", "0.05",
            "--memory-requests", "60",
            "--workers", "1",
            "--batch-items", "30",
            "--batch-concurrency", "5",
            "--report", str(report),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    figures = json.loads(report.read_text())
    http = figures["http"]
    assert [row["concurrency"] for row in http["levels"]] == [1, 4]
    for row in http["levels"]:
        assert row["llm"]["errors"] == 0
        # Every service answer was the LLM's first draft, passed and returned.
        assert row["service"]["errors"] == 0
        assert row["service"]["requests"] > 0
        assert row["service"]["p50_ms"] >= row["llm"]["p50_ms"] > 50
        assert row["service"]["cpu_ms_per_request"] > 0
    memory = http["memory"]
    assert memory["requests"] == 60
    assert memory["errors"] == 0
    [batch] = figures["batch"]
    assert batch["drafted"] == 30
    assert batch["failed"] == 0
    assert batch["llm_first_draft"] == 1
    assert 0 < batch["ratio"] <= 1.05
    assert "(b)/(a)" in result.output or "b/a" in result.output


def test_bench_refuses_an_unknown_part() -> None:
    result = CliRunner().invoke(app, ["bench", "--part", "disk"])
    assert result.exit_code == 2
    assert "unknown part" in result.output


@pytest.mark.slow
def test_bench_checks_reports_every_language(tmp_path: Path) -> None:
    report = tmp_path / "checks.json"
    result = CliRunner().invoke(
        app, ["bench", "--part", "checks", "--rounds", "1", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    checks = json.loads(report.read_text())["checks"]
    for size in ("120 words", "2,000 words", "120 words, first reading"):
        languages = set(checks[size]) - {"all"}
        assert languages == {"bg", "de", "en", "es", "fr", "nl", "pl", "sl", "zh"}
        for figures in checks[size].values():
            assert 0 < figures["p50_ms"] <= figures["p99_ms"]
    # With one round every 120-word draft is a first reading.
    assert (
        checks["120 words, first reading"]["all"]["drafts"] == checks["120 words"]["all"]["drafts"]
    )
    # A 2,000-word draft is really read, not refused on its length alone.
    assert checks["2,000 words"]["all"]["p50_ms"] > checks["120 words"]["all"]["p50_ms"]


@pytest.mark.slow
def test_bench_start_prints_readiness_and_memory(tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    result = CliRunner().invoke(
        app, ["bench", "--part", "start", "--start-runs", "1", "--report", str(report)]
    )
    assert result.exit_code == 0, result.output
    for row in (
        "seconds from start to a ready /healthz",
        "resident MiB when ready",
        "resident MiB idle",
        "resident MiB after one reply in each of 9 languages",
        "more replies",
    ):
        assert row in result.output
    start = json.loads(report.read_text())["start"]
    assert start["errors"] == 0
    assert start["languages"] == ["bg", "de", "en", "es", "fr", "nl", "pl", "sl", "zh"]
    assert start["median"]["ready_s"] > 0
    assert start["median"]["languages_mib"] > 0


def _level(concurrency: int, a_rps: float, b_rps: float, cpu_ms: float) -> dict[str, Any]:
    side = {"errors": 0, "p50_ms": 200.0, "p99_ms": 210.0, "others_cores": 0.1}
    return {
        "concurrency": concurrency,
        "llm": side | {"throughput_rps": a_rps},
        "service": side | {"throughput_rps": b_rps, "cpu_ms_per_request": cpu_ms},
        "throughput_ratio": round(b_rps / a_rps, 3),
        "p50_overhead_ms": 3.0,
    }


def test_the_http_report_says_which_goals_are_met() -> None:
    assert [ratio_goal(n) for n in (1, 4, 10, 50, 100, 400)] == [0.95, 0.95, 0.95, 0.95, 0.8, 0.8]
    report = {
        "latency_s": 0.2,
        "workers": 2,
        "reviews": 90,
        "seconds_per_level": 5.0,
        "cpu_count": 2,
        "total_seconds": 60.0,
        "levels": [
            _level(1, 5.0, 4.9, 3.0),
            _level(10, 49.0, 44.0, 2.6),
            _level(100, 450, 400, 2.4),
        ],
        "memory": {"requests": 0},
    }
    console = Console(record=True, width=300)
    print_report(console, report)
    text = " ".join(console.export_text().split())
    assert "0.98 at 1 (met, goal 0.95)" in text
    assert "0.90 at 10 (not met, goal 0.95)" in text
    assert "0.89 at 100 (met, goal 0.80)" in text
    assert "CPU per request at 100 concurrent 2.40 ms (met, goal 2.5)" in text
    assert "RSS" not in text  # no memory run, no memory table


@pytest.mark.parametrize(
    "text",
    [
        "The soup was cold and we waited two hours for a table.",
        "湯是冷的，我們等了兩個小時才有位子。",
        "Zupa była zimna, a na stolik czekaliśmy dwie godziny.",
    ],
)
@pytest.mark.parametrize("size", [119, 1999])
def test_bench_drafts_have_the_size_their_row_is_labelled_with(text: str, size: int) -> None:
    from replyguard_checks import word_count
    from replyguard_evals.bench import _pad

    # Repeating a whole template "until at least 110 words" once gave 160-word drafts.
    assert size - 1 < word_count(_pad(text, size)) <= size
