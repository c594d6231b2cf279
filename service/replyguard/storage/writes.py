"""Writing: a reply or a revision whole, then what the agent and the follow-up report
about it.

Each function is one transaction (`save_replies` one for many replies: group commit).
A report about a reply locks the reply's row first, so concurrent reports about one
reply apply one after the other.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from ..record_schemas import FeedbackRecord, OutcomeRecord, OutcomeRequest
from ..schemas import ReplyRequest, ReplyResponse, RevisionRequest, RevisionResponse
from . import mapping
from .clock import as_utc, now
from .models import Base, Feedback, Outcome, Reply
from .sessions import Sessions, StoreUnavailable


def save_reply(
    db: Sessions,
    request: ReplyRequest,
    response: ReplyResponse,
    *,
    duration_ms: float,
    created_at: datetime | None = None,
) -> None:
    """Keep one `/v1/replies` call whole: reply, attempts, failed checks, topics."""
    _insert_all(db, reply_rows(request, response, duration_ms, created_at), "save the reply")


def reply_rows(
    request: ReplyRequest,
    response: ReplyResponse,
    duration_ms: float,
    created_at: datetime | None = None,
) -> mapping.Rows:
    """The rows of one reply, stamped now unless `created_at` says otherwise."""
    created = as_utc(created_at) if created_at else now()
    return mapping.reply_rows(request, response, created=created, duration_ms=duration_ms)


def save_replies(db: Sessions, replies: list[mapping.Rows]) -> list[StoreUnavailable | None]:
    """Keep many replies in one transaction (one commit, one fsync), each whole.

    Returns one outcome per reply: None when it is stored, else why not. When the
    shared transaction fails, each reply is tried again in its own, so only a reply
    that cannot be stored fails (a database that is down fails them all)."""
    if len(replies) > 1:
        merged: dict[type[Base], list[dict[str, Any]]] = {}
        for tables in replies:
            # Parents first in every reply's rows, so parents first in the merge too.
            for model, rows in tables:
                merged.setdefault(model, []).extend(rows)
        try:
            _insert_all(db, list(merged.items()), f"save {len(replies)} replies")
            return [None] * len(replies)
        except StoreUnavailable:
            pass
    outcomes: list[StoreUnavailable | None] = []
    for tables in replies:
        try:
            _insert_all(db, tables, "save the reply")
            outcomes.append(None)
        except StoreUnavailable as exc:
            outcomes.append(exc)
    return outcomes


def save_revision(
    db: Sessions,
    request: RevisionRequest,
    response: RevisionResponse,
    *,
    duration_ms: float,
    created_at: datetime | None = None,
) -> None:
    """Keep one `/v1/revisions` call whole: its reply row, draft and changes, the
    checks failed, topics."""
    created = as_utc(created_at) if created_at else now()
    tables = mapping.revision_rows(request, response, created=created, duration_ms=duration_ms)
    _insert_all(db, tables, "save the revision")


def _insert_all(db: Sessions, tables: mapping.Rows, doing: str) -> None:
    """One transaction: every row or none."""
    # Core bulk INSERTs on the tables, not ORM objects nor ORM bulk inserts: the unit
    # of work costs more CPU than the rest of a request's bookkeeping, and a new reply
    # has nothing to track (the rows' keys are the column names; a test holds the
    # records read back equal to the replies).
    with db.writing(doing) as session:
        for model, rows in tables:
            if rows:
                session.execute(insert(cast(Table, model.__table__)), rows)


def _locked_reply(session: Session, reply_id: str) -> Reply | None:
    return session.scalars(
        select(Reply).where(Reply.id == reply_id).with_for_update()
    ).one_or_none()


def record_feedback(
    db: Sessions,
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
    record = FeedbackRecord(
        used_suggestion=used_suggestion,
        edited=edited,
        final_text=final_text,
        sent_at=sent,
        received_at=received,
    )
    with db.writing("save the feedback") as session:
        reply = _locked_reply(session, reply_id)
        if reply is None:
            return None
        row = session.get(Feedback, reply_id)
        if row is None:
            row = Feedback(reply_id=reply_id)
            session.add(row)
        mapping.copy_into(row, record, mapping.FEEDBACK)
        if sent is not None:
            reply.sent_at = sent
    return record


def mark_sent(db: Sessions, reply_id: str, sent_at: datetime | None = None) -> datetime | None:
    """Mark the reply posted; None when no reply has this id."""
    sent = as_utc(sent_at) if sent_at else now()
    with db.writing("mark the reply sent") as session:
        reply = _locked_reply(session, reply_id)
        if reply is None:
            return None
        reply.sent_at = sent
    return sent


def record_outcome(
    db: Sessions, reply_id: str, outcome: OutcomeRequest, recorded_at: datetime | None = None
) -> OutcomeRecord | None:
    """Keep how the follow-up went (the latest wins); None when no reply has this id."""
    record = OutcomeRecord(
        satisfied=outcome.satisfied,
        rating_updated=outcome.rating_updated or outcome.new_rating is not None,
        new_rating=outcome.new_rating,
        note=outcome.note or None,
        recorded_at=as_utc(recorded_at) if recorded_at else now(),
    )
    with db.writing("save the outcome") as session:
        if _locked_reply(session, reply_id) is None:
            return None
        row = session.get(Outcome, reply_id)
        if row is None:
            row = Outcome(reply_id=reply_id)
            session.add(row)
        mapping.copy_into(row, record, mapping.OUTCOME)
    return record
