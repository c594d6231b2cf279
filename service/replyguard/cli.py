"""The `replyguard` command. Heavy imports happen inside commands, so `--help` is quick."""

from __future__ import annotations

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
    from .api.observability import configure_logging
    from .settings import Settings

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    # uvicorn logs through our handler (JSON, request ids); the access line is ours too.
    uvicorn.run(
        create_app(settings),
        host=host,
        port=port,
        log_level=settings.log_level.lower(),
        log_config=None,
        access_log=False,
    )


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


db = typer.Typer(help="The records database (REPLYGUARD_DATABASE_URL).", no_args_is_help=True)
app.add_typer(db, name="db")

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--url", help="Database URL (default: REPLYGUARD_DATABASE_URL, or the SQLite file)."
    ),
]


@db.command("upgrade")
def db_upgrade(
    url: DatabaseUrl = None,
    revision: Annotated[str, typer.Option(help="Target revision.")] = "head",
) -> None:
    """Apply the schema migrations (the service also does this at start-up)."""
    from .settings import Settings
    from .storage import migrate
    from .storage.engine import make_engine

    engine = make_engine(url or Settings().database_url)
    try:
        before = migrate.current(engine)
        migrate.upgrade(engine, revision)
        after = migrate.current(engine)
    finally:
        engine.dispose()
    where = engine.url.render_as_string(hide_password=True)
    if before == after:
        print(f"{where}: already at {after}")
    else:
        print(f"{where}: {before or 'empty'} -> {after}")


@db.command("current")
def db_current(url: DatabaseUrl = None) -> None:
    """Print the schema revision of the database and the newest one this version has."""
    from .settings import Settings
    from .storage import migrate
    from .storage.engine import make_engine

    engine = make_engine(url or Settings().database_url)
    try:
        found = migrate.current(engine)
    finally:
        engine.dispose()
    wanted = migrate.head()
    print(f"current: {found or 'none'}; head: {wanted}")
    if found != wanted:
        raise typer.Exit(1)


@app.callback()
def _root() -> None:
    """Guarded replies to negative customer reviews."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
