"""Reading replies back: one record, a filtered page, the due follow-ups, recent texts.

Pages are newest (or longest-waiting) first with an id tie-break, so the order is total
and a cursor resumes exactly after the last row given out.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from ..history import business_key
from ..record_schemas import FollowUpPage, ReplyPage, ReplyRecord
from . import mapping
from .clock import as_utc, now
from .cursors import decode_cursor, encode_cursor
from .filters import ReplyFilter, conditions
from .models import Outcome, Reply
from .sessions import Sessions

#: Everything `mapping.record` and `mapping.summary` read, loaded in a query each.
_WHOLE = (
    selectinload(Reply.attempts),
    selectinload(Reply.topics),
    selectinload(Reply.failures),
    selectinload(Reply.feedback),
    selectinload(Reply.outcome),
    selectinload(Reply.revision),
)


def get_reply(db: Sessions, reply_id: str) -> ReplyRecord | None:
    with db.reading("read the reply") as session:
        row = session.scalars(
            select(Reply).where(Reply.id == reply_id).options(*_WHOLE)
        ).one_or_none()
        return None if row is None else mapping.record(row)


def recent_replies(db: Sessions, business: str, limit: int) -> list[tuple[str, str]]:
    """The business's last `limit` replies as (review key, reply), oldest first."""
    if limit <= 0:
        return []
    with db.reading("read recent replies") as session:
        rows = session.execute(
            select(Reply.review_key, Reply.reply)
            .where(Reply.business_key == business_key(business))
            .order_by(Reply.created_at.desc(), Reply.id.desc())
            .limit(limit)
        ).all()
    return [(key, text) for key, text in reversed(rows)]


def list_replies(
    db: Sessions, filters: ReplyFilter, *, limit: int = 50, cursor: str | None = None
) -> ReplyPage:
    """Newest first; pages continue from `cursor` (stable while replies are added)."""
    query = select(Reply).where(*conditions(filters))
    if cursor:
        moment, key = decode_cursor(cursor)
        query = query.where(
            or_(Reply.created_at < moment, and_(Reply.created_at == moment, Reply.id < key))
        )
    query = (
        query.order_by(Reply.created_at.desc(), Reply.id.desc()).limit(limit + 1).options(*_WHOLE)
    )
    with db.reading("list replies") as session:
        rows = list(session.scalars(query))
        more = len(rows) > limit
        rows = rows[:limit]
        items = [mapping.summary(row) for row in rows]
    last = rows[-1] if more and rows else None
    return ReplyPage(
        items=items, next_cursor=encode_cursor(last.created_at, last.id) if last else None
    )


def due_follow_ups(
    db: Sessions,
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
        sent, key = decode_cursor(cursor)
        query = query.where(or_(Reply.sent_at > sent, and_(Reply.sent_at == sent, Reply.id > key)))
    query = (
        query.order_by(Reply.sent_at, Reply.id)
        .limit(limit + 1)
        .options(selectinload(Reply.feedback))
    )
    with db.reading("list due follow-ups") as session:
        rows = list(session.scalars(query))
        more = len(rows) > limit
        rows = rows[:limit]
        items = [mapping.follow_up(row, moment) for row in rows]
    last = rows[-1] if more and rows else None
    return FollowUpPage(
        days=days,
        items=items,
        next_cursor=encode_cursor(last.sent_at, last.id) if last and last.sent_at else None,
    )
