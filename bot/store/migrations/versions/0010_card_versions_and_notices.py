"""Cards that know which version they show, and the outbox of notices to people.

``draft.card_version`` is the draft version the approval card last showed; a card behind its draft
is redrawn (by the click that finds it, and by the clock's sweep). ``notice`` holds every message
to a person that a decision causes, written in the decision's own transaction and marked
delivered once sent, so a crash between the two resends it instead of losing it.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("draft") as table:
        table.add_column(sa.Column("card_version", sa.Integer(), nullable=True))
    # Cards posted before this revision are taken to show their draft as it is now: the sweep
    # would otherwise redraw every old card once, for nothing.
    op.execute("UPDATE draft SET card_version = version WHERE card_ts IS NOT NULL")
    op.create_table(
        "notice",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("draft_id", sa.Integer(), sa.ForeignKey("draft.id"), nullable=True),
        sa.Column("recipient_id", sa.String(length=32), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("delivered_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_notice_delivered_at", "notice", ["delivered_at"])


def downgrade() -> None:
    op.drop_index("ix_notice_delivered_at", table_name="notice")
    op.drop_table("notice")
    with op.batch_alter_table("draft") as table:
        table.drop_column("card_version")
