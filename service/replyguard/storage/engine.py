"""Engines for the two supported backends, set up for safe concurrent writes.

SQLite: WAL (readers never wait for the writer), a busy timeout instead of instant
"database is locked", synchronous=FULL so a committed reply survives a crash or power
cut, foreign keys on, and write transactions that take the write lock up front
(BEGIN IMMEDIATE) so two writers never deadlock on a lock upgrade.
PostgreSQL: psycopg 3, connections checked before use.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import StaticPool

#: Execution option that makes a SQLite transaction take the write lock at BEGIN.
WRITE = "replyguard_write"
SQLITE_BUSY_TIMEOUT_MS = 15_000
PG_CONNECT_TIMEOUT_S = 10


class UnsupportedDatabase(ValueError):
    pass


def normalise_url(url: str | URL) -> URL:
    """`postgresql://` and `postgres://` mean psycopg 3; SQLite and PostgreSQL only."""
    parsed = make_url(url) if isinstance(url, str) else url
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        return parsed
    if backend == "sqlite":
        return parsed
    raise UnsupportedDatabase(
        f"unsupported database {parsed.drivername!r}: use sqlite:///path.db or "
        "postgresql://user:password@host/dbname"
    )


def in_memory(url: URL) -> bool:
    return url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")


def make_engine(url: str | URL, **kwargs: Any) -> Engine:
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite(parsed, **kwargs)
    connect_args: dict[str, Any] = {}
    if "connect_timeout" not in parsed.query:
        # An unreachable server fails in seconds, not after the OS's TCP timeout.
        connect_args["connect_timeout"] = PG_CONNECT_TIMEOUT_S
    return create_engine(parsed, pool_pre_ping=True, connect_args=connect_args, **kwargs)


def _sqlite(url: URL, **kwargs: Any) -> Engine:
    memory = in_memory(url)
    connect_args: dict[str, Any] = {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}
    if memory:
        # One shared connection: every thread must see the same in-memory database.
        connect_args["check_same_thread"] = False
        kwargs.setdefault("poolclass", StaticPool)
    else:
        assert url.database is not None
        Path(url.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args=connect_args, **kwargs)

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA foreign_keys=ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        writing = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")

    return engine
