"""How close `replyguard batch` comes to its ideal throughput against a slow LLM.

With N replies in flight and an LLM that takes L seconds per answer, the best a batch
can do is N / L replies a second; everything else (checks, prompts, the records store,
the output file) should hide inside the LLM's wait. The LLM is the scripted server in
its own process, answering each review of the load benchmark's workload (many
reviews, every language) with a reply that passes every check, so each reply is
exactly one LLM call (no re-asks measured by mistake).
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from pydantic import SecretStr
from rich.console import Console
from rich.table import Table

from replyguard.batch import run_file, run_loop
from replyguard.settings import Settings

from .loadbench import MODEL, Workload, build_workload, scripted_llm


def _settings(base_url: str, database_url: str) -> Settings:
    return Settings(
        llm_provider="openai",
        llm_base_url=base_url,
        llm_api_key=SecretStr("bench"),
        llm_model=MODEL,
        llm_max_retries=0,
        database_url=database_url,
    )


def run_batch_bench(
    console: Console | None = None,
    items: int = 1000,
    concurrency: int = 16,
    latency: float = 0.2,
    work: Workload | None = None,
) -> dict[str, float]:
    """Run `items` reviews through the batch; print and return the figures."""
    console = console or Console()
    work = work or build_workload()
    with tempfile.TemporaryDirectory(prefix="replyguard-batch-bench-") as folder:
        source, out = Path(folder, "in.jsonl"), Path(folder, "out.jsonl")
        with source.open("w", encoding="utf-8") as file:
            for i in range(items):
                body = json.loads(work.reply_bodies[i % len(work)])
                file.write(json.dumps({"id": f"bench-{i}", **body}, ensure_ascii=False) + "\n")
        with scripted_llm(latency, work.answers, Path(folder)) as (url, _process):
            settings = _settings(url, f"sqlite:///{folder}/records.db")
            summary = run_loop(run_file(settings, source, out, concurrency=concurrency))
        first_drafts = sum(
            len(json.loads(line)["reply"]["attempts"]) == 1
            for line in out.read_text(encoding="utf-8").splitlines()
            if json.loads(line)["ok"]
        )
    ideal = concurrency / latency if latency else 0.0
    figures = {
        "items": float(items),
        "reviews": float(len(work)),
        "concurrency": float(concurrency),
        "latency_s": latency,
        "drafted": float(summary.drafted),
        "failed": float(summary.failed),
        "llm_first_draft": round(first_drafts / items, 4) if items else 0.0,
        "elapsed_s": round(summary.elapsed_s, 2),
        "throughput": round(summary.throughput, 1),
        "ideal": round(ideal, 1),
        "ratio": round(summary.throughput / ideal, 3) if ideal else 0.0,
    }
    table = Table(title=f"replyguard batch --concurrency {concurrency} vs a {latency:g} s LLM")
    table.add_column("figure")
    table.add_column("value", justify="right")
    for name, value in figures.items():
        table.add_row(name, f"{value:g}")
    console.print(table)
    if figures["llm_first_draft"] < 1:
        console.print("[red]some replies were re-asked: the figures measure more than one call")
    if figures["ratio"] < 0.9:
        console.print("[yellow]below the goal of 0.9 of the ideal throughput[/yellow]")
    return figures
