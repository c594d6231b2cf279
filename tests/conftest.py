"""Shared fixtures. Components that take seconds to build are built once per session."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("OTEL_SDK_DISABLED", "true")
# Records never go to the working directory's replyguard.db, not even from an app a
# test module builds at import time, before any fixture runs.
os.environ["REPLYGUARD_DATABASE_URL"] = (
    f"sqlite:///{tempfile.mkdtemp(prefix='replyguard-test-records-')}/import.db"
)

from tests.databases import REQUIRE_POSTGRES, PostgresServer, Unavailable, start_postgres

from replyguard.checks import shared_suite
from replyguard.pipeline import ReplyPipeline
from replyguard.settings import Settings
from replyguard_checks import CheckSuite

RECORDS = Path(os.environ["REPLYGUARD_DATABASE_URL"].removeprefix("sqlite:///")).parent
atexit.register(shutil.rmtree, RECORDS, ignore_errors=True)


@pytest.fixture(scope="session")
def suite() -> CheckSuite:
    return shared_suite()


@pytest.fixture(scope="session")
def templates_only() -> ReplyPipeline:
    settings = Settings(llm_provider="none")
    return ReplyPipeline(settings, None, shared_suite())


@pytest.fixture(scope="session", autouse=True)
def _block_real_llms() -> None:
    """No test may reach a real LLM: anything that falls back to OpenAI's defaults
    hits the discard port on localhost and fails at once. Nor may a test write the
    records of the working directory: the session gets its own SQLite file."""
    os.environ["OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
    os.environ["OPENAI_API_KEY"] = "blocked-in-tests"
    for name in [k for k in os.environ if k.startswith("REPLYGUARD_")]:
        del os.environ[name]
    os.environ["REPLYGUARD_DATABASE_URL"] = f"sqlite:///{RECORDS / 'session.db'}"


@pytest.fixture(scope="module", autouse=True)
def _own_records(_block_real_llms: None) -> Iterator[None]:
    """Each test module keeps its replies in a records file of its own, so that
    `not_repeated` never sees another module's replies: a test's outcome must not
    depend on which modules ran before it. (Autouse: set before the module's apps.)"""
    folder = Path(tempfile.mkdtemp(prefix="module-", dir=RECORDS))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("REPLYGUARD_DATABASE_URL", f"sqlite:///{folder / 'records.db'}")
        yield


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A real PostgreSQL server for the session; skipped where PostgreSQL is missing,
    except with REPLYGUARD_REQUIRE_POSTGRES=1 (CI), where that fails the tests."""
    try:
        server = start_postgres()
    except Unavailable as exc:
        if REQUIRE_POSTGRES:
            pytest.fail(f"REPLYGUARD_REQUIRE_POSTGRES=1 but PostgreSQL cannot start: {exc}")
        pytest.skip(f"PostgreSQL unavailable: {exc}")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database on each backend: a fresh SQLite file, or a fresh PostgreSQL
    database on the session's server."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/records.db"
        return
    server: PostgresServer = request.getfixturevalue("postgres")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)
