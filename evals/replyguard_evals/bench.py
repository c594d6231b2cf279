"""`replyguard bench`: how long the checks take per draft, in every language.

Drafts are real template replies for the eval cases, each made unique per run (so no
cache of a whole draft helps), cut to 120 words and to 2,000 words. Prints p50/p99 per
language. The later runs of a case repeat all but its last sentence, which the checks'
per-sentence caches remember; a request's draft is new text, so the first run of each
case is also reported on its own ("120 words, first reading"), with no such help.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from dataclasses import replace

from rich.console import Console
from rich.table import Table

from replyguard.runtime import Runtime
from replyguard_checks import word_count

from .dataset import load_cases

#: The first run of each case at 120 words: no sentence of it was read before.
FIRST_READING = "120 words, first reading"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _figures(values: list[float]) -> dict[str, float]:
    return {
        "drafts": len(values),
        "p50_ms": round(_percentile(values, 0.5), 2),
        "p99_ms": round(_percentile(values, 0.99), 2),
        "mean_ms": round(statistics.fmean(values), 2),
    }


def _pad(text: str, words: int) -> str:
    """`text` repeated and cut to `words` words: the size a row is labelled with. A
    template of 81 words repeated to "at least 110" was 160 words (#14)."""
    out = text
    while word_count(out) < words:
        out += " " + text
    # The longest prefix of at most `words` words (a CJK character counts half).
    low, high = 0, len(out)
    while low < high:
        middle = (low + high + 1) // 2
        if word_count(out[:middle]) <= words:
            low = middle
        else:
            high = middle - 1
    return out[:low].rstrip()


def run_bench(
    rounds: int = 30, console: Console | None = None
) -> dict[str, dict[str, dict[str, float]]]:
    """Print and return p50/p99/mean ms per draft, by draft size and language."""
    console = console or Console()
    runtime = Runtime.templates_only()
    suite, pipeline = runtime.suite, runtime.pipeline
    timings: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    warmed: set[str] = set()
    for case in load_cases():
        prepared = pipeline.prepare(case.review, case.business, case.options)
        if case.language not in warmed:
            # A language's detectors load on its first text, once in a worker's life
            # (`bench --part start` counts that): read the review, not a timed draft.
            warmed.add(case.language)
            suite.run(case.review.text, prepared.context)
        reply = next(pipeline.templates.candidates(prepared.facts))
        # One word short: the run number appended below makes each draft unique.
        short = _pad(reply, 119)
        long = _pad(reply, 1999)
        # Raise the limit so the 2,000-word draft is really read, not refused on length.
        long_context = replace(prepared.context, max_words=2500)
        for label, text, context, repeats in (
            ("120 words", short, prepared.context, rounds),
            ("2,000 words", long, long_context, max(1, rounds // 10)),
        ):
            for i in range(repeats):
                started = time.perf_counter()
                suite.run(f"{text} {i}", context)
                took = (time.perf_counter() - started) * 1000
                timings[label][case.language].append(took)
                if i == 0 and label == "120 words":
                    timings[FIRST_READING][case.language].append(took)
    summary: dict[str, dict[str, dict[str, float]]] = {}
    for label, by_language in timings.items():
        table = Table(title=f"all checks on a {label} draft (ms)")
        for column in ("language", "drafts", "p50", "p99", "mean"):
            table.add_column(column, justify="left" if column == "language" else "right")
        everything: list[float] = []
        summary[label] = {}
        for language, values in sorted(by_language.items()):
            everything += values
            summary[label][language] = _figures(values)
            table.add_row(
                language,
                str(len(values)),
                f"{_percentile(values, 0.5):.2f}",
                f"{_percentile(values, 0.99):.2f}",
                f"{statistics.fmean(values):.2f}",
            )
        table.add_row(
            "all",
            str(len(everything)),
            f"{_percentile(everything, 0.5):.2f}",
            f"{_percentile(everything, 0.99):.2f}",
            f"{statistics.fmean(everything):.2f}",
        )
        summary[label]["all"] = _figures(everything)
        console.print(table)
    return summary
