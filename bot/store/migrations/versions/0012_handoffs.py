"""Handoffs to support and sales, and notices that go to a channel or a thread.

``handoff`` is a conversation handed to another team: its state moves open → claimed → resolved
(or bounced) by a conditional UPDATE on (id, state, version), like a draft. The packet it owes
the team channel is owed while ``packet_ts`` is empty (posted under a lease, like an approval
card); its SLA timers are columns the clock sets once (``reminded_at``, ``*_escalated_at``).
``source_key`` is unique, so one Slack message is handed off once (a bounce frees it).

``reply_suggestion.source_ts`` is the customer message's ts (in ``channel_id``), so a handoff
from a suggestion knows which message it hands off.

``notice.channel`` / ``notice.thread_ts`` let a notice go to a channel or a thread (the
requester's original thread, the packet's thread) instead of a DM to ``recipient_id``.

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("team", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("customer_text", sa.Text(), nullable=False),
        sa.Column("customer_handle", sa.String(length=128), nullable=True),
        sa.Column("network", sa.String(length=16), nullable=True),
        sa.Column("source_channel", sa.String(length=32), nullable=True),
        sa.Column("source_ts", sa.String(length=32), nullable=True),
        sa.Column("source_link", sa.Text(), nullable=True),
        sa.Column("source_key", sa.String(length=80), nullable=True),
        sa.Column(
            "suggestion_id", sa.Integer(), sa.ForeignKey("reply_suggestion.id"), nullable=True
        ),
        sa.Column("faq_id", sa.String(length=128), nullable=True),
        sa.Column("route_reason", sa.String(length=256), nullable=False),
        sa.Column("mood", sa.String(length=16), nullable=False),
        sa.Column("mood_words", sa.String(length=512), nullable=True),
        sa.Column(
            "holding_suggestion_id",
            sa.Integer(),
            sa.ForeignKey("reply_suggestion.id"),
            nullable=True,
        ),
        sa.Column("requested_by", sa.String(length=32), nullable=False),
        sa.Column("owner_id", sa.String(length=32), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=32), nullable=True),
        sa.Column("close_note", sa.Text(), nullable=True),
        sa.Column("packet_channel", sa.String(length=32), nullable=True),
        sa.Column("packet_ts", sa.String(length=32), nullable=True),
        sa.Column("packet_claimed_until", UTCDateTime(), nullable=True),
        sa.Column("packet_version", sa.Integer(), nullable=True),
        sa.Column("claim_due_at", UTCDateTime(), nullable=False),
        sa.Column("remind_at", UTCDateTime(), nullable=False),
        sa.Column("resolve_due_at", UTCDateTime(), nullable=True),
        sa.Column("reminded_at", UTCDateTime(), nullable=True),
        sa.Column("claim_escalated_at", UTCDateTime(), nullable=True),
        sa.Column("resolve_escalated_at", UTCDateTime(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_handoff_source_key", "handoff", ["source_key"], unique=True)
    # The lists: a team's open handoffs newest first, a person's handoffs newest first.
    op.create_index("ix_handoff_team_state_id", "handoff", ["team", "state", "id"])
    op.create_index("ix_handoff_owner_state_id", "handoff", ["owner_id", "state", "id"])
    op.create_index("ix_handoff_state_id", "handoff", ["state", "id"])
    with op.batch_alter_table("reply_suggestion") as table:
        table.add_column(sa.Column("source_ts", sa.String(length=32), nullable=True))
    with op.batch_alter_table("notice") as table:
        table.add_column(sa.Column("channel", sa.String(length=32), nullable=True))
        table.add_column(sa.Column("thread_ts", sa.String(length=32), nullable=True))
        # No foreign key: SQLite's batch mode would have to name it; the id is only read back.
        table.add_column(sa.Column("handoff_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notice") as table:
        table.drop_column("handoff_id")
        table.drop_column("thread_ts")
        table.drop_column("channel")
    with op.batch_alter_table("reply_suggestion") as table:
        table.drop_column("source_ts")
    op.drop_index("ix_handoff_state_id", table_name="handoff")
    op.drop_index("ix_handoff_owner_state_id", table_name="handoff")
    op.drop_index("ix_handoff_team_state_id", table_name="handoff")
    op.drop_index("ix_handoff_source_key", table_name="handoff")
    op.drop_table("handoff")
