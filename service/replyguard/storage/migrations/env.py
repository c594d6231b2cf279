"""Alembic's entry point: migrates the connection `storage.migrate` hands over, or,
when alembic's own command line runs it, the URL in its config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, text

from replyguard.storage.engine import WRITE, make_engine
from replyguard.storage.models import Base

#: pg_advisory_xact_lock key: concurrent start-ups migrate one after the other.
PG_LOCK_KEY = 0x7265706C79  # "reply"


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PG_LOCK_KEY})
        context.run_migrations()


def main() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("no database: set sqlalchemy.url or pass a connection")
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            _run(conn.execution_options(**{WRITE: True}))
    finally:
        engine.dispose()


main()
