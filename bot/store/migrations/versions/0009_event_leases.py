"""Event claims with a lease and a finished mark, so a delivery whose work did not finish is
acted on by Slack's retry instead of being dropped.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.add_column("processed_event", sa.Column("claimed_by", sa.String(128), nullable=True))
    op.add_column("processed_event", sa.Column("claimed_until", UTCDateTime(), nullable=True))
    op.add_column("processed_event", sa.Column("finished_at", UTCDateTime(), nullable=True))
    # Rows from before this revision were claims that were acted on at once (at most once):
    # they stay no-ops for a redelivery.
    op.execute("UPDATE processed_event SET finished_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("processed_event") as batch:
        batch.drop_column("finished_at")
        batch.drop_column("claimed_until")
        batch.drop_column("claimed_by")
