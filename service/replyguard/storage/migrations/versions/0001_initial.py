"""Initial schema: replies, attempts, failed checks, topics, feedback, outcomes.

Revision ID: 0001
Revises:
Create Date: 2025-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

#: Timestamps are UTC everywhere (models.UTCDateTime).
Timestamp = sa.DateTime(timezone=True)


def _reply_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["reply_id"], ["replies.id"], name=f"fk_{table}_reply_id_replies", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "replies",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        sa.Column("business_key", sa.String(200), nullable=False),
        sa.Column("business_name", sa.String(200), nullable=False),
        sa.Column("business", sa.JSON(), nullable=False),
        sa.Column("review_id", sa.String(200), nullable=True),
        sa.Column("review_key", sa.String(200), nullable=False),
        sa.Column("review_text", sa.Text(), nullable=False),
        sa.Column("review_rating", sa.Integer(), nullable=True),
        sa.Column("reviewer_name", sa.String(100), nullable=True),
        sa.Column("review_platform", sa.String(50), nullable=True),
        sa.Column("review_language", sa.String(8), nullable=True),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("scenario", sa.String(32), nullable=False),
        sa.Column("scenario_reason", sa.Text(), nullable=False),
        sa.Column("model", sa.String(200), nullable=False),
        sa.Column("checks", sa.JSON(), nullable=False),
        sa.Column("suggestions", sa.JSON(), nullable=False),
        sa.Column("prompt_tokens", sa.Integer(), nullable=False),
        sa.Column("completion_tokens", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("sent_at", Timestamp, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_replies"),
    )
    op.create_index("ix_replies_created_at", "replies", ["created_at"])
    op.create_index("ix_replies_business_created", "replies", ["business_key", "created_at"])
    op.create_index("ix_replies_review_id", "replies", ["review_id"])
    op.create_index("ix_replies_source", "replies", ["source"])
    op.create_index("ix_replies_scenario", "replies", ["scenario"])
    op.create_index("ix_replies_sent_at", "replies", ["sent_at"])

    op.create_table(
        "attempts",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("failed", sa.JSON(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        _reply_fk("attempts"),
        sa.PrimaryKeyConstraint("reply_id", "position", name="pk_attempts"),
    )
    op.create_table(
        "failed_checks",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        _reply_fk("failed_checks"),
        sa.PrimaryKeyConstraint("reply_id", "name", name="pk_failed_checks"),
    )
    op.create_index("ix_failed_checks_name", "failed_checks", ["name"])

    op.create_table(
        "reply_topics",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("business_key", sa.String(200), nullable=False),
        sa.Column("created_at", Timestamp, nullable=False),
        _reply_fk("reply_topics"),
        sa.PrimaryKeyConstraint("reply_id", "topic", name="pk_reply_topics"),
    )
    op.create_index("ix_reply_topics_created_at", "reply_topics", ["created_at"])
    op.create_index(
        "ix_reply_topics_business_created", "reply_topics", ["business_key", "created_at"]
    )

    op.create_table(
        "feedback",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("used_suggestion", sa.Integer(), nullable=True),
        sa.Column("edited", sa.Boolean(), nullable=False),
        sa.Column("final_text", sa.Text(), nullable=True),
        sa.Column("sent_at", Timestamp, nullable=True),
        sa.Column("received_at", Timestamp, nullable=False),
        _reply_fk("feedback"),
        sa.PrimaryKeyConstraint("reply_id", name="pk_feedback"),
    )
    op.create_table(
        "outcomes",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("satisfied", sa.Boolean(), nullable=True),
        sa.Column("rating_updated", sa.Boolean(), nullable=False),
        sa.Column("new_rating", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", Timestamp, nullable=False),
        _reply_fk("outcomes"),
        sa.PrimaryKeyConstraint("reply_id", name="pk_outcomes"),
    )


def downgrade() -> None:
    for table in ("outcomes", "feedback", "reply_topics", "failed_checks", "attempts", "replies"):
        op.drop_table(table)
