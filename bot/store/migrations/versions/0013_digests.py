"""Daily digests: subscriptions, their runs, and the indexes the digest's window queries use.

``digest_subscription`` is one channel's digest: a local time and an IANA time zone, and whether
the Monday weekly summary goes too. Unsubscribing sets ``unsubscribed_at`` (a later subscribe
brings the same row back), so the runs that refer to it keep their meaning.

``digest_run`` is the claim that makes a digest go out once: its unique key (subscription, local
date, kind) is inserted by the first clock that gets to it, before anything is posted. The row
then records what is still owed (``posted_at`` empty: the post, retried under a lease;
``chart_done_at`` empty: the chart in the post's thread) or that the run was skipped
(``skipped_reason``: the clock was down past the grace period).

The window queries count rows by when something happened: handoffs by ``created_at``,
``claimed_at``, ``closed_at`` and ``claim_due_at``; audit entries by ``action`` and ``at``.

``reply_suggestion.mood`` is the customer message's mood when it was read, for the digest's
sentiment mix (rows older than the column are read again when counted).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None

_HANDOFF_WINDOW_COLUMNS = ("created_at", "claimed_at", "closed_at", "claim_due_at")


def upgrade() -> None:
    op.create_table(
        "digest_subscription",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("weekly", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("active_since", UTCDateTime(), nullable=False),
        sa.Column("unsubscribed_at", UTCDateTime(), nullable=True),
    )
    op.create_index(
        "ix_digest_subscription_channel_id", "digest_subscription", ["channel_id"], unique=True
    )
    op.create_table(
        "digest_run",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey("digest_subscription.id"),
            nullable=False,
        ),
        sa.Column("local_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("channel_id", sa.String(length=32), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=256), nullable=True),
        sa.Column("posted_at", UTCDateTime(), nullable=True),
        sa.Column("message_ts", sa.String(length=32), nullable=True),
        sa.Column("chart_done_at", UTCDateTime(), nullable=True),
        sa.Column("chart_attempts", sa.Integer(), nullable=False),
        sa.Column("skipped_reason", sa.String(length=256), nullable=True),
        sa.UniqueConstraint("subscription_id", "local_date", "kind", name="uq_digest_run_slot"),
    )
    op.create_index("ix_digest_run_posted_at", "digest_run", ["posted_at"])
    for column in _HANDOFF_WINDOW_COLUMNS:
        op.create_index(f"ix_handoff_{column}", "handoff", [column])
    op.create_index("ix_audit_entry_action_at", "audit_entry", ["action", "at"])
    with op.batch_alter_table("reply_suggestion") as table:
        table.add_column(sa.Column("mood", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("reply_suggestion") as table:
        table.drop_column("mood")
    op.drop_index("ix_audit_entry_action_at", table_name="audit_entry")
    for column in _HANDOFF_WINDOW_COLUMNS:
        op.drop_index(f"ix_handoff_{column}", table_name="handoff")
    op.drop_index("ix_digest_run_posted_at", table_name="digest_run")
    op.drop_table("digest_run")
    op.drop_index("ix_digest_subscription_channel_id", table_name="digest_subscription")
    op.drop_table("digest_subscription")
