"""Revisions are kept in the records: a reply row of kind "revision", and a `revisions`
row with the person's draft, the changes, the share of words kept and the draft's checks.

Rows kept before this revision are replies (`kind` defaults to "reply").

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), server_default="reply", nullable=False))
        batch.create_index("ix_replies_kind", ["kind"])
    op.create_table(
        "revisions",
        sa.Column("reply_id", sa.String(32), nullable=False),
        sa.Column("draft", sa.Text(), nullable=False),
        sa.Column("kept", sa.Float(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("checks_before", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reply_id"],
            ["replies.id"],
            name="fk_revisions_reply_id_replies",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("reply_id", name="pk_revisions"),
    )


def downgrade() -> None:
    op.drop_table("revisions")
    with op.batch_alter_table("replies") as batch:
        batch.drop_index("ix_replies_kind")
        batch.drop_column("kind")
