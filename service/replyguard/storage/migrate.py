"""Schema migrations, run from Python: at start-up, by `replyguard db upgrade`, and by
the tests. Alembic's scripts live in `migrations/` inside the package."""

from __future__ import annotations

import threading
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from .engine import WRITE

MIGRATIONS = Path(__file__).with_name("migrations")
#: Alembic's `context` and `op` are module-level proxies: one migration per process at a time.
_ALEMBIC = threading.Lock()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head() -> str:
    revision = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` in one transaction.

    SQLite takes its write lock at BEGIN and PostgreSQL an advisory lock (env.py), so
    several processes starting at once migrate one after the other; within a process a
    lock does the same (alembic keeps its state in module globals).
    """
    config = alembic_config()
    with _ALEMBIC, engine.connect() as connection:
        config.attributes["connection"] = connection.execution_options(**{WRITE: True})
        command.upgrade(config, revision)
        connection.commit()
