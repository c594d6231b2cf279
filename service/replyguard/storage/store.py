"""The records store: every reply kept, with what came of it.

Synchronous SQLAlchemy; the API calls it in a worker thread. A reply is written in one
transaction with its attempts, failed checks and topics, so a record is either whole
or absent. Any database failure surfaces as `StoreUnavailable`: nothing is dropped
silently.
"""

from __future__ import annotations

import base64
import binascii
import logging
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Engine, Integer, and_, case, func, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from ..history import business_key, review_key
from ..record_schemas import (
    FeedbackRecord,
    FeedbackStats,
    FollowUp,
    FollowUpPage,
    FollowUpStats,
    OutcomeRecord,
    OutcomeRequest,
    ReplyPage,
    ReplyRecord,
    ReplySummary,
    ReviewRecord,
    Stats,
    TopicCount,
    TopicStats,
    Trend,
)
from ..schemas import AttemptOut, CheckOut, ReplyRequest, ReplyResponse, Usage
from . import migrate
from .engine import WRITE, in_memory, make_engine
from .models import Attempt, FailedCheck, Feedback, Outcome, Reply, ReplyTopic

log = logging.getLogger(__name__)


class StoreUnavailable(RuntimeError):
    """The database could not be read or written."""


class SchemaOutdated(StoreUnavailable):
    pass


class InvalidCursor(ValueError):
    pass


def now() -> datetime:
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class ReplyFilter:
    business: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    source: str | None = None
    scenario: str | None = None
    language: str | None = None
    failed_check: str | None = None
    topic: str | None = None
    review_id: str | None = None
    passed: bool | None = None


