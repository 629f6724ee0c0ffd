"""FAQ entries, synced from faq/ files or added in Slack.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "faq_entry",
        sa.Column("id", sa.String(length=128), primary_key=True),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("variants", sa.Text(), nullable=False),
        sa.Column("tags", sa.String(length=512), nullable=False),
        sa.Column("handoff", sa.String(length=16), nullable=True),
        sa.Column("owner", sa.String(length=128), nullable=True),
        sa.Column("review_by", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=256), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("faq_entry")
