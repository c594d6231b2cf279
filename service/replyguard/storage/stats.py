"""Statistics over kept replies: counts and rates, and the topics reviews name, with trend.

Everything is counted in SQL (GROUP BY, SUM), not by loading rows, so a year of replies
costs a few aggregate queries.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Integer, case, func, select
from sqlalchemy.orm import Session

from ..history import business_key
from ..record_schemas import FeedbackStats, FollowUpStats, Stats, TopicCount, TopicStats, Trend
from .clock import as_utc, earlier, now
from .filters import ReplyFilter, conditions
from .models import FailedCheck, Feedback, Outcome, Reply, ReplyTopic
from .sessions import Sessions


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


def _as_int(column: Any) -> Any:
    """A boolean column as 0/1, for SUM on every backend."""
    return case((column.is_(True), 1), else_=0).cast(Integer)


def stats(
    db: Sessions,
    *,
    business: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Stats:
    """Counts over the replies created in [since, until) (all time when open)."""
    since = as_utc(since) if since else None
    until = as_utc(until) if until else None
    scope = conditions(ReplyFilter(business=business, since=since, until=until))
    ids = select(Reply.id).where(*scope)

    def grouped(session: Session, column: Any) -> dict[str, int]:
        rows = session.execute(
            select(column, func.count()).where(*scope).group_by(column).order_by(column)
        ).all()
        return {str(value): int(count) for value, count in rows}

    with db.reading("compute statistics") as session:
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
        by_kind = grouped(session, Reply.kind)
        by_source = grouped(session, Reply.source)
        by_scenario = grouped(session, Reply.scenario)
        by_language = grouped(session, Reply.language)
    return Stats(
        business=business,
        since=since,
        until=until,
        replies=int(total),
        passed=int(passed),
        by_kind=by_kind,
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
    db: Sessions,
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
    start = as_utc(since) if since else earlier(end, timedelta(days=30))
    if start >= end:
        raise ValueError("since must be before until")
    before = earlier(start, end - start)
    key = business_key(business) if business else None

    def topic_counts(session: Session, lo: datetime, hi: datetime) -> dict[str, int]:
        query = select(ReplyTopic.topic, func.count()).where(
            ReplyTopic.created_at >= lo, ReplyTopic.created_at < hi
        )
        if key:
            query = query.where(ReplyTopic.business_key == key)
        return {str(t): int(c) for t, c in session.execute(query.group_by(ReplyTopic.topic)).all()}

    def review_count(session: Session, lo: datetime, hi: datetime) -> int:
        scope = conditions(ReplyFilter(business=business, since=lo, until=hi))
        return int(session.scalar(select(func.count()).where(*scope)) or 0)

    with db.reading("count topics") as session:
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
