"""`replyguard eval`: run the dataset, write the JSON and HTML reports, print a table,
and exit non-zero when the gate fails."""

from __future__ import annotations

import asyncio
import fnmatch
import json
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from replyguard.checks import shared_suite
from replyguard.judge import JUDGE_CHECK
from replyguard.runtime import Runtime
from replyguard.settings import Settings
from replyguard_checks import CheckSuite

from .corpus import CORPUS_DIR, HOLDOUT_DIR, REAL_DIR, REAL_SPLITS, corpus_report
from .dataset import CASES_DIR, EvalCase, load_cases
from .html import render_html
from .report import compare, summarize
from .runner import CaseResult, run_cases


def select(cases: list[EvalCase], patterns: str | None) -> list[EvalCase]:
    """Cases whose id, language, scenario or industry matches one of the
    comma-separated glob patterns (e.g. "de-*,abusive")."""
    if not patterns:
        return cases
    globs = [p.strip() for p in patterns.split(",") if p.strip()]
    return [
        c
        for c in cases
        if any(
            fnmatch.fnmatch(value, g)
            for g in globs
            for value in (c.id, c.language, c.scenario, c.industry)
        )
    ]


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.1%}"


def print_summary(console: Console, report: dict[str, Any]) -> None:
    summary = report["summary"]
    head = Table(
        title=f"replyguard eval · {report['meta']['provider']} / {report['meta']['model']}"
    )
    head.add_column("cases", justify="right")
    head.add_column("pass rate", justify="right")
    head.add_column("first draft", justify="right")
    head.add_column("after re-asks", justify="right")
    head.add_column("re-asks/reply", justify="right")
    head.add_column("p50 / p95 ms", justify="right")
    head.add_column("source")
    head.add_row(
        str(summary["cases"]),
        _pct(summary["pass_rate"]),
        _pct(summary["first_draft_pass_rate"]),
        _pct(summary["llm_pass_rate_after_reasks"]),
        str(summary["reasks_per_reply"] if summary["reasks_per_reply"] is not None else "–"),
        f"{summary['latency_ms']['p50']} / {summary['latency_ms']['p95']}",
        ", ".join(f"{k} {v}" for k, v in summary["source"].items()),
    )
    console.print(head)
    for group, title in (
        ("by_check", "check"),
        ("by_language", "language"),
        ("by_scenario", "scenario"),
    ):
        table = Table(title=f"by {title}")
        table.add_column(title)
        table.add_column("pass rate", justify="right")
        extra = "llm_draft_fail_rate" if group == "by_check" else "cases"
        table.add_column("llm drafts failing" if group == "by_check" else "cases", justify="right")
        for name, row in summary[group].items():
            value = row[extra]
            table.add_row(
                name, _pct(row["pass_rate"]), _pct(value) if group == "by_check" else str(value)
            )
        console.print(table)
    detectors = report.get("detectors")
    if detectors:
        print_accuracy(console, detectors)
    if holdout := report.get("detectors_holdout"):
        print_accuracy(console, holdout, "blind held-out drafts")
    for split, scores in report.get("detectors_real", {}).items():
        print_accuracy(console, scores, f"labels on real replies ({split} split)")


def print_accuracy(
    console: Console, detectors: dict[str, Any], what: str = "labelled drafts"
) -> None:
    """The precision/recall/F1 table of the checks on a labelled corpus."""
    if detectors:
        table = Table(
            title=f"check accuracy on {detectors['drafts']} {what} (precision / recall / F1)"
        )
        table.add_column("check")
        languages = sorted({lang for v in detectors["by_check"].values() for lang in v} - {"all"})
        for lang in [*languages, "all"]:
            table.add_column(lang, justify="right")
        for check, by_lang in detectors["by_check"].items():
            cells = []
            for lang in [*languages, "all"]:
                s = by_lang.get(lang)
                cells.append(f"{s['precision']:.2f}/{s['recall']:.2f}/{s['f1']:.2f}" if s else "–")
            table.add_row(check, *cells)
        console.print(table)


