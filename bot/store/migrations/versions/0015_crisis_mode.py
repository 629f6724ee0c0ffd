"""Crisis mode: the crisis (or drill) itself, its roles, what it owes Slack, spikes and signals.

``crisis`` is one crisis or drill. ``running_key`` is "running" while it lasts and NULL after its
end; being unique, it makes "start" idempotent across processes: a second start finds the row
taken and points at it. The war room is recorded on the row once made (or the escalation channel,
``war_room_fallback``, when the bot may not create channels), and ``invited_at`` once the people
are in it.

``crisis_post`` is everything crisis mode owes Slack as a message: the briefing, the announcement
in the approvals channel, each status update, the post-mortem, a spike alert. Its unique ``key``
is the claim (inserted in the same transaction as the decision that owes it); the clock posts it
under a lease, composes it from a fresh read, and records ``message_ts``. ``version`` runs ahead
of ``drawn_version`` when a posted message (the briefing) must be redrawn.

``crisis_role`` is who does what in a crisis: one role per person per crisis.

``customer_signal`` is one customer message the bot handled (a reply request, a handoff, a
message in a monitored channel), keyed by its source so one message counts once, with its mood:
the spike detector's series and the post-mortem's volume per hour. ``spike`` is one detected
spike; ``open_key`` keeps one open at a time, so a spike alerts once, not once per message.

``draft.paused_by``/``paused_from`` remember the crisis that paused an approved or scheduled post
and the state it goes back to; ``draft.crisis_id`` marks a draft that needs the extra crisis
approval; ``draft_approval.as_crisis_approver`` records that approval.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "crisis",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_by", sa.String(length=32), nullable=False),
        sa.Column("started_at", UTCDateTime(), nullable=False),
        sa.Column("running_key", sa.String(length=16), nullable=True),
        sa.Column("spike_id", sa.Integer(), nullable=True),
        sa.Column("war_room_channel", sa.String(length=32), nullable=True),
        sa.Column("war_room_fallback", sa.Boolean(), nullable=False),
        sa.Column("room_note", sa.String(length=256), nullable=True),
        sa.Column("invited_at", UTCDateTime(), nullable=True),
        sa.Column("room_attempts", sa.Integer(), nullable=False),
        sa.Column("room_lease_until", UTCDateTime(), nullable=True),
        sa.Column("next_update_at", UTCDateTime(), nullable=True),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("ended_by", sa.String(length=32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_crisis_running_key", "crisis", ["running_key"], unique=True)
    op.create_index("ix_crisis_started_at", "crisis", ["started_at"])
    op.create_table(
        "crisis_role",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("crisis_id", sa.Integer(), sa.ForeignKey("crisis.id"), nullable=False),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("assigned_by", sa.String(length=32), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("crisis_id", "user_id", name="uq_crisis_role_person"),
    )
    op.create_table(
        "crisis_post",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(length=96), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("crisis_id", sa.Integer(), sa.ForeignKey("crisis.id"), nullable=True),
        sa.Column("spike_id", sa.Integer(), nullable=True),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("drawn_version", sa.Integer(), nullable=True),
        sa.Column("given_up_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_crisis_post_key", "crisis_post", ["key"], unique=True)
    op.create_index("ix_crisis_post_crisis_id", "crisis_post", ["crisis_id"])
    op.create_index("ix_crisis_post_posted_at", "crisis_post", ["posted_at"])
    op.create_table(
        "spike",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("open_key", sa.String(length=16), nullable=True),
        sa.Column("detected_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.Column("negative", sa.Integer(), nullable=False),
        sa.Column("baseline_messages", sa.Integer(), nullable=False),
        sa.Column("baseline_negative", sa.Integer(), nullable=False),
        sa.Column("examples", sa.Text(), nullable=False),
        sa.Column("crisis_id", sa.Integer(), nullable=True),
    )
    op.create_index("ix_spike_open_key", "spike", ["open_key"], unique=True)
    op.create_index("ix_spike_detected_at", "spike", ["detected_at"])
    op.create_table(
        "customer_signal",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_key", sa.String(length=96), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("mood", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=True),
        sa.Column("excerpt", sa.Text(), nullable=False),
        sa.Column("drill", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_customer_signal_source_key", "customer_signal", ["source_key"], unique=True)
    op.create_index("ix_customer_signal_at", "customer_signal", ["at"])
    with op.batch_alter_table("draft") as table:
        table.add_column(sa.Column("crisis_id", sa.Integer(), nullable=True))
        table.add_column(sa.Column("paused_by", sa.Integer(), nullable=True))
        table.add_column(sa.Column("paused_from", sa.String(length=32), nullable=True))
    with op.batch_alter_table("draft_approval") as table:
        table.add_column(
            sa.Column("as_crisis_approver", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("reply_suggestion") as table:
        table.add_column(sa.Column("crisis_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply_suggestion") as table:
        table.drop_column("crisis_id")
    with op.batch_alter_table("draft_approval") as table:
        table.drop_column("as_crisis_approver")
    with op.batch_alter_table("draft") as table:
        table.drop_column("paused_from")
        table.drop_column("paused_by")
        table.drop_column("crisis_id")
    op.drop_index("ix_customer_signal_at", table_name="customer_signal")
    op.drop_index("ix_customer_signal_source_key", table_name="customer_signal")
    op.drop_table("customer_signal")
    op.drop_index("ix_spike_detected_at", table_name="spike")
    op.drop_index("ix_spike_open_key", table_name="spike")
    op.drop_table("spike")
    op.drop_index("ix_crisis_post_posted_at", table_name="crisis_post")
    op.drop_index("ix_crisis_post_crisis_id", table_name="crisis_post")
    op.drop_index("ix_crisis_post_key", table_name="crisis_post")
    op.drop_table("crisis_post")
    op.drop_table("crisis_role")
    op.drop_index("ix_crisis_started_at", table_name="crisis")
    op.drop_index("ix_crisis_running_key", table_name="crisis")
    op.drop_table("crisis")
