"""Job runs: the clock's claim on each run, so two clock processes never act twice.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.store.types import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "job_run",
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_by", sa.String(length=128), nullable=False),
        # The claim itself: one row per job and slot (see bot/workflows/job_runs.py).
        sa.PrimaryKeyConstraint("job_id", "due_at", name="pk_job_run"),
    )


def downgrade() -> None:
    op.drop_table("job_run")
