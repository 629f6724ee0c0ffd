"""Suggested replies, FAQ gaps, and variants learned from approved replies.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("faq_entry") as table:
        table.add_column(sa.Column("learned", sa.Text(), nullable=False, server_default="[]"))
    op.create_table(
        "faq_gap",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=512), nullable=False, unique=True),
        sa.Column("example", sa.Text(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("not_helpful", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", UTCDateTime(), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_faq_gap_last_seen_at", "faq_gap", ["last_seen_at"])
    op.create_table(
        "reply_suggestion",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("customer_text", sa.Text(), nullable=False),
        sa.Column("customer_handle", sa.String(length=128), nullable=True),
        sa.Column("source_link", sa.Text(), nullable=True),
        sa.Column("ranked_ids", sa.Text(), nullable=False),
        sa.Column("option", sa.Integer(), nullable=False),
        sa.Column("faq_id", sa.String(length=128), nullable=True),
        sa.Column("template_id", sa.String(length=128), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=False),
        sa.Column("polished", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id"), nullable=True, unique=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("not_helpful_by", sa.String(length=32), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_reply_suggestion_created_at", "reply_suggestion", ["created_at"])


def downgrade() -> None:
    op.drop_table("reply_suggestion")
    op.drop_table("faq_gap")
    with op.batch_alter_table("faq_entry") as table:
        table.drop_column("learned")
