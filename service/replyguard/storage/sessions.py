"""Sessions on the records database, and the one place database errors are translated.

Every read and write goes through `reading` or `writing`: any SQLAlchemy error becomes
`StoreUnavailable` (logged once, here), and a write is one transaction that commits
whole or rolls back whole.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from .engine import WRITE, in_memory

# The store's logger since before the split: log filters and dashboards keep matching.
log = logging.getLogger("replyguard.storage.store")


class StoreUnavailable(RuntimeError):
    """The database could not be read or written."""


class Sessions:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        # An in-memory SQLite database is one shared connection: one thread at a time.
        self._serial: AbstractContextManager[Any] = (
            threading.RLock() if in_memory(engine.url) else nullcontext()
        )

    @contextmanager
    def guard(self, action: str) -> Iterator[None]:
        """Run `action` alone where the database needs it; its failures as StoreUnavailable."""
        try:
            with self._serial:
                yield
        except SQLAlchemyError as exc:
            log.exception("records store: could not %s", action)
            raise StoreUnavailable(f"could not {action}: {type(exc).__name__}") from exc

    @contextmanager
    def reading(self, action: str) -> Iterator[Session]:
        with self.guard(action), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def writing(self, action: str) -> Iterator[Session]:
        """One transaction that takes the write lock up front (SQLite's BEGIN IMMEDIATE)."""
        with (
            self.guard(action),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session
