"""The records store: every reply kept, with what came of it.

Synchronous SQLAlchemy; the API calls it in a worker thread. A reply (or a revision) is written
in one transaction with its attempts, failed checks and topics, so a record is either whole
or absent. Any database failure surfaces as `StoreUnavailable`: nothing is dropped
silently.

`Store` is the one object callers hold; the work is done by `writes`, `queries` and
`stats`, over the sessions of `sessions`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from ..record_schemas import (
    FeedbackRecord,
    FollowUpPage,
    OutcomeRecord,
    OutcomeRequest,
    ReplyPage,
    ReplyRecord,
    Stats,
    TopicStats,
)
from ..schemas import ReplyRequest, ReplyResponse, RevisionRequest, RevisionResponse
from . import migrate, queries, stats, writes
from .clock import as_utc, now
from .cursors import InvalidCursor
from .engine import make_engine
from .filters import ReplyFilter
from .mapping import Rows
from .sessions import Sessions, StoreUnavailable


class SchemaOutdated(StoreUnavailable):
    pass


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._db = Sessions(engine)

    # -- life cycle --------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        """Connect, and migrate the schema (or insist that it is current)."""
        engine = make_engine(url)
        store = cls(engine)
        try:
            with store._db.guard("migrate the schema"):
                if migrate_schema:
                    migrate.upgrade(engine)
                else:
                    found, wanted = migrate.current(engine), migrate.head()
                    if found != wanted:
                        raise SchemaOutdated(
                            f"the records schema is at {found or 'nothing'}, not {wanted}: "
                            "run `replyguard db upgrade`"
                        )
        except BaseException:
            engine.dispose()
            raise
        return store

    def close(self) -> None:
        self.engine.dispose()

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    # -- writing -----------------------------------------------------------------
    def save_reply(
        self,
        request: ReplyRequest,
        response: ReplyResponse,
        *,
        duration_ms: float,
        created_at: datetime | None = None,
    ) -> None:
        """Keep one `/v1/replies` call whole: reply, attempts, failed checks, topics."""
        writes.save_reply(
            self._db, request, response, duration_ms=duration_ms, created_at=created_at
        )

    def reply_rows(
        self, request: ReplyRequest, response: ReplyResponse, *, duration_ms: float
    ) -> Rows:
        """One reply's rows, stamped now, for `save_replies`."""
        return writes.reply_rows(request, response, duration_ms)

    def save_replies(self, replies: list[Rows]) -> list[StoreUnavailable | None]:
        """Keep many replies in one transaction; one outcome each (None: stored).

        Never raises for a reply that cannot be stored: its outcome says why."""
        return writes.save_replies(self._db, replies)

    def save_revision(
        self,
        request: RevisionRequest,
        response: RevisionResponse,
        *,
        duration_ms: float,
        created_at: datetime | None = None,
    ) -> None:
        """Keep one `/v1/revisions` call whole, as a record of kind "revision"."""
        writes.save_revision(
            self._db, request, response, duration_ms=duration_ms, created_at=created_at
        )

    def record_feedback(
        self,
        reply_id: str,
        *,
        used_suggestion: int | None,
        edited: bool,
        final_text: str | None,
        sent_at: datetime | None,
        received_at: datetime | None = None,
    ) -> FeedbackRecord | None:
        """Keep the agent's report (the latest wins); `sent_at` starts the follow-up.

        None when no reply has this id.
        """
        return writes.record_feedback(
            self._db,
            reply_id,
            used_suggestion=used_suggestion,
            edited=edited,
            final_text=final_text,
            sent_at=sent_at,
            received_at=received_at,
        )

    def mark_sent(self, reply_id: str, sent_at: datetime | None = None) -> datetime | None:
        """Mark the reply posted; None when no reply has this id."""
        return writes.mark_sent(self._db, reply_id, sent_at)

    def record_outcome(
        self, reply_id: str, outcome: OutcomeRequest, recorded_at: datetime | None = None
    ) -> OutcomeRecord | None:
        """Keep how the follow-up went (the latest wins); None when no reply has this id."""
        return writes.record_outcome(self._db, reply_id, outcome, recorded_at)

    # -- reading -----------------------------------------------------------------
    def get_reply(self, reply_id: str) -> ReplyRecord | None:
        return queries.get_reply(self._db, reply_id)

    def recent_replies(self, business: str, limit: int) -> list[tuple[str, str]]:
        """The business's last `limit` replies as (review key, reply), oldest first."""
        return queries.recent_replies(self._db, business, limit)

    def list_replies(
        self, filters: ReplyFilter, *, limit: int = 50, cursor: str | None = None
    ) -> ReplyPage:
        """Newest first; pages continue from `cursor` (stable while replies are added)."""
        return queries.list_replies(self._db, filters, limit=limit, cursor=cursor)

    def due_follow_ups(
        self,
        days: int,
        *,
        business: str | None = None,
        limit: int = 50,
        cursor: str | None = None,
        at: datetime | None = None,
    ) -> FollowUpPage:
        """Replies sent at least `days` ago with no outcome yet, longest-waiting first."""
        return queries.due_follow_ups(
            self._db, days, business=business, limit=limit, cursor=cursor, at=at
        )

    def stats(
        self,
        *,
        business: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Stats:
        """Counts over the replies created in [since, until) (all time when open)."""
        return stats.stats(self._db, business=business, since=since, until=until)

    def topic_stats(
        self,
        *,
        business: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 10,
    ) -> TopicStats:
        """The problems reviews name most in [since, until), against the period before.

        Defaults: the last 30 days. The previous period has the same length and ends
        where this one starts, so `trend` compares like with like.
        """
        return stats.topic_stats(self._db, business=business, since=since, until=until, limit=limit)


__all__ = [
    "InvalidCursor",
    "ReplyFilter",
    "SchemaOutdated",
    "Store",
    "StoreUnavailable",
    "as_utc",
    "now",
]