def run_eval(
    *,
    report_path: Path,
    html_path: Path | None,
    provider: str | None,
    model: str | None,
    base_url: str | None,
    case_filter: str | None,
    baseline_path: Path | None,
    min_pass_rate: float,
    max_drop: float,
    concurrency: int | None,
    with_corpus: bool = True,
    suite: CheckSuite | None = None,
    cases_dir: Path = CASES_DIR,
    corpus_dir: Path = CORPUS_DIR,
    console: Console | None = None,
) -> int:
    """Run the whole eval; returns the process exit code (0 ok, 1 gate failed)."""
    console = console or Console(stderr=True, width=160)
    overrides: dict[str, Any] = {
        "llm_provider": provider,
        "llm_model": model,
        "llm_base_url": base_url,
    }
    settings = Settings(**{k: v for k, v in overrides.items() if v is not None})
    suite = suite or shared_suite()
    cases = select(load_cases(cases_dir), case_filter)
    if not cases:
        console.print(f"[red]no eval case matches {case_filter!r}[/red]")
        return 2

    async def go() -> list[CaseResult]:
        # No records: an eval run must not become replies QA and CRMs see.
        async with Runtime.open(settings, records=False, suite=suite) as runtime:
            width = concurrency or (1 if settings.provider == "local" else 4)
            with Progress(
                TextColumn("[bold]eval"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[last]}"),
                TimeElapsedColumn(),
                console=console,
                transient=True,
            ) as progress:
                task = progress.add_task("cases", total=len(cases), last="")

                def done(result: CaseResult) -> None:
                    mark = "✓" if result.passed else "✗"
                    progress.update(task, advance=1, last=f"{mark} {result.case.id}")

                return await run_cases(runtime.pipeline, cases, width, done)

    started = time.perf_counter()
    results = asyncio.run(go())
    report: dict[str, Any] = {
        "meta": {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "provider": settings.provider,
            "model": settings.model_name,
            "max_attempts": settings.max_attempts,
            "judge": settings.judge,
            "filter": case_filter,
            "duration_s": round(time.perf_counter() - started, 1),
        },
        # The LLM judge, when on, is its own row, apart from the checks.
        "summary": summarize(
            results, [*suite.names, *([JUDGE_CHECK] if settings.judge == "llm" else [])]
        ),
        "cases": [r.as_dict() for r in results],
    }
    if with_corpus:
        report["detectors"] = corpus_report(suite, corpus_dir)
        if any(HOLDOUT_DIR.glob("*.yaml")):
            report["detectors_holdout"] = corpus_report(suite, HOLDOUT_DIR)
        # next-blind/ is kept unscored for the next round: never in a report.
        real = {
            split: corpus_report(suite, REAL_DIR / split)
            for split in REAL_SPLITS
            if any((REAL_DIR / split).glob("*.yaml"))
        }
        if real:
            report["detectors_real"] = real
    baseline = json.loads(baseline_path.read_text(encoding="utf-8")) if baseline_path else None
    gate = compare(report, baseline, min_pass_rate, max_drop)
    report["gate"] = asdict(gate)

    report_path.parent.mkdir(parents=True, exist_ok=True)
    report_path.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
    if html_path:
        html_path.parent.mkdir(parents=True, exist_ok=True)
        html_path.write_text(render_html(report), encoding="utf-8")

    print_summary(console, report)
    for case in report["cases"]:
        if not case["passed"]:
            console.print(f"[red]✗ {case['id']}[/red]: {'; '.join(case['problems'])}")
    if gate.worse:
        console.print(
            "[red]worse than the baseline:[/red] " + ", ".join(w["id"] for w in gate.worse)
        )
    if gate.ok:
        console.print(f"[green]gate passed[/green] · report: {report_path}")
        return 0
    for reason in gate.reasons:
        console.print(f"[red]gate failed:[/red] {reason}")
    return 1
