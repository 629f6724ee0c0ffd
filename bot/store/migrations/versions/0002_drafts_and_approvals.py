"""Drafts (posts and replies) and the approvals given to them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "draft",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("previous_text", sa.Text(), nullable=True),
        sa.Column("networks", sa.String(length=128), nullable=False),
        sa.Column("author_id", sa.String(length=32), nullable=False),
        sa.Column("campaign", sa.String(length=128), nullable=True),
        sa.Column("tags", sa.String(length=512), nullable=True),
        sa.Column("link", sa.Text(), nullable=True),
        sa.Column("customer_handle", sa.String(length=128), nullable=True),
        sa.Column("scheduled_at", UTCDateTime(), nullable=True),
        sa.Column("required_approvals", sa.Integer(), nullable=False),
        sa.Column("risky_topics", sa.String(length=512), nullable=True),
        sa.Column("last_note", sa.Text(), nullable=True),
        sa.Column("card_channel", sa.String(length=32), nullable=True),
        sa.Column("card_ts", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("submitted_at", UTCDateTime(), nullable=True),
        sa.Column("last_reminded_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_draft_state", "draft", ["state"])
    op.create_index("ix_draft_author_id", "draft", ["author_id"])
    op.create_index("ix_draft_scheduled_at", "draft", ["scheduled_at"])
    op.create_table(
        "draft_approval",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id"), nullable=False),
        sa.Column("approver_id", sa.String(length=32), nullable=False),
        sa.Column("text_hash", sa.String(length=64), nullable=False),
        sa.Column("as_risk_approver", sa.Boolean(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("cancelled_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("draft_id", "approver_id", "text_hash"),
    )
    op.create_index("ix_draft_approval_draft_id", "draft_approval", ["draft_id"])


def downgrade() -> None:
    op.drop_table("draft_approval")
    op.drop_table("draft")