def _encode_cursor(moment: datetime, key: str) -> str:
    raw = f"{as_utc(moment).isoformat()}|{key}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        moment, key = raw.split("|", 1)
        return as_utc(datetime.fromisoformat(moment)), key
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("cursor: not a cursor this service gave out") from exc


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _trend(count: int, previous: int) -> Trend:
    if previous == 0:
        return "new"
    if count > previous:
        return "up"
    if count < previous:
        return "down"
    return "flat"


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._writer = engine.execution_options(**{WRITE: True})
        # An in-memory SQLite database is one shared connection: one thread at a time.
        self._serial: AbstractContextManager[Any] = (
            threading.RLock() if in_memory(engine.url) else nullcontext()
        )

    # -- life cycle --------------------------------------------------------------
    @classmethod
    def open(cls, url: str, *, migrate_schema: bool = True) -> Store:
        """Connect, and migrate the schema (or insist that it is current)."""
        engine = make_engine(url)
        store = cls(engine)
        try:
            with store._guard("migrate the schema"):
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

    @contextmanager
    def _guard(self, action: str) -> Iterator[None]:
        try:
            with self._serial:
                yield
        except SQLAlchemyError as exc:
            log.exception("records store: could not %s", action)
            raise StoreUnavailable(f"could not {action}: {type(exc).__name__}") from exc

    @contextmanager
    def _reading(self, action: str) -> Iterator[Session]:
        with self._guard(action), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def _writing(self, action: str) -> Iterator[Session]:
        with (
            self._guard(action),
            Session(self._writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

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
        created = as_utc(created_at) if created_at else now()
        review, business = request.review, request.business
        key = business_key(business.name)
        reply = {
            "id": response.id,
            "created_at": created,
            "business_key": key,
            "business_name": business.name,
            "business": business.model_dump(mode="json"),
            "review_id": review.id,
            "review_key": review_key(review.id, review.text),
            "review_text": review.text,
            "review_rating": review.rating,
            "reviewer_name": review.reviewer_name,
            "review_platform": review.platform,
            "review_language": review.language,
            "options": request.options.model_dump(mode="json"),
            "reply": response.reply,
            "source": response.source,
            "passed": response.passed,
            "language": response.language,
            "scenario": response.scenario,
            "scenario_reason": response.scenario_reason,
            "model": response.model,
            "checks": [c.model_dump(mode="json") for c in response.checks],
            "suggestions": [s.model_dump(mode="json") for s in response.suggestions],
            "prompt_tokens": response.usage.prompt_tokens,
            "completion_tokens": response.usage.completion_tokens,
            "duration_ms": round(duration_ms, 2),
        }
        attempts = [
            {
                "reply_id": response.id,
                "position": i,
                "source": a.source,
                "text": a.text,
                "failed": list(a.failed),
                "error": a.error,
                "duration_ms": a.duration_ms,
            }
            for i, a in enumerate(response.attempts)
        ]
        failed = dict.fromkeys(name for a in response.attempts for name in a.failed)
        failures = [{"reply_id": response.id, "name": name} for name in failed]
        topics = [
            {
                "reply_id": response.id,
                "topic": topic,
                "position": i,
                "business_key": key,
                "created_at": created,
            }
            for i, topic in enumerate(dict.fromkeys(response.topics))
        ]
        # Bulk INSERTs, not ORM objects: the unit of work costs more CPU than the rest
        # of a request's bookkeeping, and a new reply has nothing to track.
        with self._writing("save the reply") as session:
            session.execute(insert(Reply), [reply])
            for model, rows in ((Attempt, attempts), (FailedCheck, failures), (ReplyTopic, topics)):
                if rows:
                    session.execute(insert(model), rows)

    def _locked_reply(self, session: Session, reply_id: str) -> Reply | None:
        return session.scalars(
            select(Reply).where(Reply.id == reply_id).with_for_update()
        ).one_or_none()

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
        received = as_utc(received_at) if received_at else now()
        sent = as_utc(sent_at) if sent_at else None
        with self._writing("save the feedback") as session:
            reply = self._locked_reply(session, reply_id)
            if reply is None:
                return None
            row = session.get(Feedback, reply_id)
            if row is None:
                row = Feedback(reply_id=reply_id)
                session.add(row)
            row.used_suggestion = used_suggestion
            row.edited = edited
            row.final_text = final_text
            row.sent_at = sent
            row.received_at = received
            if sent is not None:
                reply.sent_at = sent
            return FeedbackRecord(
                used_suggestion=used_suggestion,
                edited=edited,
                final_text=final_text,
                sent_at=sent,
                received_at=received,
            )

    def mark_sent(self, reply_id: str, sent_at: datetime | None = None) -> datetime | None:
        """Mark the reply posted; None when no reply has this id."""
        sent = as_utc(sent_at) if sent_at else now()
        with self._writing("mark the reply sent") as session:
            reply = self._locked_reply(session, reply_id)
            if reply is None:
                return None
            reply.sent_at = sent
            return sent

    def record_outcome(
        self, reply_id: str, outcome: OutcomeRequest, recorded_at: datetime | None = None
    ) -> OutcomeRecord | None:
        """Keep how the follow-up went (the latest wins); None when no reply has this id."""
        record = OutcomeRecord(
            satisfied=outcome.satisfied,
            rating_updated=outcome.rating_updated or outcome.new_rating is not None,
            new_rating=outcome.new_rating,
            note=outcome.note or None,
            recorded_at=as_utc(recorded_at) if recorded_at else now(),
        )
        with self._writing("save the outcome") as session:
            if self._locked_reply(session, reply_id) is None:
                return None
            row = session.get(Outcome, reply_id)
            if row is None:
                row = Outcome(reply_id=reply_id)
                session.add(row)
            row.satisfied = record.satisfied
            row.rating_updated = record.rating_updated
            row.new_rating = record.new_rating
            row.note = record.note
            row.recorded_at = record.recorded_at
        return record

    # -- reading -----------------------------------------------------------------
    def get_reply(self, reply_id: str) -> ReplyRecord | None:
        with self._reading("read the reply") as session:
            row = session.scalars(
                select(Reply)
                .where(Reply.id == reply_id)
                .options(
                    selectinload(Reply.attempts),
                    selectinload(Reply.topics),
                    selectinload(Reply.failures),
                    selectinload(Reply.feedback),
                    selectinload(Reply.outcome),
                )
            ).one_or_none()
            return None if row is None else _record(row)

    def recent_replies(self, business: str, limit: int) -> list[tuple[str, str]]:
        """The business's last `limit` replies as (review key, reply), oldest first."""
        if limit <= 0:
            return []
        with self._reading("read recent replies") as session:
            rows = session.execute(
                select(Reply.review_key, Reply.reply)
                .where(Reply.business_key == business_key(business))
                .order_by(Reply.created_at.desc(), Reply.id.desc())
                .limit(limit)
            ).all()
        return [(key, text) for key, text in reversed(rows)]

    def list_replies(
        self, filters: ReplyFilter, *, limit: int = 50, cursor: str | None = None
    ) -> ReplyPage:
        """Newest first; pages continue from `cursor` (stable while replies are added)."""
        query = select(Reply).where(*_conditions(filters))
        if cursor:
            moment, key = _decode_cursor(cursor)
            query = query.where(
                or_(Reply.created_at < moment, and_(Reply.created_at == moment, Reply.id < key))
            )
        query = (
            query.order_by(Reply.created_at.desc(), Reply.id.desc())
            .limit(limit + 1)
            .options(
                selectinload(Reply.topics),
                selectinload(Reply.failures),
                selectinload(Reply.attempts),
                selectinload(Reply.feedback),
                selectinload(Reply.outcome),
            )
        )
        with self._reading("list replies") as session:
            rows = list(session.scalars(query))
            more = len(rows) > limit
            rows = rows[:limit]
            items = [_summary(row) for row in rows]
        last = rows[-1] if more and rows else None
        return ReplyPage(
            items=items, next_cursor=_encode_cursor(last.created_at, last.id) if last else None
        )

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
        moment = as_utc(at) if at else now()
        query = (
            select(Reply)
            .outerjoin(Outcome, Outcome.reply_id == Reply.id)
            .where(
                Outcome.reply_id.is_(None),
                Reply.sent_at.is_not(None),
                Reply.sent_at <= moment - timedelta(days=days),
            )
        )
        if business:
            query = query.where(Reply.business_key == business_key(business))
        if cursor:
            sent, key = _decode_cursor(cursor)
            query = query.where(
                or_(Reply.sent_at > sent, and_(Reply.sent_at == sent, Reply.id > key))
            )
        query = (
            query.order_by(Reply.sent_at, Reply.id)
            .limit(limit + 1)
            .options(selectinload(Reply.feedback))
        )
        with self._reading("list due follow-ups") as session:
            rows = list(session.scalars(query))
            more = len(rows) > limit
            rows = rows[:limit]
            items = [_follow_up(row, moment) for row in rows]
        last = rows[-1] if more and rows else None
        return FollowUpPage(
            days=days,
            items=items,
            next_cursor=_encode_cursor(last.sent_at, last.id) if last and last.sent_at else None,
        )

    def stats(
        self,
        *,
        business: str | None = None,
        since: datetime | None = None,
        until: datetime | None = None,
    ) -> Stats:
        """Counts over the replies created in [since, until) (all time when open)."""
        since = as_utc(since) if since else None
        until = as_utc(until) if until else None
        scope = _conditions(ReplyFilter(business=business, since=since, until=until))
        ids = select(Reply.id).where(*scope)

        def grouped(session: Session, column: Any) -> dict[str, int]:
            rows = session.execute(
                select(column, func.count()).where(*scope).group_by(column).order_by(column)
            ).all()
            return {str(value): int(count) for value, count in rows}

        with self._reading("compute statistics") as session:
            total, passed, prompt, completion, mean_ms = session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(_as_int(Reply.passed)), 0),
                    func.coalesce(func.sum(Reply.prompt_tokens), 0),
                    func.coalesce(func.sum(Reply.completion_tokens), 0),
                    func.avg(Reply.duration_ms),
                ).where(*scope)
            ).one()
            failed = {
                str(name): int(count)
                for name, count in session.execute(
                    select(FailedCheck.name, func.count())
                    .where(FailedCheck.reply_id.in_(ids))
                    .group_by(FailedCheck.name)
                    .order_by(func.count().desc(), FailedCheck.name)
                ).all()
            }
            received, edited = session.execute(
                select(func.count(), func.coalesce(func.sum(_as_int(Feedback.edited)), 0)).where(
                    Feedback.reply_id.in_(ids)
                )
            ).one()
            by_suggestion = {
                str(index): int(count)
                for index, count in session.execute(
                    select(Feedback.used_suggestion, func.count())
                    .where(Feedback.reply_id.in_(ids), Feedback.used_suggestion.is_not(None))
                    .group_by(Feedback.used_suggestion)
                    .order_by(Feedback.used_suggestion)
                ).all()
            }
            sent = session.scalar(select(func.count()).where(*scope, Reply.sent_at.is_not(None)))
            outcomes, satisfied, rating_updated = session.execute(
                select(
                    func.count(),
                    func.coalesce(func.sum(_as_int(Outcome.satisfied)), 0),
                    func.coalesce(func.sum(_as_int(Outcome.rating_updated)), 0),
                ).where(Outcome.reply_id.in_(ids))
            ).one()
            by_source = grouped(session, Reply.source)
            by_scenario = grouped(session, Reply.scenario)
            by_language = grouped(session, Reply.language)
        return Stats(
            business=business,
            since=since,
            until=until,
            replies=int(total),
            passed=int(passed),
            by_source=by_source,
            by_scenario=by_scenario,
            by_language=by_language,
            failed_checks=failed,
            prompt_tokens=int(prompt),
            completion_tokens=int(completion),
            mean_duration_ms=round(float(mean_ms), 2) if mean_ms is not None else None,
            feedback=FeedbackStats(
                received=int(received),
                edited=int(edited),
                acceptance_rate=_rate(int(received), int(total)),
                edit_rate=_rate(int(edited), int(received)),
                by_suggestion=by_suggestion,
            ),
            follow_ups=FollowUpStats(
                sent=int(sent or 0),
                outcomes=int(outcomes),
                satisfied=int(satisfied),
                rating_updated=int(rating_updated),
                satisfaction_rate=_rate(int(satisfied), int(outcomes)),
            ),
        )

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
        end = as_utc(until) if until else now()
        start = as_utc(since) if since else _earlier(end, timedelta(days=30))
        if start >= end:
            raise ValueError("since must be before until")
        before = _earlier(start, end - start)
        key = business_key(business) if business else None

        def topic_counts(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
            query = select(ReplyTopic.topic, func.count()).where(
                ReplyTopic.created_at >= lo, ReplyTopic.created_at < hi
            )
            if key:
                query = query.where(ReplyTopic.business_key == key)
            return {
                str(t): int(c) for t, c in session.execute(query.group_by(ReplyTopic.topic)).all()
            }

        def review_count(session: Session, lo: datetime, hi: datetime) -> int:
            scope = _conditions(ReplyFilter(business=business, since=lo, until=hi))
            return int(session.scalar(select(func.count()).where(*scope)) or 0)

        with self._reading("count topics") as session:
            current = topic_counts(session, start, end)
            previous = topic_counts(session, before, start)
            reviews = review_count(session, start, end)
            previous_reviews = review_count(session, before, start)
        ranked = sorted(current.items(), key=lambda item: (-item[1], item[0]))[:limit]
        return TopicStats(
            business=business,
            since=start,
            until=end,
            previous_since=before,
            reviews=reviews,
            previous_reviews=previous_reviews,
            topics=[
                TopicCount(
                    topic=topic,
                    count=count,
                    share=round(count / reviews, 4) if reviews else 0.0,
                    previous_count=previous.get(topic, 0),
                    change=count - previous.get(topic, 0),
                    trend=_trend(count, previous.get(topic, 0)),
                )
                for topic, count in ranked
            ],
        )


def _earlier(moment: datetime, span: timedelta) -> datetime:
    """`moment - span`, or the earliest datetime there is when that is out of range."""
    try:
        return moment - span
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def _as_int(column: Any) -> Any:
    """A boolean column as 0/1, for SUM on every backend."""
    return case((column.is_(True), 1), else_=0).cast(Integer)


def _conditions(filters: ReplyFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.business:
        conditions.append(Reply.business_key == business_key(filters.business))
    if filters.since:
        conditions.append(Reply.created_at >= as_utc(filters.since))
    if filters.until:
        conditions.append(Reply.created_at < as_utc(filters.until))
    if filters.source:
        conditions.append(Reply.source == filters.source)
    if filters.scenario:
        conditions.append(Reply.scenario == filters.scenario)
    if filters.language:
        conditions.append(Reply.language == filters.language)
    if filters.review_id:
        conditions.append(Reply.review_id == filters.review_id)
    if filters.passed is not None:
        conditions.append(Reply.passed.is_(filters.passed))
    if filters.failed_check:
        conditions.append(
            Reply.id.in_(
                select(FailedCheck.reply_id).where(FailedCheck.name == filters.failed_check)
            )
        )
    if filters.topic:
        conditions.append(
            Reply.id.in_(select(ReplyTopic.reply_id).where(ReplyTopic.topic == filters.topic))
        )
    return conditions


def _topics(row: Reply) -> list[str]:
    return [t.topic for t in sorted(row.topics, key=lambda t: t.position)]


def _failed(row: Reply) -> list[str]:
    seen = dict.fromkeys(name for a in row.attempts for name in a.failed)
    return list(seen) or sorted(f.name for f in row.failures)


def _record(row: Reply) -> ReplyRecord:
    feedback, outcome = row.feedback, row.outcome
    return ReplyRecord(
        id=row.id,
        created_at=row.created_at,
        business_name=row.business_name,
        business=row.business,
        review=ReviewRecord(
            text=row.review_text,
            rating=row.review_rating,
            reviewer_name=row.reviewer_name,
            platform=row.review_platform,
            language=row.review_language,
            id=row.review_id,
        ),
        options=row.options,
        reply=row.reply,
        source=row.source,  # type: ignore[arg-type]
        passed=row.passed,
        language=row.language,
        scenario=row.scenario,
        scenario_reason=row.scenario_reason,
        topics=_topics(row),
        checks=[CheckOut.model_validate(c) for c in row.checks],
        attempts=[
            AttemptOut(
                source=a.source,  # type: ignore[arg-type]
                text=a.text,
                failed=list(a.failed),
                error=a.error,
                duration_ms=a.duration_ms,
            )
            for a in row.attempts
        ],
        failed_checks=_failed(row),
        suggestions=list(row.suggestions),
        usage=Usage(prompt_tokens=row.prompt_tokens, completion_tokens=row.completion_tokens),
        duration_ms=row.duration_ms,
        model=row.model,
        review_id=row.review_id,
        sent_at=row.sent_at,
        feedback=None
        if feedback is None
        else FeedbackRecord(
            used_suggestion=feedback.used_suggestion,
            edited=feedback.edited,
            final_text=feedback.final_text,
            sent_at=feedback.sent_at,
            received_at=feedback.received_at,
        ),
        outcome=None
        if outcome is None
        else OutcomeRecord(
            satisfied=outcome.satisfied,
            rating_updated=outcome.rating_updated,
            new_rating=outcome.new_rating,
            note=outcome.note,
            recorded_at=outcome.recorded_at,
        ),
    )


def _summary(row: Reply) -> ReplySummary:
    return ReplySummary(
        id=row.id,
        created_at=row.created_at,
        business_name=row.business_name,
        review_id=row.review_id,
        reviewer_name=row.reviewer_name,
        platform=row.review_platform,
        reply=row.reply,
        source=row.source,  # type: ignore[arg-type]
        passed=row.passed,
        language=row.language,
        scenario=row.scenario,
        topics=_topics(row),
        failed_checks=_failed(row),
        attempts=len(row.attempts),
        sent_at=row.sent_at,
        feedback=row.feedback is not None,
        outcome=row.outcome is not None,
    )


def _sent_text(row: Reply) -> str:
    feedback = row.feedback
    if feedback is not None:
        if feedback.final_text:
            return feedback.final_text
        index = feedback.used_suggestion
        suggestions: Sequence[Any] = row.suggestions or ()
        if index is not None and 0 <= index < len(suggestions):
            text = suggestions[index].get("text") if isinstance(suggestions[index], dict) else None
            if isinstance(text, str) and text:
                return text
    return row.reply


def _follow_up(row: Reply, moment: datetime) -> FollowUp:
    assert row.sent_at is not None
    return FollowUp(
        reply_id=row.id,
        business_name=row.business_name,
        review_id=row.review_id,
        reviewer_name=row.reviewer_name,
        platform=row.review_platform,
        review_text=row.review_text,
        rating=row.review_rating,
        sent_text=_sent_text(row),
        sent_at=row.sent_at,
        days_since_sent=round((moment - row.sent_at).total_seconds() / 86400, 2),
    )


__all__ = [
    "InvalidCursor",
    "ReplyFilter",
    "SchemaOutdated",
    "Store",
    "StoreUnavailable",
]
