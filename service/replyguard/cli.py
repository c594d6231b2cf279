"""The `replyguard` command. Heavy imports happen inside commands, so `--help` is quick."""

from __future__ import annotations

import os
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
    workers: Annotated[
        int,
        typer.Option(
            min=1,
            help="Worker processes sharing the port (one per CPU core uses them all; "
            "each loads its own checks and LLM client).",
        ),
    ] = 1,
) -> None:
    """Start the HTTP API (settings from REPLYGUARD_* environment variables)."""
    import uvicorn

    from replyguard_checks import limit_arenas

    from .api.app import create_app, worker_app
    from .api.observability import configure_logging
    from .settings import Settings

    # Two malloc arenas instead of one per thread: the free memory each arena keeps
    # costs a worker about 13 MiB for nothing (MALLOC_ARENA_MAX overrides).
    limit_arenas(2)

    # The banner names where the page is; workers read it from the environment too.
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    os.environ.setdefault("REPLYGUARD_PUBLIC_URL", f"http://{shown}:{port}")
    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    # uvicorn logs through our handler (JSON, request ids); the access line is ours too.
    options = {
        "host": host,
        "port": port,
        "log_level": settings.log_level.lower(),
        "log_config": None,
        "access_log": False,
    }
    if workers > 1:
        # Each worker process builds its own app from the same environment.
        target = f"{worker_app.__module__}:{worker_app.__name__}"
        uvicorn.run(target, factory=True, workers=workers, **options)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(settings), **options)  # type: ignore[arg-type]


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
    part: Annotated[
        list[str] | None,
        typer.Option(
            help=(
                "checks, http, batch, start, revisions or templates "
                "(repeatable; default: the first four)."
            )
        ),
    ] = None,
    rounds: Annotated[int, typer.Option(min=1, help="checks: drafts per eval case.")] = 6,
    levels: Annotated[
        str, typer.Option(help="http: concurrent requests, comma-separated.")
    ] = "1,10,100",
    seconds: Annotated[
        float, typer.Option(min=0.5, help="http: seconds per side and level.")
    ] = 5.0,
    latency: Annotated[float, typer.Option(min=0.0, help="The scripted LLM's seconds.")] = 0.2,
    memory_requests: Annotated[
        int, typer.Option(min=0, help="http: requests of the memory run (0: none).")
    ] = 20_000,
    workers: Annotated[
        int | None, typer.Option(min=1, help="http: service workers (default: CPU cores).")
    ] = None,
    batch_items: Annotated[int, typer.Option(min=1, help="batch: reviews in the file.")] = 400,
    batch_concurrency: Annotated[
        list[int] | None, typer.Option(help="batch: --concurrency to run (repeatable).")
    ] = None,
    start_runs: Annotated[
        int, typer.Option(min=1, help="start: service starts to take the median of.")
    ] = 3,
    report: Annotated[Path | None, typer.Option(help="Also write every figure as JSON.")] = None,
) -> None:
    """Time the checks per draft, the service against a scripted LLM over HTTP
    (side by side with the LLM alone, and memory over many requests), batch, and one
    worker's start-up time and memory; `--part revisions` revises the real replies of
    the dev split with the rules (not timed: how many pass); `--part templates` answers
    the dev split's reviews with templates only (how many pass, name a detail)."""
    import json
    import os
    import platform
    import sys

    from rich.console import Console

    parts = part or ["checks", "http", "batch", "start"]
    unknown = set(parts) - {"checks", "http", "batch", "start", "revisions", "templates"}
    if unknown:
        raise typer.BadParameter(f"unknown part(s) {sorted(unknown)}", param_hint="--part")
    try:
        level_list = tuple(int(x) for x in levels.split(",") if x.strip())
    except ValueError:
        raise typer.BadParameter(
            "a comma-separated list of numbers", param_hint="--levels"
        ) from None
    # Piped into a file or CI log, the tables keep their columns rather than 80 wide.
    console = Console(width=None if sys.stdout.isatty() else 130)
    figures: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()}
    }
    if "checks" in parts:
        from replyguard_evals.bench import run_bench

        figures["checks"] = run_bench(rounds, console)
    work = None
    if "http" in parts or "batch" in parts:
        from replyguard_evals.loadbench import build_workload

        work = build_workload()
    if "http" in parts:
        from replyguard_evals.loadbench import run_http_bench

        figures["http"] = run_http_bench(
            console,
            level_list,
            latency,
            memory_requests,
            seconds=seconds,
            workers=workers or os.cpu_count() or 1,
            work=work,
        )
    if "batch" in parts:
        from replyguard_evals.batch_bench import run_batch_bench

        figures["batch"] = [
            run_batch_bench(console, batch_items, n, latency, work)
            for n in batch_concurrency or [8, 16, 50]
        ]
    if "start" in parts:
        from replyguard_evals.startbench import run_start_bench

        figures["start"] = run_start_bench(console, runs=start_runs)
    if "revisions" in parts:
        from replyguard_evals.revision_bench import run_revision_bench

        figures["revisions"] = run_revision_bench(console)
    if "templates" in parts:
        from replyguard_evals.template_bench import run_template_bench

        figures["templates"] = run_template_bench(console)
    if report:
        report.parent.mkdir(parents=True, exist_ok=True)
        report.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")


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
            exists=True,
            file_okay=False,
            help="Folder of labelled drafts (default evals/corpus); real replies: "
            "evals/real/dev or evals/real/blind.",
        ),
    ] = None,
    judge: Annotated[
        bool,
        typer.Option(
            help="Also score no_attack with the LLM judge behind it (row no_attack+judge): "
            "the configured remote model (REPLYGUARD_LLM_*) reads every reply no_attack passes."
        ),
    ] = False,
) -> None:
    """Precision, recall and F1 of every check, per language, on a labelled corpus."""
    import json

    from pydantic import ValidationError
    from rich.console import Console

    from replyguard.checks import shared_suite
    from replyguard.settings import Settings
    from replyguard_evals.command import print_accuracy
    from replyguard_evals.corpus import CORPUS_DIR, corpus_report

    judging: Settings | None = None
    if judge:
        try:
            judging = Settings(judge="llm")
        except ValidationError as exc:
            typer.echo(f"--judge: {exc.errors()[0]['msg']}", err=True)
            raise typer.Exit(2) from None
    if judging is None:
        scores = corpus_report(shared_suite(), corpus or CORPUS_DIR)
    else:
        from replyguard_evals.judged import judged_corpus_report

        scores = judged_corpus_report(shared_suite(), corpus or CORPUS_DIR, judging)
    print_accuracy(Console(width=240), scores)
    if judged := scores.get("judge"):
        print(
            f"LLM judge ({judged['model']}): read {judged['judged']} replies that no_attack "
            f"passed, could not judge {judged['unjudged']}"
        )
    if calm := scores.get("calm_disagreement"):
        print(
            f"calm disagreement: {calm['passed']} of {calm['replies']} replies that correct "
            f"the reviewer calmly pass no_attack ({calm['share']:.2f})"
        )
    for mistake in scores["mistakes"]:
        print(
            f"{mistake['kind']}: {mistake['check']} [{mistake['language']}] "
            f"{mistake['note'] or mistake['draft'][:90]}"
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


@app.command()
def train(
    out: Annotated[
        Path | None,
        typer.Option(
            file_okay=False,
            help="Folder to write attack_model.json.gz to (default: the checks' data folder).",
        ),
    ] = None,
) -> None:
    """Fit the attack sentence classifier of `no_attack` on the paraphrases and the real
    dev split (needs scikit-learn: pip install 'replyguard[train]')."""
    import json
    from importlib.util import find_spec

    if find_spec("sklearn") is None:
        print("replyguard train needs scikit-learn: pip install 'replyguard[train]'")
        raise typer.Exit(2)
    from replyguard_evals.train import DEFAULT_OUT, write
    from replyguard_evals.train import train as fit

    model, summary = fit()
    path = write(model, out or DEFAULT_OUT)
    print(json.dumps(summary, indent=2))
    print(f"wrote {path} ({path.stat().st_size / 1024:.0f} KiB)")


@app.command()
def batch(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="IN",
            exists=True,
            dir_okay=False,
            readable=True,
            help='JSON lines: a POST /v1/replies body each, with an optional string "id" '
            "(default: the 1-based line number).",
        ),
    ],
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            dir_okay=False,
            help="Results, one JSON line each; rerun with the same OUT to resume.",
        ),
    ],
    concurrency: Annotated[int, typer.Option(min=1, help="Reviews in flight at once.")] = 16,
) -> None:
    """Draft replies for a file of reviews, like the API (settings from REPLYGUARD_*)."""
    from .batch import batch_command

    raise typer.Exit(batch_command(source, out, concurrency))


@app.command()
def audit(
    source: Annotated[
        Path,
        typer.Argument(
            metavar="IN",
            exists=True,
            dir_okay=False,
            readable=True,
            help='JSON lines: a POST /v1/revisions body each (the published reply as "draft"), '
            'with an optional string "id" (default: the 1-based line number).',
        ),
    ],
    out: Annotated[
        Path,
        typer.Argument(
            metavar="OUT",
            dir_okay=False,
            help="Failed checks and revision, one JSON line each; rerun with the same OUT "
            "to resume.",
        ),
    ],
) -> None:
    """Check and revise (rules only) a backlog of replies already published."""
    from .audit import audit_command

    raise typer.Exit(audit_command(source, out))


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
