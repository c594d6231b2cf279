"""The `replyguard` command. Heavy imports happen inside commands, so `--help` is quick."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Guarded replies to negative customer reviews.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
) -> None:
    """Start the HTTP API (settings from REPLYGUARD_* environment variables)."""
    import uvicorn

    from .api import create_app
    from .settings import Settings

    settings = Settings()
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )
    uvicorn.run(create_app(settings), host=host, port=port, log_level=settings.log_level.lower())


@app.command("eval")
def eval_(
    report: Annotated[Path, typer.Option(help="Where to write the JSON report.")] = Path(
        "reports/eval.json"
    ),
    html: Annotated[
        Path | None, typer.Option(help="Also write a self-contained HTML report.")
    ] = None,
    provider: Annotated[
        str | None, typer.Option(help="openai | local | none (default: settings).")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Model name for the provider.")] = None,
    base_url: Annotated[str | None, typer.Option(help="OpenAI-compatible endpoint.")] = None,
    cases: Annotated[
        str | None,
        typer.Option(help="Comma-separated globs on case id, language, scenario or industry."),
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="An earlier JSON report to compare with.")
    ] = None,
    min_pass_rate: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Fail under this pass rate.")
    ] = 0.0,
    max_drop: Annotated[
        float,
        typer.Option(
            min=0.0, max=1.0, help="Fail when a pass rate falls more than this below the baseline."
        ),
    ] = 0.02,
    concurrency: Annotated[int | None, typer.Option(min=1, help="Cases in flight at once.")] = None,
    corpus: Annotated[
        bool, typer.Option(help="Also score the checks on the labelled corpus.")
    ] = True,
) -> None:
    """Run the eval suite on every case and gate on the results."""
    from replyguard_evals.command import run_eval

    raise typer.Exit(
        run_eval(
            report_path=report,
            html_path=html,
            provider=provider,
            model=model,
            base_url=base_url,
            case_filter=cases,
            baseline_path=baseline,
            min_pass_rate=min_pass_rate,
            max_drop=max_drop,
            concurrency=concurrency,
            with_corpus=corpus,
        )
    )


@app.command()
def bench(
    rounds: Annotated[int, typer.Option(min=1, help="Runs per eval case.")] = 30,
) -> None:
    """Time all checks per draft in every language (120 and 2,000 words)."""
    from replyguard_evals.bench import run_bench

    run_bench(rounds)


@app.command()
def accuracy(
    report: Annotated[
        Path | None, typer.Option(help="Also write the scores (and every mistake) as JSON.")
    ] = None,
    min_score: Annotated[
        float,
        typer.Option(min=0.0, max=1.0, help="Exit 1 when a check's precision or recall is lower."),
    ] = 0.0,
    corpus: Annotated[
        Path | None,
        typer.Option(
            help="Folder of labelled drafts (default evals/corpus; evals/holdout is blind)."
        ),
    ] = None,
) -> None:
    """Precision and recall of every check, per language, on a labelled corpus."""
    import json

    from rich.console import Console

    from replyguard.api.app import shared_suite
    from replyguard_evals.command import print_accuracy
    from replyguard_evals.corpus import CORPUS_DIR, corpus_report

    scores = corpus_report(shared_suite(), corpus or CORPUS_DIR)
    print_accuracy(Console(width=160), scores)
    for mistake in scores["mistakes"]:
        print(
            f"{mistake['kind']}: {mistake['check']} [{mistake['language']}] {mistake['draft'][:90]}"
        )
    if report:
        report.write_text(json.dumps(scores, indent=2, ensure_ascii=False), encoding="utf-8")
    low = [
        f"{check} {lang}"
        for check, by_lang in scores["by_check"].items()
        for lang, s in by_lang.items()
        if min(s["precision"], s["recall"]) < min_score
    ]
    if low:
        print("below the minimum score: " + ", ".join(low))
        raise typer.Exit(1)


@app.callback()
def _root() -> None:
    """Guarded replies to negative customer reviews."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
