"""The `replyguard` command. Heavy imports happen inside commands, so `--help` is quick."""

from __future__ import annotations

import logging

import typer

app = typer.Typer(
    help="Guarded replies to negative customer reviews.",
    no_args_is_help=True,
    add_completion=False,
)


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="Interface to listen on."),
    port: int = typer.Option(8000, help="TCP port."),
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


@app.callback()
def _root() -> None:
    """Guarded replies to negative customer reviews."""


def main() -> None:
    app()
