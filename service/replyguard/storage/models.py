"""The tables: one reply per `/v1/replies` call, with its attempts, the checks its
attempts failed, the topics its review names, the agent's feedback and the follow-up's
outcome. A `/v1/revisions` call is a reply too (`kind` "revision"), so feedback and
follow-ups work on it unchanged; what only a revision has (the person's draft, the
changes) is its `revisions` row.

Columns that lists and statistics filter on (business, date, source, scenario, failed
check, topic) are real columns with indexes; what is only ever read back whole (the
business profile, the final checks, an attempt's failed checks) is JSON.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

#: Constraint names that are the same on every backend, so migrations can name them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Stored as UTC on every backend, read back timezone-aware.

    SQLite keeps no zone, so every value is converted to UTC before it is written;
    comparisons and ordering then work on all backends alike.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON,
        list[Any]: JSON,
    }


class Reply(Base):
    __tablename__ = "replies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(index=True)
    business_key: Mapped[str] = mapped_column(String(200))
    business_name: Mapped[str] = mapped_column(String(200))
    business: Mapped[dict[str, Any]]
    review_id: Mapped[str | None] = mapped_column(String(200), index=True)
    #: The review id, or a hash of the text: `not_repeated` skips replies to the same review.
    review_key: Mapped[str] = mapped_column(String(200))
    review_text: Mapped[str] = mapped_column(Text)
    review_rating: Mapped[int | None] = mapped_column(Integer)
    reviewer_name: Mapped[str | None] = mapped_column(String(100))
    review_platform: Mapped[str | None] = mapped_column(String(50))
    review_language: Mapped[str | None] = mapped_column(String(8))
    options: Mapped[dict[str, Any]]
    reply: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16), index=True)
    passed: Mapped[bool] = mapped_column(Boolean)
    language: Mapped[str] = mapped_column(String(8))
    scenario: Mapped[str] = mapped_column(String(32), index=True)
    scenario_reason: Mapped[str] = mapped_column(Text)
    model: Mapped[str] = mapped_column(String(200))
    checks: Mapped[list[Any]]
    #: The alternative drafts returned with the reply (`options.suggestions`), as sent.
    suggestions: Mapped[list[Any]]
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    duration_ms: Mapped[float] = mapped_column(Float)
    #: When the reply was posted (feedback's `sent_at`, or marked sent); starts the follow-up.
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
    #: "reply" (drafted by the service) or "revision" (a person's draft, revised).
    kind: Mapped[str] = mapped_column(String(16), server_default="reply", index=True)

    attempts: Mapped[list[Attempt]] = relationship(
        back_populates="reply",
        order_by="Attempt.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    topics: Mapped[list[ReplyTopic]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    failures: Mapped[list[FailedCheck]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    feedback: Mapped[Feedback | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    outcome: Mapped[Outcome | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )
    revision: Mapped[Revision | None] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (Index("ix_replies_business_created", "business_key", "created_at"),)


class Attempt(Base):
    """One draft: from the LLM (or its error), or the template."""

    __tablename__ = "attempts"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    failed: Mapped[list[Any]]
    error: Mapped[str | None] = mapped_column(Text)
    #: `llm.errors.ErrorKind`; NULL for drafts, and for attempts kept before 0002.
    error_kind: Mapped[str | None] = mapped_column(String(32))
    duration_ms: Mapped[float] = mapped_column(Float)

    reply: Mapped[Reply] = relationship(back_populates="attempts")


class Revision(Base):
    """What a revision has beyond a reply: the person's draft and how it was changed.

    For a revision, `replies.reply` is the revised text and `replies.checks` its checks.
    """

    __tablename__ = "revisions"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    draft: Mapped[str] = mapped_column(Text)
    kept: Mapped[float] = mapped_column(Float)
    changes: Mapped[list[Any]]
    checks_before: Mapped[list[Any]]


class FailedCheck(Base):
    """A check that at least one attempt of the reply failed, or a revision's draft or
    revision failed (for filters and counts)."""

    __tablename__ = "failed_checks"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    name: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)


class ReplyTopic(Base):
    """A problem the review names; business and time copied in for the topic counts."""

    __tablename__ = "reply_topics"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    topic: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: Order in the review (first named first).
    position: Mapped[int] = mapped_column(Integer)
    business_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(index=True)

    __table_args__ = (Index("ix_reply_topics_business_created", "business_key", "created_at"),)


class Feedback(Base):
    """What the agent did with the reply; the latest report wins."""

    __tablename__ = "feedback"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    used_suggestion: Mapped[int | None] = mapped_column(Integer)
    edited: Mapped[bool] = mapped_column(Boolean)
    final_text: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime]


class Outcome(Base):
    """How the follow-up went: satisfied or not, rating updated or not."""

    __tablename__ = "outcomes"

    reply_id: Mapped[str] = mapped_column(
        ForeignKey("replies.id", ondelete="CASCADE"), primary_key=True
    )
    satisfied: Mapped[bool | None] = mapped_column(Boolean)
    rating_updated: Mapped[bool] = mapped_column(Boolean)
    new_rating: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime]
