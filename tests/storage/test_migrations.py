"""Alembic's schema is the models' schema, on both backends; opening a store migrates."""

from __future__ import annotations

import subprocess
import sys

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from tests.storage.conftest import downgrade_to

from replyguard.storage import SchemaOutdated, Store, StoreUnavailable, migrate
from replyguard.storage.engine import UnsupportedDatabase, make_engine
from replyguard.storage.models import Base


def test_upgrade_head_on_an_empty_database_yields_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert migrate.current(engine) is None
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
            tables = set(inspect(connection).get_table_names())
        assert tables == {*Base.metadata.tables, "alembic_version"}
        # Running it again changes nothing.
        migrate.upgrade(engine)
        assert migrate.current(engine) == migrate.head()
    finally:
        engine.dispose()


def test_processes_starting_together_migrate_one_after_the_other(database_url: str) -> None:
    """Four service processes open one empty database at the same moment."""
    script = "import sys; from replyguard.storage import Store; Store.open(sys.argv[1]).close()"
    starts = [
        subprocess.Popen(
            [sys.executable, "-c", script, database_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(4)
    ]
    outputs = [start.communicate(timeout=180)[0].decode(errors="replace") for start in starts]
    assert [start.returncode for start in starts] == [0, 0, 0, 0], outputs
    engine = make_engine(database_url)
    try:
        assert migrate.current(engine) == migrate.head()
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) == {
                *Base.metadata.tables,
                "alembic_version",
            }
    finally:
        engine.dispose()


def test_downgrade_to_base_removes_every_table(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        migrate.upgrade(engine)
        downgrade_to(engine, "base")
        with engine.connect() as connection:
            assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    finally:
        engine.dispose()


def test_a_store_without_migrations_insists_on_a_current_schema(database_url: str) -> None:
    with pytest.raises(SchemaOutdated, match="replyguard db upgrade"):
        Store.open(database_url, migrate_schema=False)
    Store.open(database_url).close()
    Store.open(database_url, migrate_schema=False).close()


def test_an_unreachable_database_is_store_unavailable(tmp_path: object) -> None:
    with pytest.raises(StoreUnavailable):
        Store.open("postgresql://nobody@127.0.0.1:9/none?connect_timeout=2")
    with pytest.raises(UnsupportedDatabase):
        Store.open("mysql://root@localhost/db")


def test_the_db_commands_upgrade_and_report(database_url: str) -> None:
    from typer.testing import CliRunner

    from replyguard.cli import app

    runner = CliRunner()
    behind = runner.invoke(app, ["db", "current", "--url", database_url])
    assert behind.exit_code == 1
    assert "current: none" in behind.output
    done = runner.invoke(app, ["db", "upgrade", "--url", database_url])
    assert done.exit_code == 0, done.output
    assert f"empty -> {migrate.head()}" in done.output
    again = runner.invoke(app, ["db", "upgrade", "--url", database_url])
    assert "already at" in again.output
    assert runner.invoke(app, ["db", "current", "--url", database_url]).exit_code == 0


def test_an_in_memory_database_is_one_shared_database() -> None:
    store = Store.open("sqlite://")
    try:
        assert store.stats().replies == 0
        assert store.due_follow_ups(0).items == []
    finally:
        store.close()
